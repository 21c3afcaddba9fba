// policywatch's prelude for Open Terms Archive filters: the parts of the
// filters' environment (Node.js with jsdom) that are simplest in
// JavaScript. It runs once in every fresh runtime before the filter files.
(function (global) {
  'use strict';

  class DOMException extends Error {
    constructor(message = '', name = 'Error') {
      super(message);
      Object.defineProperty(this, 'name', { value: String(name), writable: true, configurable: true });
    }
  }
  global.DOMException = DOMException;

  const quiet = () => undefined;
  global.console = {
    log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet, trace: quiet,
    dir: quiet, table: quiet, group: quiet, groupEnd: quiet, time: quiet, timeEnd: quiet, assert: quiet,
  };

  // fetch never reaches the network during extraction: every request gets
  // an empty "204 No Content" response. policywatch versions keep no
  // images, so a filter that inlines them (Google Play's downloadImages)
  // runs to completion and changes nothing a version keeps.
  class Headers {
    get() { return null; }
    has() { return false; }
    forEach() {}
    entries() { return [][Symbol.iterator](); }
    keys() { return [][Symbol.iterator](); }
    values() { return [][Symbol.iterator](); }
    [Symbol.iterator]() { return [][Symbol.iterator](); }
  }
  global.Headers = Headers;
  function emptyResponse(url) {
    return {
      ok: true, status: 204, statusText: 'No Content', url, redirected: false, type: 'basic',
      bodyUsed: false, body: null, headers: new Headers(),
      arrayBuffer() { return Promise.resolve(new ArrayBuffer(0)); },
      text() { return Promise.resolve(''); },
      json() { return Promise.reject(new SyntaxError('Unexpected end of JSON input')); },
      clone() { return emptyResponse(url); },
    };
  }
  global.fetch = function fetch(resource) {
    const url = resource !== null && typeof resource === 'object' && 'url' in resource ? String(resource.url) : String(resource);
    return Promise.resolve(emptyResponse(url));
  };

  // goja cannot interrupt a built-in while it runs: a filter asking one
  // for a gigantic result (new Array(1e9).fill(0)) would hold the process
  // for minutes. These caps turn such calls into RangeErrors; no real page
  // comes near them.
  const MAX_ELEMENTS = 1 << 24;
  const MAX_CHARS = 1 << 26;
  const tooLarge = (what, n) => {
    throw new RangeError(`${what}: ${n} is more than policywatch allows in a filter`);
  };
  const replace = (object, name, check) => {
    const original = object[name];
    if (typeof original !== 'function') {
      return;
    }
    const wrapped = {
      [name](...args) {
        check(this, args);
        return original.apply(this, args);
      },
    }[name];
    Object.defineProperty(object, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
  };
  const arrayLength = self => (self === null || self === undefined ? 0 : Number(self.length));
  for (const name of ['fill', 'join', 'toString', 'toLocaleString', 'forEach', 'map', 'filter', 'reduce',
    'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'indexOf',
    'lastIndexOf', 'includes', 'reverse', 'sort', 'slice', 'splice', 'flat', 'flatMap', 'copyWithin',
    'toReversed', 'toSorted', 'toSpliced', 'with']) {
    replace(Array.prototype, name, self => {
      if (arrayLength(self) > MAX_ELEMENTS) {
        tooLarge(`Array.prototype.${name} on an array of length`, arrayLength(self));
      }
    });
  }
  replace(Array, 'from', (self, [items]) => {
    if (items !== null && typeof items === 'object' && !(Symbol.iterator in items) && Number(items.length) > MAX_ELEMENTS) {
      tooLarge('Array.from of length', items.length);
    }
  });
  replace(String.prototype, 'repeat', (self, [count]) => {
    if (String(self).length * Number(count) > MAX_CHARS) {
      tooLarge('String.prototype.repeat to a length of', String(self).length * Number(count));
    }
  });
  for (const name of ['padStart', 'padEnd']) {
    replace(String.prototype, name, (self, [length]) => {
      if (Number(length) > MAX_CHARS) {
        tooLarge(`String.prototype.${name} to a length of`, length);
      }
    });
  }
  for (const name of ['ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
    'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']) {
    const Original = global[name];
    if (typeof Original !== 'function') {
      continue;
    }
    global[name] = new Proxy(Original, {
      construct(target, args, newTarget) {
        if (typeof args[0] === 'number' && args[0] > MAX_ELEMENTS) {
          tooLarge(`new ${name} of length`, args[0]);
        }
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
})(globalThis);

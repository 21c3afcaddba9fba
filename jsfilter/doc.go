// Package jsfilter runs Open Terms Archive's JavaScript filter files
// (SERVICE.filters.js, SERVICE.filters.history.js) in an embedded
// JavaScript engine (goja), over a DOM that is the parsed page itself, so
// the noise those filters remove never becomes a false new version.
//
// # Loading
//
// Load compiles a service's filter files once. goja has no ES modules, so
// each file's module syntax is rewritten: `export` keywords and
// `export {…} from` / `import … from` statements are blanked with spaces
// (lines and columns stay where they were), and the file becomes a
// function that takes its imports and returns its exports. Re-exports and
// imports of other filter files ('./Google.filters.js') are read from the
// same directory, recursively, with cycles reported; the only other module
// is isomorphic-fetch (also node-fetch, cross-fetch), whose fetch is
// policywatch's. Files are compiled as modules are run: in strict mode.
//
// # Call convention
//
// A filter declared by name ("filter": ["cleanUrls"]) is called
// f(document, declaration); one declared with parameters
// ("filter": [{"removeCloudflareEmailProtection": "DPO@gitlab.com"}]) is
// called f(document, params, declaration), params being the JSON value as
// declared. declaration is what Open Terms Archive passes:
// {fetch: URL, select, remove, filter: [names]}, where select and remove
// are the rule itself when there is one (a CSS string, or a range object
// {startBefore, endBefore, …}) and an array otherwise, and filter lists the
// declaration's filter function names. A filter returning a promise is
// awaited: the job queue runs until it settles, within the time bound; a
// promise nothing can settle (there are no timers) is an error.
//
// # The DOM
//
// document is a wrapper of the *html.Node document: every mutation changes
// the tree the extractor walks afterwards, and a node has one wrapper, so
// === works. Selectors are cascadia's, as the declarations' are. innerHTML
// and outerHTML serialise as the HTML standard's fragment serialisation
// (jsdom's), not as html.Render. href, src and the other URL attributes
// resolve against the document base URL as browsers do (the serialised
// URL, or the attribute as written when it does not parse). Ranges are
// live DOM Ranges: boundary points move as the standard says when the tree
// changes, and cloneContents and deleteContents follow its algorithms,
// partially contained nodes included. URL parsing is the WHATWG standard's
// (github.com/nlnwa/whatwg-url); URLSearchParams is application/
// x-www-form-urlencoded, and parses a whole URL given to it literally, as
// browsers do.
//
// What the DOM does not provide fails clearly: reading an unknown property
// gives undefined, as in JavaScript, calling it gives a TypeError, and the
// browser and Node.js APIs policywatch knows it lacks (style, innerText,
// document.evaluate, setTimeout, …) fail the filter with "uses X, which
// policywatch's DOM does not provide", even when the filter catches the
// exception.
//
// # fetch
//
// Extraction never uses the network. fetch answers every request with an
// empty response: status 204, headers.get returning null, arrayBuffer() an
// empty ArrayBuffer, text() "". policywatch versions do not include
// images, so filters that inline images (Google Play's downloadImages) run
// and change nothing policywatch keeps.
//
// # Bounds
//
// Every Apply gets a fresh runtime (the compiled programs are shared, so a
// Module is safe for concurrent use) and runs under the Module's Limits: a
// timer interrupts it after Limits.Timeout, and a watchdog sampling the
// process heap interrupts it when the heap grew more than
// Limits.MaxHeapGrowth (confirmed after a garbage collection). goja cannot
// account memory per runtime and the heap is the process's, so filter runs
// take turns, one at a time in the process: a runaway filter is stopped
// alone, never one running beside it. Calls nest at most 4,096 deep. goja cannot interrupt a
// built-in while it runs, so the built-ins that could make a gigantic
// result in one call (Array.prototype.fill on a huge sparse array,
// String.prototype.repeat, typed arrays, …) are capped, as are strings the
// DOM parses or stores (64 MiB). Failures are *Error values naming the file,
// the function, the JavaScript message and the innermost position in a
// filter file.
package jsfilter

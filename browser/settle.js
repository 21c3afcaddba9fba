// Runs in policywatch's own JavaScript world of a page (it shares the DOM,
// not the page's globals, so a page that redefines them cannot fool it).
// Watches the DOM for changes and defines policywatchState(), which says
// how long the DOM has gone unchanged and which declared selectors do not
// match yet: an element holding text for a select rule, as Open Terms
// Archive waits for, an element at all for the bounds of a range.
((selectors) => {
  const watch = {last: performance.now()};
  new MutationObserver(() => { watch.last = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true});
  const present = ({css, text}) => {
    try {
      const element = document.querySelector(css);
      return !!element && (!text || element.textContent.trim().length > 0);
    } catch (e) {
      return true; // an invalid selector: extraction reports it
    }
  };
  globalThis.policywatchState = () => ({
    quietFor: performance.now() - watch.last,
    missing: selectors.filter((s) => !present(s)).map((s) => s.css),
  });
  return true;
})

// Runs in policywatch's own JavaScript world of a page (it shares the DOM,
// not the page's globals, so a page that redefines them cannot fool it).
// Waits, as Open Terms Archive does, for each declared selector to match an
// element (holding text, for a select rule), then for the DOM to stop
// changing, each bounded; reports the selectors still missing and whether
// the DOM went quiet.
(async (selectors, selectorWait, quiet, settleLimit) => {
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const present = ({css, text}) => {
    try {
      const element = document.querySelector(css);
      return !!element && (!text || element.textContent.trim().length > 0);
    } catch (e) {
      return true; // an invalid selector: extraction reports it
    }
  };
  let start = performance.now();
  let missing = selectors.filter((s) => !present(s));
  while (missing.length > 0 && performance.now() - start < selectorWait) {
    await sleep(100);
    missing = missing.filter((s) => !present(s));
  }
  let last = performance.now();
  const observer = new MutationObserver(() => { last = performance.now(); });
  observer.observe(document, {subtree: true, childList: true, characterData: true});
  start = performance.now();
  while (performance.now() - last < quiet && performance.now() - start < settleLimit) {
    await sleep(50);
  }
  observer.disconnect();
  return {missing: missing.map((s) => s.css), quiet: performance.now() - last >= quiet};
})

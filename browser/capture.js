// Serializes the rendered DOM as Puppeteer's page.content() does: the
// doctype, then the document element's HTML. Runs in policywatch's own
// world of the page, where the page cannot redefine outerHTML.
(() => {
  const doc = document;
  let html = '';
  if (doc.doctype) {
    html = new XMLSerializer().serializeToString(doc.doctype) + '\n';
  }
  return html + (doc.documentElement ? doc.documentElement.outerHTML : '');
})()

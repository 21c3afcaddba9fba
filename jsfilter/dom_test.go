package jsfilter

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// One test per DOM call the filters use, each on a real capture. Values
// the JavaScript sees are checked against what Go computes from the same
// tree; mutations are checked in the tree itself.

// outsideTemplates drops nodes inside <template>, whose content DOM
// queries do not see.
func outsideTemplates(nodes []*html.Node) []*html.Node {
	var out []*html.Node
	for _, n := range nodes {
		inside := false
		for p := n.Parent; p != nil; p = p.Parent {
			inside = inside || isTemplate(p)
		}
		if !inside {
			out = append(out, n)
		}
	}
	return out
}

func TestQuerySelectorAllNodeList(t *testing.T) {
	page := bumblePage.parse(t)
	want := len(outsideTemplates(findAll(page, "li")))
	got := evalOn(t, page, bumblePage.url, `
		const list = document.querySelectorAll('li');
		let seen = 0;
		list.forEach((li, i) => { li.setAttribute('data-i', i); seen++; });
		return [list.length, seen, [...list].length, Array.from(list).length,
			list[0] === list.item(0), list[list.length] === undefined, list.item(list.length) === null,
			typeof list.map, list instanceof NodeList].join();`)
	if wantS := fmt.Sprintf("%d,%d,%d,%d,true,true,true,undefined,true", want, want, want, want); got != wantS {
		t.Errorf("got %s, want %s", got, wantS)
	}
	for i, li := range outsideTemplates(findAll(page, "li")) {
		if v, _ := getAttr(li, "data-i"); v != strconv.Itoa(i) {
			t.Fatalf("li %d has data-i %q", i, v)
		}
	}
}

func TestQuerySelector(t *testing.T) {
	page := bumblePage.parse(t)
	got := evalOn(t, page, bumblePage.url, `
		document.querySelector('#main a').setAttribute('data-first', '');
		return [document.querySelector('.no-such-class'), document.querySelector('#main') === document.querySelector('main#main')].join();`)
	if got != ",true" {
		t.Errorf("got %q", got)
	}
	if first := findAll(page, "#main a")[0]; !hasAttr(first, "data-first") {
		t.Errorf("first link of #main not marked: %s", render(t, first))
	}
	// An invalid selector throws the SyntaxError browsers throw.
	m := scriptModule(t, "Bad", "export function f(document) { document.querySelector('a[') }")
	err := runFilter(t, m, "f", page, bumblePage.url)
	if err == nil || !strings.Contains(err.Error(), "SyntaxError: 'a[' is not a valid selector") {
		t.Errorf("invalid selector: %v", err)
	}
}

func TestGetElementsByTagNameIsLive(t *testing.T) {
	page := bumblePage.parse(t)
	n := len(findAll(page, "h2"))
	got := evalOn(t, page, bumblePage.url, `
		const h2s = document.getElementsByTagName('H2');
		const before = h2s.length;
		h2s[0].remove();
		return [before, h2s.length, document.getElementsByTagName('*').length > before].join();`)
	if want := fmt.Sprintf("%d,%d,true", n, n-1); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if len(findAll(page, "h2")) != n-1 {
		t.Errorf("the first h2 was not removed from the tree")
	}
}

func TestGetElementById(t *testing.T) {
	page := minglePage.parse(t)
	got := evalOn(t, page, minglePage.url, `
		const el = document.getElementById('howWeUse');
		el.setAttribute('data-found', el.tagName);
		return [el === document.querySelector('#howWeUse'), document.getElementById('nope')].join();`)
	if got != "true," {
		t.Errorf("got %q", got)
	}
	if v, _ := getAttr(find(t, page, "#howWeUse"), "data-found"); v == "" {
		t.Error("getElementById did not return the element")
	}
}

func TestCreateElementTextNodeAndFragment(t *testing.T) {
	page := cmbPage.parse(t)
	got := evalOn(t, page, cmbPage.url, `
		const section = document.createElement('SECTION');
		section.id = 'pw-made';
		section.appendChild(document.createTextNode('1 < 2 & "quoted"'));
		const frag = document.createDocumentFragment();
		frag.appendChild(section);
		frag.appendChild(document.createElement('hr'));
		const count = frag.childNodes.length;
		document.body.appendChild(frag);
		return [section.tagName, section.nodeType, frag.nodeType, frag.nodeName, count, frag.childNodes.length,
			section.parentNode === document.body].join();`)
	if got != "SECTION,1,11,#document-fragment,2,0,true" {
		t.Errorf("got %q", got)
	}
	body := find(t, page, "body")
	if last := body.LastChild; last.Data != "hr" || last.PrevSibling.Data != "section" {
		t.Fatalf("body ends with %s", render(t, body.LastChild))
	}
	if s := render(t, body.LastChild.PrevSibling); s != `<section id="pw-made">1 &lt; 2 &amp; &#34;quoted&#34;</section>` {
		t.Errorf("section = %s", s)
	}
}

func TestDocumentMembers(t *testing.T) {
	page := twitterPage.parse(t)
	got := evalOn(t, page, twitterPage.url, `
		return [document.body.tagName, document.documentElement.tagName, document.head.tagName,
			document.body === document.querySelector('body'), document.nodeType, document.nodeName,
			document.documentElement.parentNode === document, document.documentElement.parentElement,
			document.URL, document.location.href, String(document.location), document.location.hostname,
			new URL('../other?x=1', document.location).href, document.title, document.textContent].join('|');`)
	want := "BODY|HTML|HEAD|true|9|#document|true||" + twitterPage.url + "|" + twitterPage.url + "|" + twitterPage.url +
		"|dev.twitter.com|https://dev.twitter.com/rest/reference/get/other?x=1|" + goTitle(t, page) + "|"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func goTitle(t *testing.T, page *html.Node) string {
	return strings.Join(strings.Fields(textContent(find(t, page, "title"))), " ")
}

func TestNodeNamesAndTypes(t *testing.T) {
	page := bumblePage.parse(t)
	got := evalOn(t, page, bumblePage.url, `
		const svg = document.querySelector('svg');
		const comment = document.createComment('c');
		const text = document.createTextNode('t');
		return [document.body.tagName, document.body.nodeName, document.body.nodeType, svg.tagName, svg.nodeName,
			text.nodeName, text.nodeType, comment.nodeName, comment.nodeType, document.doctype.nodeName,
			document.doctype.nodeType, document.body.localName].join();`)
	if got != "BODY,BODY,1,svg,svg,#text,3,#comment,8,html,10,body" {
		t.Errorf("got %q", got)
	}
}

func TestIdClassNameAndClassList(t *testing.T) {
	page := bumblePage.parse(t)
	logo := find(t, page, "a.logo")
	got := evalOn(t, page, bumblePage.url, `
		const a = document.querySelector('a.logo');
		const before = [a.id, a.className, a.classList.length, a.classList.contains('logo')];
		a.id = 'pw-logo';
		a.classList.add('x', 'y', 'x');
		a.classList.remove('logo');
		const toggled = [a.classList.toggle('y'), a.classList.toggle('z'), a.classList.toggle('x', true)];
		const listed = [...a.classList].join(' ');
		return before.concat(toggled, [listed, a.className]).join('|');`)
	if got != "|logo|1|true|false|true|true|x z|x z" {
		t.Errorf("got %q", got)
	}
	if id, _ := getAttr(logo, "id"); id != "pw-logo" {
		t.Errorf("id = %q", id)
	}
	if c, _ := getAttr(logo, "class"); c != "x z" {
		t.Errorf("class = %q", c)
	}
	evalOn(t, page, bumblePage.url, `document.querySelector('#pw-logo').className = 'a  b'; return ''`)
	if c, _ := getAttr(logo, "class"); c != "a  b" {
		t.Errorf("className set: class = %q", c)
	}
}

func TestAttributes(t *testing.T) {
	page := bumblePage.parse(t)
	link := findAll(page, "a.dropdown-list__item")[0]
	var want []string
	for _, a := range link.Attr {
		want = append(want, a.Key+"="+a.Val)
	}
	got := evalOn(t, page, bumblePage.url, `
		const a = document.querySelector('a.dropdown-list__item');
		const listed = Array.from(a.attributes).map(x => x.name + '=' + x.value).join('\n');
		const checks = [a.getAttribute('LANG'), a.hasAttribute('aria-current'), a.getAttribute('nope'), a.hasAttribute('nope')];
		a.setAttribute('Data-PW', 'v"1');
		a.removeAttribute('aria-current');
		a.attributes[0].value = 'changed';
		return listed + '\n' + checks.join();`)
	if wantS := strings.Join(want, "\n") + "\nen,true,,false"; got != wantS {
		t.Errorf("got\n%s\nwant\n%s", got, wantS)
	}
	if v, _ := getAttr(link, "data-pw"); v != `v"1` {
		t.Errorf("setAttribute: data-pw = %q (names are lowercased on HTML elements)", v)
	}
	if hasAttr(link, "aria-current") {
		t.Error("removeAttribute left aria-current")
	}
	if link.Attr[0].Val != "changed" {
		t.Errorf("Attr.value setter: %v", link.Attr[0])
	}
}

func TestHrefAndSrcResolveAsBrowsersDo(t *testing.T) {
	page := bumblePage.parse(t)
	got := evalOn(t, page, bumblePage.url, `
		const [skip, logo] = document.querySelectorAll('a');
		const made = document.createElement('a');
		const results = [skip.href, logo.href, skip.getAttribute('href'), made.href];
		made.setAttribute('href', 'http://exa mple.com/');
		results.push(made.href);
		made.setAttribute('href', 'mailto:x@bumble.com');
		results.push(made.href, made.protocol, made.pathname);
		logo.href = '/en/privacy?a=1#s';
		results.push(logo.getAttribute('href'), logo.pathname, logo.search, logo.hash, logo.origin, logo.host);
		logo.search = '?b=2';
		return results.join('|');`)
	want := "https://bumble.com/en/terms#main|https://bumble.com/en/|#main||http://exa mple.com/|mailto:x@bumble.com|mailto:|x@bumble.com|" +
		"/en/privacy?a=1#s|/en/privacy|?a=1|#s|https://bumble.com|bumble.com"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if v, _ := getAttr(find(t, page, "a.logo"), "href"); v != "https://bumble.com/en/privacy?b=2#s" {
		t.Errorf("search setter: href = %q", v)
	}
	// Bumble's one <img> sits in a <noscript>, which (parsed with scripting
	// on, as the extractor parses) holds text: the DOM sees no image there.
	if got := evalOn(t, page, bumblePage.url, `return document.querySelector('img')`); got != "null" {
		t.Errorf("an img inside noscript: %q", got)
	}
	cmb := cmbPage.parse(t)
	got = evalOn(t, cmb, cmbPage.url, `
		const img = document.querySelector('img');
		const before = img.src;
		img.src = 'pixel.gif';
		return before + '|' + img.src;`)
	if want := "https://coffeemeetsbagel.com/wp-content/uploads/2019/07/CMB-logo-web.png|https://coffeemeetsbagel.com/privacy-terms/pixel.gif"; got != want {
		t.Errorf("img.src: got %s, want %s", got, want)
	}
	if v, _ := getAttr(find(t, cmb, "img"), "src"); v != "pixel.gif" {
		t.Errorf("src setter: src = %q", v)
	}
	// Without a page URL (about:blank) a relative URL does not parse: the
	// attribute comes back as written.
	if got := evalOn(t, bumblePage.parse(t), "", `return document.querySelector('a.logo').href + '|' + document.location.href`); got != "/en/|about:blank" {
		t.Errorf("without a page URL: %q", got)
	}
}

func TestAnchorTextAndMetaContent(t *testing.T) {
	page := cmbPage.parse(t)
	var meta string
	for _, m := range findAll(page, "meta[name=description]") {
		meta, _ = getAttr(m, "content")
	}
	link := findAll(page, "a[href]")[3]
	got := evalOn(t, page, cmbPage.url, `
		const a = document.querySelectorAll('a[href]')[3];
		const before = a.text === a.textContent;
		a.text = 'renamed';
		return [document.querySelector('meta[name=description]').content, before, a.text].join('|');`)
	if want := meta + "|true|renamed"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if link.FirstChild == nil || link.FirstChild != link.LastChild || link.FirstChild.Data != "renamed" {
		t.Errorf("text setter: %s", render(t, link))
	}
}

func TestTextContent(t *testing.T) {
	page := minglePage.parse(t)
	el := find(t, page, "#howWeUse")
	want := textContent(el)
	got := evalOn(t, page, minglePage.url, `
		const el = document.getElementById('howWeUse');
		const text = el.textContent;
		el.textContent = 'replaced <b>';
		return text;`)
	if got != want || !strings.Contains(got, "How We Use") && len(got) == 0 {
		t.Errorf("textContent = %q, want %q", got, want)
	}
	if el.FirstChild == nil || el.FirstChild != el.LastChild || el.FirstChild.Type != html.TextNode || el.FirstChild.Data != "replaced <b>" {
		t.Errorf("after set: %s", render(t, el))
	}
}

func TestRemoveAndReplaceWith(t *testing.T) {
	page := twitterPage.parse(t)
	if len(findAll(page, "script")) == 0 {
		t.Fatal("the page has no scripts")
	}
	links := findAll(page, "a.NavigationItem-link")
	evalOn(t, page, twitterPage.url, `
		document.querySelectorAll('script').forEach(s => s.remove());
		const links = document.querySelectorAll('a.NavigationItem-link');
		links[0].replaceWith(links[0].text);
		links[1].replaceWith(document.createElement('hr'), ' and ', links[2]);
		return '';`)
	if n := len(findAll(page, "script")); n != 0 {
		t.Errorf("%d scripts left", n)
	}
	if links[0].Parent != nil {
		t.Error("replaced link still in the tree")
	}
	// links[1] became <hr>, " and ", links[2] (moved from where it was).
	if links[1].Parent != nil || links[2].PrevSibling == nil || links[2].PrevSibling.Data != " and " || links[2].PrevSibling.PrevSibling.Data != "hr" {
		t.Errorf("replaceWith(nodes and strings): %s", render(t, links[2].Parent))
	}
}

func TestReplaceChildRemoveChildAppendChildInsertBefore(t *testing.T) {
	page := minglePage.parse(t)
	lis := findAll(page, "li")
	first, second, third := lis[0], lis[1], lis[2]
	parent := first.Parent
	items := len(elementChildren(parent))
	got := evalOn(t, page, minglePage.url, `
		const [first, second, third] = document.querySelectorAll('li');
		const parent = first.parentNode;
		const text = document.createTextNode('was first');
		const replaced = parent.replaceChild(text, first);
		const removed = parent.removeChild(second);
		parent.appendChild(replaced);        // moves, not copies
		parent.insertBefore(removed, third); // back before the third
		parent.insertBefore(document.createElement('hr'), null);
		let err = '';
		try { parent.removeChild(document.body); } catch (e) { err = e.name; }
		let cycle = '';
		try { third.appendChild(parent); } catch (e) { cycle = e.name; }
		return [replaced === first, removed === second, first.parentNode === parent, err, cycle].join();`)
	if got != "true,true,true,NotFoundError,HierarchyRequestError" {
		t.Errorf("got %q", got)
	}
	// The children that are not white space, in order.
	var order []*html.Node
	for c := parent.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.TextNode || strings.TrimSpace(c.Data) != "" {
			order = append(order, c)
		}
	}
	if len(order) != items+2 || order[0].Data != "was first" || order[1] != second || order[2] != third ||
		order[len(order)-2] != first || order[len(order)-1].Data != "hr" {
		t.Errorf("children after replaceChild, removeChild, appendChild, insertBefore: %s", render(t, parent))
	}
}

func TestCloneNode(t *testing.T) {
	page := minglePage.parse(t)
	src := find(t, page, "#howWeUse")
	original := render(t, src)
	evalOn(t, page, minglePage.url, `
		const el = document.getElementById('howWeUse');
		const deep = el.cloneNode(true), shallow = el.cloneNode();
		deep.id = 'deep'; shallow.id = 'shallow';
		document.body.append(deep, shallow);
		return '';`)
	if render(t, src) != original {
		t.Error("cloning changed the original")
	}
	deep, shallow := find(t, page, "#deep"), find(t, page, "#shallow")
	if strings.Replace(render(t, deep), `id="deep"`, `id="howWeUse"`, 1) != original {
		t.Errorf("deep clone differs:\n%s", render(t, deep))
	}
	if shallow.FirstChild != nil {
		t.Error("shallow clone has children")
	}
}

func TestTreeNavigation(t *testing.T) {
	page := cmbPage.parse(t)
	el := findAll(page, "ul")[2]
	name := func(n *html.Node) string {
		if n == nil {
			return "null"
		}
		if n.Type == html.ElementNode {
			return strings.ToUpper(n.Data)
		}
		return nodeKind(n)
	}
	elementSibling := func(n *html.Node, next bool) *html.Node {
		for {
			if next {
				n = n.NextSibling
			} else {
				n = n.PrevSibling
			}
			if n == nil || n.Type == html.ElementNode {
				return n
			}
		}
	}
	kids := 0
	for c := el.FirstChild; c != nil; c = c.NextSibling {
		kids++
	}
	want := strings.Join([]string{name(el.Parent), name(el.Parent), strconv.Itoa(kids), strconv.Itoa(len(elementChildren(el))),
		name(el.FirstChild), name(el.LastChild), name(elementChildren(el)[0]), strconv.Itoa(len(elementChildren(el))),
		name(el.NextSibling), name(el.PrevSibling), name(elementSibling(el, true)), name(elementSibling(el, false))}, ",")
	got := evalOn(t, page, cmbPage.url, `
		const el = document.querySelectorAll('ul')[2];
		const name = n => n === null ? 'null' : n.nodeName;
		return [name(el.parentNode), name(el.parentElement), el.childNodes.length, el.children.length,
			name(el.firstChild), name(el.lastChild), name(el.firstElementChild), el.childElementCount,
			name(el.nextSibling), name(el.previousSibling), name(el.nextElementSibling), name(el.previousElementSibling)].join();`)
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// children and childNodes are live and keep their identity.
	got = evalOn(t, page, cmbPage.url, `
		const el = document.querySelectorAll('ul')[2];
		const kids = el.children, nodes = el.childNodes;
		const before = kids.length;
		el.appendChild(document.createElement('li'));
		return [kids === el.children, nodes === el.childNodes, kids.length - before, typeof kids.forEach, typeof nodes.forEach].join();`)
	if got != "true,true,1,undefined,function" {
		t.Errorf("live collections: %q", got)
	}
}

func TestQueriesOnElementsAndFragments(t *testing.T) {
	page := minglePage.parse(t)
	main := find(t, page, "#main")
	inMain := len(findAll(main, "a"))
	got := evalOn(t, page, minglePage.url, `
		const main = document.getElementById('main');
		const frag = document.createDocumentFragment();
		frag.appendChild(main.cloneNode(true));
		return [main.querySelectorAll('a').length, main.querySelectorAll('body a').length,
			main.querySelectorAll('#main').length, frag.querySelectorAll('a').length,
			frag.querySelector('#main') !== null, frag.getElementById('main') !== null,
			main.getElementsByTagName('a').length].join();`)
	if want := fmt.Sprintf("%d,%d,0,%d,true,true,%d", inMain, inMain, inMain, inMain); got != want {
		t.Errorf("got %s, want %s (an element's queries see only its descendants, matched in the whole document)", got, want)
	}
}

func TestMatchesAndClosest(t *testing.T) {
	page := minglePage.parse(t)
	got := evalOn(t, page, minglePage.url, `
		const a = document.querySelector('#main li a');
		return [a.matches('#main a'), a.matches('header a'), a.closest('li').tagName, a.closest('#main').id,
			a.closest('table'), a.closest('a') === a].join();`)
	if got != "true,false,LI,main,,true" {
		t.Errorf("got %q", got)
	}
}

func TestNodeValue(t *testing.T) {
	page := twitterPage.parse(t)
	h3 := findAll(page, "h3")[0]
	text := h3.FirstChild
	for text != nil && text.Type != html.TextNode {
		text = text.NextSibling
	}
	if text == nil {
		t.Fatal("no text in the first h3")
	}
	want := text.Data
	got := evalOn(t, page, twitterPage.url, `
		const h3 = document.querySelector('h3');
		const text = Array.from(h3.childNodes).find(n => n.nodeType === Node.TEXT_NODE);
		const before = text.nodeValue;
		text.nodeValue = 'new heading';
		return [before, h3.nodeValue, text.data, text.length].join('|');`)
	if got != want+"||new heading|11" {
		t.Errorf("got %q", got)
	}
	if text.Data != "new heading" {
		t.Errorf("nodeValue setter: %q", text.Data)
	}
}

func TestDataset(t *testing.T) {
	page := minglePage.parse(t)
	ul := find(t, page, "#main-menu")
	var keys []string
	for _, a := range ul.Attr {
		if strings.HasPrefix(a.Key, "data-") {
			keys = append(keys, a.Key)
		}
	}
	got := evalOn(t, page, minglePage.url, `
		const ul = document.getElementById('main-menu');
		const out = [ul.dataset.effect, ul.dataset.parentSelector, Object.keys(ul.dataset).length, 'mobileTrigger' in ul.dataset,
			ul.dataset.none, ul.dataset === ul.dataset];
		ul.dataset.pwNew = 'x';
		delete ul.dataset.effect;
		return out.join('|');`)
	if want := "slide-top|.tm-mega-menu|" + strconv.Itoa(len(keys)) + "|true||true"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if v, _ := getAttr(ul, "data-pw-new"); v != "x" || hasAttr(ul, "data-effect") {
		t.Errorf("dataset writes: %v", ul.Attr)
	}
}

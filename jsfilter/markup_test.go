package jsfilter

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// innerHTML, outerHTML and insertAdjacentHTML: serialisation exactly as
// the HTML standard (and jsdom) serialise, parsing as the fragment parser does.

func TestInnerHTMLSerialisesAsTheHTMLStandard(t *testing.T) {
	page := bumblePage.parse(t)
	markup := `<p title='a "q" &amp; b&nbsp;c <x>'>1 &lt; 2 &gt; 0 &amp; a&nbsp;b &quot;</p><br><img src="x.png?a=1&amp;b=2">` +
		`<script>if (a < b && c > "d") {}</script><style>p > a {}</style><!-- c&d --><textarea>&lt;t&gt;</textarea>` +
		`<svg viewBox="0 0 1 1"><foreignObject><b>x</b></foreignObject><path d="M0"/></svg><template><i>t</i></template>`
	want := `<p title="a &quot;q&quot; &amp; b&nbsp;c <x>">1 &lt; 2 &gt; 0 &amp; a&nbsp;b "</p><br><img src="x.png?a=1&amp;b=2">` +
		`<script>if (a < b && c > "d") {}</script><style>p > a {}</style><!-- c&d --><textarea>&lt;t&gt;</textarea>` +
		`<svg viewBox="0 0 1 1"><foreignObject><b>x</b></foreignObject><path d="M0"></path></svg><template><i>t</i></template>`
	got := evalOn(t, page, bumblePage.url, `
		const main = document.getElementById('main');
		main.innerHTML = `+"`"+markup+"`"+`;
		return main.innerHTML;`)
	if got != want {
		t.Errorf("innerHTML:\n got %s\nwant %s", got, want)
	}
	// The tree holds what the fragment parser made of it.
	main := find(t, page, "#main")
	if p := find(t, main, "p"); textContent(p) != "1 < 2 > 0 & a\u00a0b \"" {
		t.Errorf("parsed text %q", textContent(p))
	}
	if n := len(findAll(main, "img[src='x.png?a=1&b=2']")); n != 1 {
		t.Errorf("%d parsed images", n)
	}
}

func TestInnerHTMLOfRealMarkup(t *testing.T) {
	// Coffee Meets Bagel's page has U+00A0 in its text: innerHTML says &nbsp;,
	// which is what filters' regular expressions see.
	page := cmbPage.parse(t)
	got := evalOn(t, page, cmbPage.url, `
		const link = document.querySelector("a[href^='/cdn-cgi/l/email-protection'].__cf_email__");
		return link.outerHTML;`)
	// Attributes come in the tree's order. golang.org/x/net/html (since
	// v0.55.0) sorts the attributes of formatting elements such as <a>
	// while parsing (golang/go#79974), so this is not the page's order.
	link := find(t, page, "a[href^='/cdn-cgi/l/email-protection'].__cf_email__")
	want := "<a"
	for _, a := range link.Attr {
		want += " " + a.Key + `="` + a.Val + `"`
	}
	if want += `>[email&nbsp;protected]</a>`; got != want {
		t.Errorf("outerHTML:\n got %s\nwant %s", got, want)
	}
	// Twitter's removeEmptyLinks compares innerHTML with ' ' and '<b> </b>'.
	page = twitterPage.parse(t)
	links := findAll(page, "a")
	got = evalOn(t, page, twitterPage.url, `
		const [a, b] = document.querySelectorAll('a');
		a.innerHTML = ' ';
		b.innerHTML = '<b> </b>';
		return [a.innerHTML === ' ', b.innerHTML === '<b> </b>'].join();`)
	if got != "true,true" {
		t.Errorf("got %q", got)
	}
	if render(t, links[1]) == "" || links[1].FirstChild.Data != "b" {
		t.Errorf("innerHTML set: %s", render(t, links[1]))
	}
}

func TestInnerHTMLSetParsesInContext(t *testing.T) {
	page := cmbPage.parse(t)
	ul := findAll(page, "ul")[0]
	evalOn(t, page, cmbPage.url, `
		const ul = document.querySelector('ul');
		ul.innerHTML = '<li>one<li>two';
		const table = document.createElement('table');
		table.innerHTML = '<tr><td>cell';
		document.body.appendChild(table);
		// Setting the body's innerHTML from its own (Cdiscount's and GitLab's way) keeps the text.
		document.body.innerHTML = document.body.innerHTML.replace('one', 'ONE');
		return '';`)
	_ = ul
	body := find(t, page, "body")
	first := findAll(body, "ul")[0]
	if got := render(t, first); !strings.HasPrefix(got, "<ul") || !strings.HasSuffix(got, "><li>ONE</li><li>two</li></ul>") {
		t.Errorf("ul = %s", got)
	}
	if n := len(findAll(body.LastChild, "table > tbody > tr > td")); body.LastChild.Data != "table" || n != 1 {
		t.Errorf("table parsed in context: %d cells; %s", n, render(t, body.LastChild))
	}
}

func TestOuterHTML(t *testing.T) {
	page := cmbPage.parse(t)
	links := findAll(page, ".__cf_email__")
	if len(links) == 0 {
		t.Fatal("no protected e-mail addresses")
	}
	parents := make([]*html.Node, len(links))
	for i, l := range links {
		parents[i] = l.Parent
	}
	// GitLab's removeCloudflareEmailProtection.
	evalOn(t, page, cmbPage.url, `
		document.querySelectorAll('.__cf_email__').forEach(email => { email.outerHTML = '(email <i>protected</i>)'; });
		return '';`)
	if n := len(findAll(page, ".__cf_email__")); n != 0 {
		t.Errorf("%d protected addresses left", n)
	}
	for i, p := range parents {
		if !strings.Contains(render(t, p), "(email <i>protected</i>)") {
			t.Errorf("address %d: parent is %s", i, render(t, p))
		}
	}
	m := scriptModule(t, "Outer", "export function f(document) { document.documentElement.outerHTML = 'x'; }")
	if err := runFilter(t, m, "f", page, cmbPage.url); err == nil || !strings.Contains(err.Error(), "NoModificationAllowedError") {
		t.Errorf("outerHTML of the root: %v", err)
	}
}

func TestInsertAdjacentHTML(t *testing.T) {
	page := minglePage.parse(t)
	el := find(t, page, "#howWeUse")
	evalOn(t, page, minglePage.url, `
		const el = document.getElementById('howWeUse');
		el.insertAdjacentHTML('beforebegin', '<i id="bb"></i>');
		el.insertAdjacentHTML('afterbegin', '<i id="ab"></i>');
		el.insertAdjacentHTML('beforeend', '<i id="be"></i>');
		el.insertAdjacentHTML('afterEnd', '<i id="ae"></i>text');
		return '';`)
	id := func(n *html.Node) string {
		v, _ := getAttr(n, "id")
		return v
	}
	if id(el.PrevSibling) != "bb" || id(el.FirstChild) != "ab" || id(el.LastChild) != "be" || id(el.NextSibling) != "ae" || el.NextSibling.NextSibling.Data != "text" {
		t.Errorf("insertAdjacentHTML: %s", render(t, el.Parent))
	}
}

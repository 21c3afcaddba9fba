package jsfilter

import (
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Range: boundary points, clone and delete of the contents, live updates.

func TestRangeBetweenSiblingsOnARealPage(t *testing.T) {
	// As Google's removeCountryVersion uses it: from before one section to
	// before the next, check what the clone holds, then delete.
	page := cmbPage.parse(t)
	s3, s4 := find(t, page, "#av_section_3"), find(t, page, "#av_section_4")
	before := s3.PrevSibling
	var between []*html.Node
	for n := s3; n != s4; n = n.NextSibling {
		between = append(between, n)
	}
	h2s := 0
	for _, n := range between {
		if n.Type == html.ElementNode {
			h2s += len(findAll(n, "h2"))
		}
	}
	got := evalOn(t, page, cmbPage.url, `
		const r = document.createRange();
		r.setStartBefore(document.querySelector('#av_section_3'));
		r.setEndBefore(document.querySelector('#av_section_4'));
		const clone = r.cloneContents();
		const start = [r.startContainer === document.querySelector('#av_section_3').parentNode, r.collapsed];
		r.deleteContents();
		return [clone.querySelectorAll('h2').length, clone.querySelector('#av_section_3') !== null, clone.childNodes.length]
			.concat(start, [r.collapsed, r.startOffset === r.endOffset]).join();`)
	if want := strconv.Itoa(h2s) + ",true," + strconv.Itoa(len(between)) + ",true,false,true,true"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if s3.Parent != nil || s4.Parent == nil || s4.PrevSibling != before {
		t.Errorf("deleteContents: section 3 removed %v, section 4 follows what preceded section 3: %v", s3.Parent == nil, s4.PrevSibling == before)
	}
	for _, n := range between {
		if n.Parent != nil {
			t.Errorf("%s still in the tree", render(t, n))
		}
	}
}

const nested = `<div id="r"><p id="p1">a<b id="b1">b</b>c</p><p id="p2">d</p><p id="p3">e<i id="i3">f</i>g</p></div>`

// inject puts markup into a real page's body and returns the body.
func inject(t *testing.T, page *html.Node, markup string) *html.Node {
	t.Helper()
	body := find(t, page, "body")
	nodes, err := html.ParseFragment(strings.NewReader(markup), body)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		body.AppendChild(n)
	}
	return body
}

func TestRangePartialContainment(t *testing.T) {
	page := bumblePage.parse(t)
	inject(t, page, nested)
	// From before b1 (inside p1) to after i3 (inside p3): p1 and p3 are
	// partially contained and stay; what lies between goes.
	got := evalOn(t, page, bumblePage.url, `
		const r = document.createRange();
		r.setStartBefore(document.getElementById('b1'));
		r.setEndAfter(document.getElementById('i3'));
		const clone = document.createElement('div');
		clone.appendChild(r.cloneContents());
		const common = r.commonAncestorContainer.id;
		r.deleteContents();
		return [clone.innerHTML, common, r.startContainer.id, r.startOffset, r.collapsed].join('|');`)
	want := `<p id="p1"><b id="b1">b</b>c</p><p id="p2">d</p><p id="p3">e<i id="i3">f</i></p>|r|r|1|true`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if r := render(t, find(t, page, "#r")); r != `<div id="r"><p id="p1">a</p><p id="p3">g</p></div>` {
		t.Errorf("after deleteContents: %s", r)
	}
}

func TestRangeTextOffsets(t *testing.T) {
	page := bumblePage.parse(t)
	inject(t, page, `<div id="t"><p>abc</p><p>def</p><p>ghi</p></div>`)
	got := evalOn(t, page, bumblePage.url, `
		const [p1, , p3] = document.querySelectorAll('#t p');
		const r = document.createRange();
		r.setStart(p1.firstChild, 1);
		r.setEnd(p3.firstChild, 2);
		const text = r.toString();
		const clone = document.createElement('div');
		clone.appendChild(r.cloneContents());
		r.deleteContents();
		return [text, clone.innerHTML].join('|');`)
	if want := `bcdefgh|<p>bc</p><p>def</p><p>gh</p>`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if r := render(t, find(t, page, "#t")); r != `<div id="t"><p>a</p><p>i</p></div>` {
		t.Errorf("after deleteContents: %s", r)
	}
}

func TestRangeStaysLiveThroughInsertions(t *testing.T) {
	// LibraryThing's move: clone a range, insert the clone before it, then
	// delete the range, which must still cover the original nodes.
	page := bumblePage.parse(t)
	inject(t, page, `<div id="l"><h2 id="top">top</h2><h3 id="from">from</h3><p>x</p><h2 id="to">to</h2></div>`)
	evalOn(t, page, bumblePage.url, `
		const r = document.createRange();
		r.setStartBefore(document.getElementById('from'));
		r.setEndBefore(document.getElementById('to'));
		const moved = r.cloneContents();
		moved.firstChild.id = 'moved';
		document.getElementById('l').insertBefore(moved, document.getElementById('top'));
		r.deleteContents();
		return '';`)
	if r := render(t, find(t, page, "#l")); r != `<div id="l"><h3 id="moved">from</h3><p>x</p><h2 id="top">top</h2><h2 id="to">to</h2></div>` {
		t.Errorf("got %s", r)
	}
}

func TestRangeBoundaryErrors(t *testing.T) {
	page := bumblePage.parse(t)
	got := evalOn(t, page, bumblePage.url, `
		const r = document.createRange();
		const errs = [];
		for (const f of [() => r.setStartBefore(document), () => r.setStart(document.body, 100000), () => r.setEnd(document.doctype, 0)]) {
			try { f(); errs.push('none'); } catch (e) { errs.push(e.name); }
		}
		// An end before the start moves the start, as the standard says.
		r.setStartAfter(document.body.lastChild);
		r.setEndBefore(document.body.firstChild);
		errs.push(r.collapsed);
		return errs.join();`)
	if got != "InvalidNodeTypeError,IndexSizeError,InvalidNodeTypeError,true" {
		t.Errorf("got %s", got)
	}
}

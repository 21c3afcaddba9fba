package extract

import (
	"strings"
	"testing"
)

const rangePage = `<html><body><main>
<h1>Terms</h1>
<div id="intro"><p>Intro text.</p></div>
<h2 id="privacy">Privacy</h2>
<p>Privacy text one.</p>
<div class="box"><p>Privacy text two.</p><span class="ad">Advert inside.</span></div>
<h2 id="cookies">Cookies</h2>
<p>Cookie text.</p>
<footer-note><p>After the end.</p></footer-note>
</main></body></html>`

func TestSelectRanges(t *testing.T) {
	for _, c := range []struct {
		name           string
		r              Range
		want, unwanted []string
	}{
		{"startBefore endBefore", Range{StartBefore: "#privacy", EndBefore: "#cookies"},
			[]string{"Privacy", "Privacy text one.", "Privacy text two."}, []string{"Intro text.", "Cookie text.", "Terms"}},
		{"startAfter endBefore", Range{StartAfter: "#privacy", EndBefore: "#cookies"},
			[]string{"Privacy text one.", "Privacy text two."}, []string{"# Privacy", "Cookie text."}},
		{"startAfter endAfter", Range{StartAfter: "#intro", EndAfter: "#cookies"},
			[]string{"Privacy text one.", "Cookies"}, []string{"Intro text.", "Cookie text."}},
		{"inner end", Range{StartBefore: "#privacy", EndBefore: ".ad"},
			[]string{"Privacy text one.", "Privacy text two."}, []string{"Advert inside.", "Cookie text."}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := extractHTML(t, rangePage, Options{Select: []Selector{{Range: &c.r}}})
			assertContains(t, doc, c.want...)
			assertAbsent(t, doc, c.unwanted...)
		})
	}
}

func TestRemoveRangesBeforeSelect(t *testing.T) {
	doc := extractHTML(t, rangePage, Options{
		Remove: []Selector{{Range: &Range{StartBefore: ".box", EndBefore: "#cookies"}}},
		Select: CSS("main"),
	})
	assertContains(t, doc, "Privacy text one.", "Cookie text.", "Intro text.")
	assertAbsent(t, doc, "Privacy text two.", "Advert inside.")
}

func TestRangeErrors(t *testing.T) {
	for _, c := range []struct {
		r    Range
		want string
	}{
		{Range{StartBefore: "#privacy", StartAfter: "#intro", EndBefore: "#cookies"}, "exactly one of startBefore and startAfter"},
		{Range{StartBefore: "#privacy"}, "exactly one of endBefore and endAfter"},
		{Range{StartBefore: "#nothing", EndBefore: "#cookies"}, `startBefore "#nothing" matched nothing`},
		{Range{StartBefore: "#cookies", EndBefore: "#intro"}, `endBefore "#intro" matched nothing after the start`},
		{Range{StartAfter: "#privacy", EndBefore: "#privacy + p"}, "no text found"}, // only the line break between them
		{Range{StartBefore: "[", EndBefore: "p"}, "invalid select range startBefore selector"},
	} {
		_, err := Extract([]byte(rangePage), "text/html", Options{Select: []Selector{{Range: &c.r}}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.r, err, c.want)
		}
	}
	if _, err := Extract([]byte("plain"), "text/plain", Options{Select: []Selector{{Range: &Range{StartBefore: "p", EndAfter: "p"}}}}); err == nil {
		t.Error("ranges on plain text: no error")
	}
}

// TestRangeKeepsTextOutsideElements: a range's bare text (not wrapped in
// an element of its own) is content, as in Open Terms Archive, which
// clones the range's contents.
func TestRangeKeepsTextOutsideElements(t *testing.T) {
	page := `<html><body><div><h2 id="a">A</h2>Bare text <b>inline</b> tail.<p>Paragraph.</p><h2 id="b">B</h2></div></body></html>`
	doc := extractHTML(t, page, Options{Select: []Selector{{Range: &Range{StartAfter: "#a", EndBefore: "#b"}}}})
	findBlock(t, doc, "Bare text inline tail.")
	findBlock(t, doc, "Paragraph.")
}

package jsfilter

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/policywatch/policywatch/extract"
)

// The globals filters use besides the DOM: fetch, btoa/atob,
// decodeURIComponent, console; and what is not provided.

func TestFetchAnswersEmptyWithoutNetwork(t *testing.T) {
	// Google Play's downloadImages fetches every image to inline it. No
	// request leaves the process: each gets an empty 204, so the images
	// become empty data: URIs, and the text does not change.
	page := cmbPage.parse(t)
	imgs := findAll(page, "body img")
	if len(imgs) == 0 {
		t.Fatal("no images")
	}
	text := textContent(find(t, page, "body"))
	f := publishedFilter(t, "contrib", "Google Play", "downloadImages", time.Time{})
	if err := f.Apply(page, extract.FilterContext{URL: cmbPage.url, Select: extract.CSS("body")}); err != nil {
		t.Fatal(err)
	}
	for _, img := range imgs {
		if src, _ := getAttr(img, "src"); src != "data:null;base64," {
			t.Errorf("img src = %q", src)
		}
	}
	if textContent(find(t, page, "body")) != text {
		t.Error("downloadImages changed the text")
	}
	m := scriptModule(t, "Fetch", `import fetch from 'isomorphic-fetch';
export async function probe(document) {
  const r = await fetch('https://example.com/x.png');
  const buf = await r.arrayBuffer();
  let json = 'none';
  try { await r.json(); } catch (e) { json = e.name; }
  document.body.setAttribute('data-out', [r.status, r.ok, r.statusText, r.headers.get('content-type'), buf.byteLength, JSON.stringify(await r.text()), r.url, json].join());
}`)
	if err := runFilter(t, m, "probe", page, cmbPage.url); err != nil {
		t.Fatal(err)
	}
	if out, _ := getAttr(find(t, page, "body"), "data-out"); out != `204,true,No Content,,0,"",https://example.com/x.png,SyntaxError` {
		t.Errorf("response: %s", out)
	}
}

func TestBase64DecodeAndConsole(t *testing.T) {
	page := twitterPage.parse(t)
	got := evalOn(t, page, twitterPage.url, `
		console.log('discarded', document); console.error('also');
		const errs = [];
		for (const f of [() => btoa('€'), () => atob('a')]) {
			try { f(); errs.push('none'); } catch (e) { errs.push(e.name); }
		}
		return [btoa('policywatch\xff'), atob('cG9saWN5d2F0Y2j/'), atob(' cG9s aWN5 '), btoa(''), decodeURIComponent('%E2%84%B9%EF%B8%8F%20x')].concat(errs).join('|');`)
	if want := "cG9saWN5d2F0Y2j/|policywatch\u00ff|policy||ℹ️ x|InvalidCharacterError|InvalidCharacterError"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCleanUrlsDecodesFacebookRedirects(t *testing.T) {
	// Facebook's cleanUrls: href getter, decodeURIComponent, href setter.
	page := bumblePage.parse(t)
	links := facebookRedirects(page)
	f := publishedFilter(t, "contrib", "Facebook", "cleanUrls", time.Time{})
	if err := f.Apply(page, extract.FilterContext{URL: "https://www.facebook.com/privacy/policy"}); err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		if got, _ := getAttr(l.node, "href"); got != l.target {
			t.Errorf("%s became %s, want %s", l.redirect, got, l.target)
		}
	}
}

type redirectLink struct {
	node             *html.Node
	redirect, target string
}

// facebookRedirects rewrites every absolute link of page into the
// l.facebook.com redirect Facebook's pages use, returning them.
func facebookRedirects(page *html.Node) []redirectLink {
	var out []redirectLink
	for _, a := range findAll(page, "a[href^='https://']") {
		target, _ := getAttr(a, "href")
		redirect := "https://l.facebook.com/l.php?u=" + url.QueryEscape(target) + "&h=AT0x" + strings.Repeat("Q", 40)
		setAttr(a, "href", redirect)
		out = append(out, redirectLink{a, redirect, target})
	}
	return out
}

func TestUnsupportedAPIsFailClearly(t *testing.T) {
	page := twitterPage.parse(t)
	for _, tc := range []struct{ body, want string }{
		{"document.body.style.color = 'red';", "uses Element.style, which policywatch's DOM does not provide"},
		{"try { document.body.innerText } catch (e) {}", "uses Element.innerText, which policywatch's DOM does not provide"},
		{"document.evaluate('//a', document);", "uses Document.evaluate, which policywatch's DOM does not provide"},
		{"setTimeout(() => {}, 10);", "uses setTimeout, which policywatch's DOM does not provide"},
		{"document.body.frobnicate();", "TypeError: Object has no member 'frobnicate'"},
	} {
		m := scriptModule(t, "Uses", "export function f(document) {\n  "+tc.body+"\n}\n")
		err := runFilter(t, m, "f", page, twitterPage.url)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "Uses.filters.js: f: ") {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
	// An unknown property reads as undefined, as in JavaScript.
	if got := evalOn(t, page, twitterPage.url, `return [document.body.noSuchThing, typeof document.noSuchThing].join()`); got != ",undefined" {
		t.Errorf("unknown properties: %q", got)
	}
}

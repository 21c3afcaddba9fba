package jsfilter

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/policywatch/policywatch/extract"
)

// URL and URLSearchParams, alone and through the published filters that use them.

func TestURL(t *testing.T) {
	page := minglePage.parse(t)
	got := evalOn(t, page, minglePage.url, `
		const u = new URL('../terms-of-use-en/?b=2&a=1#part', document.location);
		const parts = [u.href, u.origin, u.protocol, u.host, u.hostname, u.pathname, u.search, u.hash, String(u), u.toString(), JSON.stringify({u})];
		u.search = '?c=3';
		parts.push(u.href, u.searchParams.get('c'));
		u.searchParams.append('d', 'x y');
		parts.push(u.href, u.search);
		u.searchParams.delete('c');
		u.searchParams.delete('d');
		parts.push(u.href);
		const withPort = new URL('HTTP://Example.COM:8080/a/./b/../c');
		parts.push(withPort.href, withPort.host, withPort.port, withPort.origin);
		let err = '';
		try { new URL('/relative'); } catch (e) { err = e.name; }
		parts.push(err, URL.canParse('/x', 'https://a.example'));
		return parts.join('|');`)
	want := strings.Join([]string{
		"https://about.christianmingle.com/en/legal-en/terms-of-use-en/?b=2&a=1#part", "https://about.christianmingle.com", "https:",
		"about.christianmingle.com", "about.christianmingle.com", "/en/legal-en/terms-of-use-en/", "?b=2&a=1", "#part",
		"https://about.christianmingle.com/en/legal-en/terms-of-use-en/?b=2&a=1#part", "https://about.christianmingle.com/en/legal-en/terms-of-use-en/?b=2&a=1#part",
		`{"u":"https://about.christianmingle.com/en/legal-en/terms-of-use-en/?b=2&a=1#part"}`,
		"https://about.christianmingle.com/en/legal-en/terms-of-use-en/?c=3#part", "3",
		"https://about.christianmingle.com/en/legal-en/terms-of-use-en/?c=3&d=x+y#part", "?c=3&d=x+y",
		"https://about.christianmingle.com/en/legal-en/terms-of-use-en/#part",
		"http://example.com:8080/a/c", "example.com:8080", "8080", "http://example.com:8080",
		"TypeError", "true",
	}, "|")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", strings.ReplaceAll(got, "|", "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
}

func TestURLSearchParams(t *testing.T) {
	page := minglePage.parse(t)
	got := evalOn(t, page, minglePage.url, `
		const p = new URLSearchParams('?a=1&b=x+y%20z&a=2&empty&=v&c=%zz&e=%C3%A9%E2%82');
		const parts = [p.get('a'), p.getAll('a').join('+'), p.get('b'), p.get('empty'), p.get(''), p.get('c'), p.get('e'), p.get('none'),
			p.has('a'), p.has('a', '2'), p.has('a', '3'), p.size];
		p.set('a', 'one');
		p.append('sp ace', '*-._~!é');
		p.delete('empty');
		p.delete('b', 'wrong');
		parts.push(p.toString());
		const seen = [];
		p.forEach((v, k) => seen.push(k + ':' + v));
		parts.push(seen.join(','), [...p.keys()].join(','), [...p].map(([k, v]) => k + '=' + v).join(','));
		p.sort();
		parts.push(p.toString());
		parts.push(new URLSearchParams({x: '1', y: '2'}).toString(), new URLSearchParams([['k', 'v']]).toString(),
			new URLSearchParams(p).get('a'));
		// A whole URL is parsed literally as a query string, as browsers do (the pga filters rely on it).
		const whole = new URLSearchParams('https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2F&h=AT0');
		parts.push([...whole.keys()].join(','), whole.get('h'));
		whole.set('h', 'removed');
		parts.push(whole.toString());
		return parts.join('|');`)
	want := strings.Join([]string{
		"1", "1+2", "x y z", "", "v", "%zz", "é\ufffd", "", "true", "true", "false", "7",
		"a=one&b=x+y+z&=v&c=%25zz&e=%C3%A9%EF%BF%BD&sp+ace=*-._%7E%21%C3%A9",
		"a:one,b:x y z,:v,c:%zz,e:é\ufffd,sp ace:*-._~!é", "a,b,,c,e,sp ace", "a=one,b=x y z,=v,c=%zz,e=é\ufffd,sp ace=*-._~!é",
		"=v&a=one&b=x+y+z&c=%25zz&e=%C3%A9%EF%BF%BD&sp+ace=*-._%7E%21%C3%A9",
		"x=1&y=2", "k=v", "one",
		"https://l.facebook.com/l.php?u,h", "AT0",
		"https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu=https%3A%2F%2Fexample.com%2F&h=removed",
	}, "|")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", strings.ReplaceAll(got, "|", "\n"), strings.ReplaceAll(want, "|", "\n"))
	}
}

// withQuery adds query parameters to every absolute link of page and
// returns the links changed.
func withQuery(page *html.Node, query string) []*html.Node {
	var links []*html.Node
	for _, a := range findAll(page, "a[href^='https://']") {
		href, _ := getAttr(a, "href")
		if strings.Contains(href, "?") || strings.Contains(href, "#") {
			continue
		}
		setAttr(a, "href", href+"?"+query)
		links = append(links, a)
	}
	return links
}

func publishedFilter(t *testing.T, collection, id, name string, at time.Time) extract.Filter {
	t.Helper()
	m, err := Load(filepath.Join(publishedDir, collection), id)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := m.Filter(name, nil, at)
	if !ok {
		t.Fatalf("%s/%s exports no %s", collection, id, name)
	}
	return f
}

func TestPublishedRemoveQueryParamThroughURL(t *testing.T) {
	// france-elections' Facebook filter: new URL(href, document.location),
	// URLSearchParams(url.search), delete, url.search = params.toString().
	page := minglePage.parse(t)
	links := withQuery(page, "locale2=fr_FR&keep=a+b%2F")
	if len(links) < 10 {
		t.Fatalf("only %d links", len(links))
	}
	originals := make([]string, len(links))
	for i, a := range links {
		originals[i], _ = getAttr(a, "href")
	}
	f := publishedFilter(t, "france-elections", "Facebook", "removeLocaleFromUrls", time.Time{})
	if err := f.Apply(page, extract.FilterContext{URL: minglePage.url}); err != nil {
		t.Fatal(err)
	}
	for i, a := range links {
		got, _ := getAttr(a, "href")
		want := strings.Replace(originals[i], "locale2=fr_FR&", "", 1)
		if u, err := url.Parse(want); err == nil && u.Path == "" {
			u.Path = "/" // a URL's serialisation has a path
			want = u.String()
		}
		if got != want {
			t.Errorf("link %d: %s became %s, want %s", i, originals[i], got, want)
		}
	}
}

func TestPublishedRemoveTrackingIDsParsesHrefAsAQuery(t *testing.T) {
	// pga's Facebook filter calls new URLSearchParams(href) on the whole
	// href, which browsers parse literally: a link whose h parameter comes
	// second is rewritten to the serialised query, mangled as in OTA.
	page := minglePage.parse(t)
	links := withQuery(page, "x=1&h=AT123")
	originals := make([]string, len(links))
	for i, a := range links {
		originals[i], _ = getAttr(a, "href")
	}
	f := publishedFilter(t, "pga", "Facebook", "removeTrackingIDs", time.Time{})
	if err := f.Apply(page, extract.FilterContext{URL: minglePage.url}); err != nil {
		t.Fatal(err)
	}
	for i, a := range links {
		got, _ := getAttr(a, "href")
		base := strings.TrimSuffix(originals[i], "&h=AT123")
		first, x, _ := strings.Cut(base, "=")
		if want := url.QueryEscape(first) + "=" + x; got != want {
			t.Errorf("link %d: %s became %s, want %s", i, originals[i], got, want)
		}
	}
	// The history entry of Instagram's filter sets h to "removed" instead.
	page = minglePage.parse(t)
	links = withQuery(page, "x=1&h=AT123")
	f = publishedFilter(t, "contrib", "Instagram", "removeTrackingIDs", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	if err := f.Apply(page, extract.FilterContext{URL: minglePage.url}); err != nil {
		t.Fatal(err)
	}
	if got, _ := getAttr(links[0], "href"); !strings.HasSuffix(got, "=1&h=removed") || !strings.HasPrefix(got, "https%3A%2F%2F") {
		t.Errorf("Instagram's history removeTrackingIDs: %s", got)
	}
}

// Package capture holds the words every package uses about captures, as
// they are stored in the fetches table: where a capture came from (Source)
// and why a fetch gave no version (Class). This is the one list; commands
// and pages explain a class with Describe.
//
// capture imports nothing of ours.
package capture

import "net/textproto"

// Source says what brought a capture.
type Source string

const (
	Crawl  Source = "crawl"  // fetched by the crawler
	Import Source = "import" // recorded from files (policywatch import)
	Demo   Source = "demo"   // the bundled demo archive
	// OTA captures come from an Open Terms Archive collection (its
	// snapshots or versions repository, or a dataset), policywatch import-ota.
	OTA Source = "ota"
	// Wayback captures come from the Internet Archive's Wayback Machine,
	// policywatch backfill --wayback.
	Wayback Source = "wayback"
)

// MaxBytes is the largest capture policywatch records, whatever brought it:
// a crawled page after decompression, a file imported, a Wayback capture.
// 20 MiB: policies are far smaller; what is larger is not one (an archive,
// a video), and would cost memory to record. Commands that raise it take a
// flag.
const MaxBytes = 20 << 20

// KeptHeaders are the response headers a capture keeps, for the WARC
// response record an export rebuilds: what the page was (type, language),
// when (Date, Last-Modified, Expires) and from what (Server, ETag,
// Cache-Control). The body is stored decoded, so Content-Encoding,
// Content-Length and Transfer-Encoding, which would not describe it, are
// not kept; nor are cookies.
var KeptHeaders = []string{"Date", "Server", "Content-Type", "Content-Language", "Last-Modified", "ETag", "Cache-Control", "Expires"}

// maxHeaderValue bounds one kept header value: a longer one is left out
// (cut, an ETag or a date would be false).
const maxHeaderValue = 1024

// HeaderBlock writes the kept headers of h — keyed as net/http keys them
// (http.Header is such a map) — as an HTTP header block: "Name: value"
// lines ending in CRLF, in KeptHeaders' order, each value once (the
// first). A value longer than 1 KiB or holding a line break or another
// control character is left out, so that the block is small and well
// formed whatever a server sent.
func HeaderBlock(h map[string][]string) string {
	var b []byte
	for _, name := range KeptHeaders {
		values := h[textproto.CanonicalMIMEHeaderKey(name)] // "Etag", as net/http keys it
		if len(values) == 0 || len(values[0]) > maxHeaderValue || !printable(values[0]) {
			continue
		}
		b = append(b, name...)
		b = append(b, ": "...)
		b = append(b, values[0]...)
		b = append(b, "\r\n"...)
	}
	return string(b)
}

func printable(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// Declared says whether captures of this source were extracted with the
// rules of a declaration (crawled, imported from Open Terms Archive or the
// Wayback Machine): extracting them again needs those rules.
func (s Source) Declared() bool { return s == Crawl || s == OTA || s == Wayback }

// Method says how a crawled page was fetched: its bytes as an HTTP client
// received them, or the DOM a headless browser rendered after running the
// page's scripts. Captures that were not crawled have none ("").
type Method string

const (
	HTTP    Method = "http"    // the server's bytes, as sent
	Browser Method = "browser" // the DOM Chromium rendered, serialized as HTML
)

// Class says why a fetch gave no version. The crawler finds the first
// five, and the browser Script; archive the others, from what extraction
// says.
type Class string

const (
	Network         Class = "network"          // no response: DNS, connection, timeout, a non-public address refused
	HTTPStatus      Class = "http-status"      // an error status, or a redirect that could not be followed
	Blocked         Class = "blocked"          // robots.txt disallows it, or a bot challenge answered instead of the page
	TooLarge        Class = "too-large"        // the body passed the size limit
	Empty           Class = "empty"            // nothing to read: 204, an empty body, or no text at all
	SelectorMissing Class = "selector-missing" // the declared select or range matched nothing
	Suspect         Class = "suspect"          // the text shrank too much: held until the next fetch confirms it
	Extract         Class = "extract"          // the extractor refused the content
	Filter          Class = "filter"           // a declaration's filter failed on the page
	Binary          Class = "binary"           // not text: an image, an archive, compressed or random bytes
	// Script: a page rendered in the browser misbehaved — it opened a
	// popup, navigated away from the declared page, or crashed its tab
	// (usually by using more memory than a page may).
	Script Class = "script"
)

// Classes lists every class, in the order above.
func Classes() []Class {
	return []Class{Network, HTTPStatus, Blocked, TooLarge, Empty, SelectorMissing, Suspect, Extract, Filter, Binary, Script}
}

// Describe explains a class in a few words for a reader.
func (c Class) Describe() string {
	switch c {
	case Network:
		return "the request failed (network, timeout, or a refused address)"
	case HTTPStatus:
		return "the server answered with an error status"
	case Blocked:
		return "robots.txt or a bot wall refused the fetch"
	case TooLarge:
		return "the page is larger than the size limit"
	case Empty:
		return "the page held no text"
	case SelectorMissing:
		return "the declared selector matched nothing: the page changed its layout, or is not the expected page"
	case Suspect:
		return "the text shrank too much: held until the next fetch confirms it"
	case Extract:
		return "the extractor could not read the content"
	case Filter:
		return "a declaration filter failed on the page"
	case Binary:
		return "the content is not text"
	case Script:
		return "the page's scripts misbehaved in the browser: a popup, a navigation away, or a crash"
	}
	return string(c)
}

// Package capture holds the words every package uses about captures, as
// they are stored in the fetches table: where a capture came from (Source)
// and why a fetch gave no version (Class). This is the one list; commands
// and pages explain a class with Describe.
//
// capture imports nothing.
package capture

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

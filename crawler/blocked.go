package crawler

import (
	"bytes"
	"net/http"
	"strings"
)

// bodySignatures are strings that appear in bot-challenge and access-denied
// pages of the common protection services, and not in policies.
var bodySignatures = []struct{ marker, name string }{
	{"<title>just a moment...</title>", "a Cloudflare challenge"},
	{"<title>attention required! | cloudflare</title>", "a Cloudflare block page"},
	{"<title>attention required!", "a Cloudflare block page"},
	{"/cdn-cgi/challenge-platform/", "a Cloudflare challenge"},
	{"cf-browser-verification", "a Cloudflare challenge"},
	{"window._cf_chl_opt", "a Cloudflare challenge"},
	{"captcha-delivery.com", "a DataDome challenge"},
	{"_incapsula_resource", "an Imperva challenge"},
	{"incapsula incident id", "an Imperva block page"},
	{"px-captcha", "a PerimeterX challenge"},
	{"_pxappid", "a PerimeterX challenge"},
	{"<title>access denied</title>", "an access-denied page"},
	{"errors.edgesuite.net", "an Akamai block page"},
}

// challengeScanBytes bounds the scan: challenge pages are small and put
// their markers early, and a long policy that quotes a marker far down is
// not a challenge.
const challengeScanBytes = 32 << 10

// BlockedReason says why a response looks like a bot challenge or an
// access-denied page rather than the document, or "" when it does not.
func BlockedReason(status int, header http.Header, body []byte) string {
	switch {
	case header.Get("cf-mitigated") == "challenge":
		return "a Cloudflare challenge (cf-mitigated)"
	case header.Get("x-datadome") != "" && status >= 400:
		return "a DataDome block (x-datadome)"
	case header.Get("x-iinfo") != "" && status >= 400:
		return "an Imperva block (x-iinfo)"
	case strings.Contains(strings.ToLower(header.Get("Server")), "akamaighost") && status == http.StatusForbidden:
		return "an Akamai block (AkamaiGHost 403)"
	}
	lower := asciiLower(body[:min(len(body), challengeScanBytes)])
	for _, s := range bodySignatures {
		if bytes.Contains(lower, []byte(s.marker)) {
			return s.name
		}
	}
	return ""
}

// asciiLower lowercases ASCII letters only: the markers are ASCII, and
// bytes.ToLower is slow on non-ASCII text.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

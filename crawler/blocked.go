package crawler

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
)

// bodySignatures are strings that appear in bot-challenge and access-denied
// pages of the common protection services, and not in policies: whatever
// the status, a page holding one is not the document.
var bodySignatures = []struct{ marker, name string }{
	{"<title>just a moment...</title>", "a Cloudflare challenge"},
	{"<title>please wait... | cloudflare</title>", "a Cloudflare challenge"},
	{"<title>attention required! | cloudflare</title>", "a Cloudflare block page"},
	{"<title>attention required!", "a Cloudflare block page"},
	{"/cdn-cgi/challenge-platform/", "a Cloudflare challenge"},
	{"cf-browser-verification", "a Cloudflare challenge"},
	{"window._cf_chl_opt", "a Cloudflare challenge"},
	{"captcha-delivery.com", "a DataDome challenge"},
	{"_incapsula_resource", "an Imperva challenge"},
	{"incapsula incident id", "an Imperva block page"},
	{"<title>pardon our interruption</title>", "an Imperva (Distil) challenge"},
	{"px-captcha", "a PerimeterX challenge"},
	{"_pxappid", "a PerimeterX challenge"},
	{"<title>access denied</title>", "an access-denied page"},
	{"errors.edgesuite.net", "an Akamai block page"},
	{"<title>ddos-guard</title>", "a DDoS-Guard challenge"},
	{"<title>vercel security checkpoint</title>", "a Vercel challenge"},
	{"sucuri website firewall - access denied", "a Sucuri block page"},
}

// refusalSignatures are words of challenge and block pages that a policy
// may use too ("captcha", "access denied"): they mark a page as a wall
// only when the status refuses it (403, 429 or 503).
var refusalSignatures = []struct{ marker, name string }{
	{"awswaf", "an AWS WAF challenge"},
	{"challenges.cloudflare.com", "a Cloudflare Turnstile challenge"},
	{"hcaptcha", "an hCaptcha challenge"},
	{"g-recaptcha", "a reCAPTCHA challenge"},
	{"recaptcha/api.js", "a reCAPTCHA challenge"},
	{"captcha", "a CAPTCHA"},
	{"are you a robot", "a bot check"},
	{"are you human", "a bot check"},
	{"verify you are human", "a bot check"},
	{"unusual traffic", "a bot check"},
	{"checking your browser", "a browser check"},
	{"enable javascript and cookies to continue", "a browser check"},
	{"request unsuccessful", "an Imperva block page"},
	{"access denied", "an access-denied page"},
	{"you have been blocked", "a block page"},
	{"security check", "a security check"},
}

// challengeScanBytes bounds the scan: challenge pages are small and put
// their markers early, and a long policy that quotes a marker far down is
// not a challenge.
const challengeScanBytes = 32 << 10

// refusing reports whether a status is one protection services answer a
// challenge or a block with.
func refusing(status int) bool {
	return status == http.StatusForbidden || status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// BlockedReason says why a response looks like a bot challenge or an
// access-denied page rather than the document, or "" when it does not. It
// reads the headers protection services set (cf-mitigated,
// x-amzn-waf-action, the Server-Timing entries of Cloudflare, Akamai and
// CloudFront on a refusal), then the page's first 32 KB for the titles and
// scripts of challenge pages.
func BlockedReason(status int, header http.Header, body []byte) string {
	if reason := headerReason(status, header); reason != "" {
		return reason
	}
	lower := asciiLower(body[:min(len(body), challengeScanBytes)])
	for _, s := range bodySignatures {
		if bytes.Contains(lower, []byte(s.marker)) {
			return s.name
		}
	}
	if refusing(status) {
		for _, s := range refusalSignatures {
			if bytes.Contains(lower, []byte(s.marker)) {
				return fmt.Sprintf("%s (%q in the page)", s.name, s.marker)
			}
		}
	}
	return ""
}

// headerReason is BlockedReason's reading of the headers.
func headerReason(status int, header http.Header) string {
	timing := strings.ToLower(strings.Join(header.Values("Server-Timing"), ","))
	switch {
	case strings.EqualFold(header.Get("cf-mitigated"), "challenge"):
		return "a Cloudflare challenge (cf-mitigated)"
	case header.Get("x-amzn-waf-action") != "":
		return fmt.Sprintf("an AWS WAF %s (x-amzn-waf-action)", strings.ToLower(header.Get("x-amzn-waf-action")))
	case serverTiming(timing, "chlray"):
		// Cloudflare names the challenge's ray only on challenge pages.
		return "a Cloudflare challenge (server-timing chlray)"
	case header.Get("x-datadome") != "" && status >= 400:
		return "a DataDome block (x-datadome)"
	case header.Get("x-iinfo") != "" && status >= 400:
		return "an Imperva block (x-iinfo)"
	case strings.Contains(strings.ToLower(header.Get("Server")), "akamaighost") && status == http.StatusForbidden:
		return "an Akamai block (AkamaiGHost 403)"
	}
	// The services below set these entries on every response; with a
	// refusal they mean their bot management answered, not the site. A 503
	// may be the site being down, which is retried rather than blocked.
	if status != http.StatusForbidden && status != http.StatusTooManyRequests {
		return ""
	}
	switch {
	case serverTiming(timing, "cfl4") || serverTiming(timing, "cfextpri") || serverTiming(timing, "cfedge") || serverTiming(timing, "cforigin"):
		return fmt.Sprintf("a Cloudflare block (%d, server-timing)", status)
	case serverTiming(timing, "ak_p"):
		return fmt.Sprintf("an Akamai block (%d, server-timing ak_p)", status)
	case strings.Contains(timing, "cdn-upstream") || serverTiming(timing, "cdn-pop") || serverTiming(timing, "cdn-rid"):
		return fmt.Sprintf("a CloudFront block (%d, server-timing)", status)
	case strings.Contains(strings.ToLower(header.Get("X-Cache")), "error from cloudfront") && status == http.StatusForbidden:
		return "a CloudFront block (403, x-cache)"
	}
	return ""
}

// serverTiming reports whether the lowercased Server-Timing value names a
// metric: "cfl4;desc=…, cfedge;dur=12" names cfl4 and cfedge.
func serverTiming(timing, metric string) bool {
	for entry := range strings.SplitSeq(timing, ",") {
		name, _, _ := strings.Cut(entry, ";")
		if strings.TrimSpace(name) == metric {
			return true
		}
	}
	return false
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

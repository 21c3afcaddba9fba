package extract

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Plain-text captures are often a page's text flattened, furniture and all:
// a skip link and breadcrumb before the policy, share and feedback widgets,
// footer link lists, a language picker and a cookie banner after it. These
// rules cut such runs from the two ends of the text only, so that the
// policy's own words ("we use cookies…") are never touched in the middle.

// leadingMarkers end a leading run of page furniture: everything up to and
// including the marker goes.
var leadingMarkers = []string{
	"Skip to main content", "Skip to content", "Skip to main navigation", "Jump to content",
	"Skip navigation",
}

// leadingCrumbs are breadcrumb and menu words left at the start once the
// skip link is gone.
var leadingCrumbs = []string{"Help Center", "Help Centre", "Home", "Menu", "Support", "Search"}

// trailingMarkers start a trailing run of furniture: share and feedback
// widgets and the site footer.
var trailingMarkers = []string{
	"Share this article", "Bookmark or share this article", "Was this article helpful?",
	"Was this page helpful?", "Was this helpful?", "Did this article answer your question?",
	"Share this page", "Share on Twitter", "Share on Facebook", "Related articles",
	"Did someone say … cookies?",
}

// consentButtons end a cookie banner.
var consentButtons = []string{
	"Accept all cookies", "Refuse non-essential cookies", "Reject non-essential cookies",
	"Accept cookies", "Allow all cookies", "Reject all cookies", "Reject all", "Accept all",
	"Manage cookie preferences", "Cookie settings", "Got it",
}

// consentOpenings start a cookie banner.
var consentOpenings = []string{
	"Did someone say", "We use cookies", "This website uses cookies", "This site uses cookies",
	"We and our partners use cookies", "We value your privacy",
}

// languageNames are autonyms a language picker lists.
var languageNames = []string{
	"English", "Español", "Deutsch", "Français", "Italiano", "Português", "Nederlands",
	"Türkçe", "Polski", "Svenska", "Dansk", "Suomi", "Norsk", "Magyar", "Bahasa Indonesia",
	"日本語", "한국어", "Русский", "العربية", "Filipino", "Melayu", "Català", "Hrvatski",
}

// tailShare: trailing furniture is looked for in the last 1/tailShare of
// the text; markers earlier than that are the policy's own text.
const tailShare = 2

// trimTextBoilerplate removes leading and trailing furniture runs from
// flattened page text.
func trimTextBoilerplate(text string) string {
	text = trimLeadingFurniture(text)
	for {
		cut := trailingFurnitureStart(text)
		if cut < 0 {
			return text
		}
		text = strings.TrimRight(text[:cut], " \t\r\n\u00a0")
	}
}

func trimLeadingFurniture(text string) string {
	head := text[:min(len(text), 600)]
	for _, m := range leadingMarkers {
		if i := strings.Index(head, m); i >= 0 {
			text = strings.TrimLeft(text[i+len(m):], " \t\r\n\u00a0")
			for _, crumb := range leadingCrumbs {
				if rest, ok := strings.CutPrefix(text, crumb); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\n') {
					text = strings.TrimLeft(rest, " \t\r\n\u00a0")
				}
			}
			return text
		}
	}
	return text
}

// trailingFurnitureStart is where the first trailing furniture run starts
// in the second half of text, or -1.
func trailingFurnitureStart(text string) int {
	from := len(text) - len(text)/tailShare
	tail := text[from:]
	best := -1
	consider := func(i int) {
		if i >= 0 && (best < 0 || i < best) && atWordStart(tail, i) {
			best = i
		}
	}
	for _, m := range trailingMarkers {
		consider(strings.Index(tail, m))
	}
	consider(consentBannerStart(tail))
	consider(languagePickerStart(tail))
	if best < 0 {
		return -1
	}
	return from + best
}

// consentBannerStart finds a cookie banner at the very end: consent
// buttons with at most a word after them, going back to the nearest
// opening phrase of a banner before them.
func consentBannerStart(tail string) int {
	end := tail[max(len(tail)-600, 0):]
	offset := len(tail) - len(end)
	lastStart, lastEnd := -1, -1
	for _, b := range consentButtons {
		if i := strings.LastIndex(end, b); i >= 0 && i+len(b) > lastEnd {
			lastStart, lastEnd = i, i+len(b)
		}
	}
	if lastStart < 0 || len(strings.TrimSpace(end[lastEnd:])) > 12 {
		return -1
	}
	button := lastStart + offset
	window := tail[max(button-800, 0):button]
	windowStart := button - len(window)
	opening := -1
	for _, o := range consentOpenings {
		if i := strings.LastIndex(window, o); i >= 0 && windowStart+i > opening {
			opening = windowStart + i
		}
	}
	if opening >= 0 {
		return opening
	}
	return button
}

// languagePickerStart finds a run of at least four language names within
// 200 bytes of each other, and returns where it starts.
func languagePickerStart(tail string) int {
	var hits []int
	for _, name := range languageNames {
		for i := 0; ; {
			j := strings.Index(tail[i:], name)
			if j < 0 {
				break
			}
			hits = append(hits, i+j)
			i += j + len(name)
		}
	}
	if len(hits) < 4 {
		return -1
	}
	slices.Sort(hits)
	for k := 0; k+3 < len(hits); k++ {
		if hits[k+3]-hits[k] <= 200 {
			return hits[k]
		}
	}
	return -1
}

// atWordStart reports whether position i of s starts a word (so "English"
// inside "Englishman" or a marker glued to a word is not taken).
func atWordStart(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r == ' ' || r == '\n' || r == '\t' || r == '.' || r == '\u00a0' || r == '|'
}

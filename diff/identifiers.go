package diff

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pages put identifiers in their links that change on every fetch: session
// and tracking tokens (Facebook's h=AT0…), cache busters, Cloudflare's
// per-fetch e-mail keys. A change made only of such identifiers inside link
// targets says nothing about the policy, so it is cosmetic.

// rotatingLinksOnly reports two Markdown lines that differ only inside
// link destinations, and there only in identifier-looking parts of the
// URLs: path segments, query values or fragments where one random-looking
// identifier replaced another.
func rotatingLinksOnly(a, b string) bool {
	aRest, aURLs := splitDestinations(a)
	bRest, bURLs := splitDestinations(b)
	if aRest != bRest || len(aURLs) != len(bURLs) {
		return false
	}
	changed := false
	for i := range aURLs {
		if aURLs[i] == bURLs[i] {
			continue
		}
		changed = true
		if !rotatingURLChange(aURLs[i], bURLs[i]) {
			return false
		}
	}
	return changed
}

// splitDestinations returns a Markdown line with its link destinations
// ("](…)") cut out, and the destinations in order.
func splitDestinations(s string) (string, []string) {
	var rest strings.Builder
	var urls []string
	for {
		i := strings.Index(s, "](")
		if i < 0 {
			rest.WriteString(s)
			return rest.String(), urls
		}
		start := i + 2
		end := destinationEnd(s, start)
		if end < 0 {
			rest.WriteString(s)
			return rest.String(), urls
		}
		rest.WriteString(s[:start])
		rest.WriteByte(0)
		urls = append(urls, s[start:end])
		s = s[end:]
	}
}

// destinationEnd finds the ')' closing a destination starting at start:
// a <…> destination, or one with balanced parentheses; -1 if none.
func destinationEnd(s string, start int) int {
	if start < len(s) && s[start] == '<' {
		if k := strings.IndexByte(s[start:], '>'); k >= 0 && start+k+1 < len(s) && s[start+k+1] == ')' {
			return start + k + 1
		}
		return -1
	}
	depth := 0
	for j := start; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return j
			}
			depth--
		case ' ':
			return -1
		}
	}
	return -1
}

// urlSeparators cut a URL into the parts an identifier fills: path
// segments, query names and values, the fragment, host labels.
const urlSeparators = "/?&=#;,.:"

// rotatingURLChange reports two URLs with the same shape (the same
// separators in the same places) whose differing parts are all
// identifiers.
func rotatingURLChange(a, b string) bool {
	aParts, bParts := splitURL(a), splitURL(b)
	if len(aParts) != len(bParts) {
		return false
	}
	for i := range aParts {
		if aParts[i] == bParts[i] {
			continue
		}
		if i%2 == 1 || !looksRotating(aParts[i]) || !looksRotating(bParts[i]) {
			return false // a separator moved, or a part that is not an identifier changed
		}
	}
	return true
}

// splitURL cuts u into parts and separators, alternately: part, separator,
// part, …
func splitURL(u string) []string {
	var out []string
	start := 0
	for i := 0; i < len(u); i++ {
		if strings.IndexByte(urlSeparators, u[i]) >= 0 {
			out = append(out, u[start:i], u[i:i+1])
			start = i + 1
		}
	}
	return append(out, u[start:])
}

// identifierSeparators may sit inside one identifier (UUIDs, base64url,
// percent-escapes).
const identifierSeparators = "-_~%+"

// minIdentifier is the shortest identifier taken as rotating: shorter runs
// (a year, a version number, a page id) may well be a real change of link.
const minIdentifier = 8

// looksRotating reports a part of a URL that reads as a machine-made
// identifier: at least minIdentifier ASCII letters and digits (with
// identifierSeparators between them), random-looking — letters and digits
// interleaved, or a long run of digits (a millisecond timestamp), or
// letters whose case flips often (base64).
func looksRotating(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	alnum, letters, digits, switches, caseFlips := 0, 0, 0, 0, 0
	var prevKind, prevCase int // 1 letter, 2 digit; 1 lower, 2 upper
	for _, r := range s {
		kind, letterCase := 0, 0
		switch {
		case r < utf8.RuneSelf && (r >= '0' && r <= '9'):
			kind = 2
			digits++
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			kind = 1
			letters++
			letterCase = 1
			if unicode.IsUpper(r) {
				letterCase = 2
			}
		case strings.ContainsRune(identifierSeparators, r):
			continue
		default:
			return false // words of a language, punctuation: not an identifier
		}
		alnum++
		if prevKind != 0 && kind != prevKind {
			switches++
		}
		if letterCase != 0 && prevCase != 0 && letterCase != prevCase {
			caseFlips++
		}
		prevKind = kind
		if letterCase != 0 {
			prevCase = letterCase
		}
	}
	switch {
	case alnum < minIdentifier:
		return false
	case letters > 0 && digits > 0:
		return switches >= 3
	case digits > 0:
		return digits >= 13
	default:
		return letters >= 16 && caseFlips >= 4
	}
}

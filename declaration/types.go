package declaration

import (
	"sort"
	"strings"
)

// termsTypes are Open Terms Archive's canonical terms types and their
// aliases, from github.com/OpenTermsArchive/terms-types (termsTypes.json),
// in that file's order.
var termsTypes = []struct {
	name    string
	aliases []string
}{
	{"Terms of Service", []string{"Terms and Conditions", "Terms of Use"}},
	{"Privacy Policy", nil},
	{"Imprint", []string{"Legal Notice"}},
	{"Trackers Policy", []string{"Cookies Policy"}},
	{"Developer Terms", []string{"Developer Policy", "Developer Agreement"}},
	{"Community Guidelines", []string{"Community Standards"}},
	{"Deceased Users", nil},
	{"Acceptable Use Policy", []string{"Fair Use Policy", "Acceptable Usage Policy"}},
	{"Restricted Use Policy", []string{"Limited Use Policy", "Restriction Policy"}},
	{"Commercial Terms", nil},
	{"Copyright Claims Policy", []string{"Copyright Infringement Policy", "Intellectual Property Policy"}},
	{"Law Enforcement Guidelines", []string{"Legal Process Guidelines"}},
	{"Human Rights Policy", nil},
	{"In-App Purchases Policy", nil},
	{"Review Guidelines", nil},
	{"Brand Guidelines", []string{"Branding Policies", "Trademark Usage Guidelines"}},
	{"Quality Guidelines", []string{"Quality standards"}},
	{"Data Controller Agreement", nil},
	{"Data Processor Agreement", []string{"Data Processing Agreement"}},
	{"User Consent Policy", nil},
	{"Closed Captioning Policy", []string{"Closed Captioning Guidelines", "Captioning Policy", "Closed Captioning Standards"}},
	{"Seller Warranty", nil},
	{"Single Sign-On Policy", nil},
	{"Vulnerability Disclosure Policy", []string{"Security Disclosure Policy"}},
	{"Live Policy", nil},
	{"Complaints Policy", nil},
	{"Conditions of Carriage", []string{"Transport Conditions"}},
	{"General Conditions of Sale", nil},
	{"Marketplace Buyers Conditions", nil},
	{"Marketplace Sellers Conditions", []string{"Seller Agreement"}},
	{"Ranking Parameters Description", nil},
	{"Premium Partner Conditions", []string{"Premium Partner Program"}},
	{"Platform to Business Notice", nil},
	{"Business Mediation Policy", nil},
	{"Business Privacy Policy", nil},
	{"Editorial Policy", []string{"Editorial Guidelines"}},
	{"Anti-corruption Policy", []string{"Anti-bribery Policy"}},
	{"Accessibility Statement", []string{"Accessibility Policy"}},
	{"Hyperlinks Policy", []string{"Links Policy", "Linking Policy", "External Links Policy", "Outgoing Links Policy"}},
	{"Whistleblower Policy", []string{"Whistleblower Protections"}},
	{"Affiliate Agreement", []string{"Affiliate Policy"}},
	{"Service Level Agreement", []string{"Service Level Addendum"}},
	{"Content Monetisation Policy", []string{"Content Monetization Policy"}},
	{"Advertising Content Policy", []string{"Ads policies", "Ads content policies"}},
}

// retiredTypes are the types Open Terms Archive's terms-types 1.0.0
// (2023-09-08) removed, each with the current type whose declarations now
// hold them, as its changelog says: a 2022 declaration (france-elections)
// still loads, under today's name.
var retiredTypes = []struct{ name, current string }{
	// "Remove obsolete Community Guidelines subtypes; update your
	// declaration by combining all source documents of the Community
	// Guidelines terms". Two spellings of two of them were used.
	{"Community Guidelines - Adult Nudity", "Community Guidelines"},
	{"Community Guidelines - Child Exploitation", "Community Guidelines"},
	{"Community Guidelines - Child Sexual Exploitation", "Community Guidelines"},
	{"Community Guidelines - Harassment", "Community Guidelines"},
	{"Community Guidelines - Hate Speech", "Community Guidelines"},
	{"Community Guidelines - Inauthentic Behaviour and Platform Manipulation", "Community Guidelines"},
	{"Community Guidelines - Intellectual Property", "Community Guidelines"},
	{"Community Guidelines - Misinformation", "Community Guidelines"},
	{"Community Guidelines - Platform Manipulation", "Community Guidelines"},
	{"Community Guidelines - Privacy Violations", "Community Guidelines"},
	{"Community Guidelines - Regulated Goods", "Community Guidelines"},
	{"Community Guidelines - Self-harm", "Community Guidelines"},
	{"Community Guidelines - Sexual Solicitation", "Community Guidelines"},
	{"Community Guidelines - Spam", "Community Guidelines"},
	{"Community Guidelines - Violence Incitement", "Community Guidelines"},
	{"Community Guidelines - Violent Organizations", "Community Guidelines"},
	// A subtype too, but "Deceased Users" is a type of its own with
	// exactly this subject (handling a deceased user's account), and the
	// services that had the subtype declare that page there today.
	{"Community Guidelines - Deceased Users", "Deceased Users"},
	// "for services that use only a parent organisation policy, … track
	// directly the parent document; for services that have both …,
	// track them as a multiple source documents terms".
	{"Parent Organization Terms", "Terms of Service"},
	{"Parent Organization Privacy Policy", "Privacy Policy"},
	// "use Acceptable Use Policy type instead".
	{"Ad Publishing Policy", "Acceptable Use Policy"},
}

// typeByName maps every canonical name, alias and retired name, exactly as
// written, to its canonical name.
var typeByName = func() map[string]string {
	m := map[string]string{}
	for _, t := range termsTypes {
		m[t.name] = t.name
		for _, a := range t.aliases {
			m[a] = t.name
		}
	}
	for _, r := range retiredTypes {
		m[r.name] = r.current
	}
	return m
}()

// retiredName returns the retired type name that name is, written as
// Open Terms Archive wrote it (case and surrounding spaces ignored).
func retiredName(name string) (string, bool) {
	want := strings.TrimSpace(name)
	for _, r := range retiredTypes {
		if strings.EqualFold(r.name, want) {
			return r.name, true
		}
	}
	return "", false
}

// TypeNames returns Open Terms Archive's canonical terms type names, sorted.
func TypeNames() []string {
	names := make([]string, 0, len(termsTypes))
	for _, t := range termsTypes {
		names = append(names, t.name)
	}
	sort.Strings(names)
	return names
}

// CanonicalType returns the canonical name of a terms type given by its
// canonical name, one of its aliases ("Cookies Policy" gives "Trackers
// Policy") or a name Open Terms Archive retired in 2023 ("Community
// Guidelines - Hate Speech" gives "Community Guidelines"), ignoring case and
// surrounding spaces. ok is false for an unknown name.
func CanonicalType(name string) (canonical string, ok bool) {
	if c, ok := typeByName[name]; ok {
		return c, true
	}
	want := strings.ToLower(strings.TrimSpace(name))
	for written, c := range typeByName {
		if strings.ToLower(written) == want {
			return c, true
		}
	}
	return "", false
}

// StoredType returns the type name a document's history is kept under:
// the canonical name for a current name or alias ("Cookies Policy" gives
// "Trackers Policy"), so that imports and crawls of one document meet;
// for a retired name, that name as Open Terms Archive wrote it
// ("community guidelines - spam" gives "Community Guidelines - Spam").
// A retired subtype was a document of its own until 2023 and is one page
// of its current type's document since: a capture of it is not a capture
// of that whole document, and storing it as one would make a false version
// each time a capture of another page followed. Open Terms Archive's own
// histories keep the retired files apart too. An unknown name comes back
// trimmed.
func StoredType(name string) string {
	if retired, ok := retiredName(name); ok {
		return retired
	}
	if canonical, ok := CanonicalType(name); ok {
		return canonical
	}
	return strings.TrimSpace(name)
}

// IsRetiredType reports whether name is a type Open Terms Archive
// retired in 2023, and the current type whose document holds its page.
func IsRetiredType(name string) (current string, retired bool) {
	if _, ok := retiredName(name); !ok {
		return "", false
	}
	current, _ = CanonicalType(name)
	return current, true
}

// ClosestType returns the canonical type whose name or alias is the
// fewest edits away from name (case ignored), for "did you mean" messages;
// "" when even that one is too far to be a likely typo.
func ClosestType(name string) string {
	want := strings.ToLower(strings.TrimSpace(name))
	best, bestDistance := "", -1
	for written, canonical := range typeByName {
		d := editDistance(want, strings.ToLower(written))
		if bestDistance < 0 || d < bestDistance || (d == bestDistance && canonical < best) {
			best, bestDistance = canonical, d
		}
	}
	if bestDistance > max(3, len([]rune(want))/3) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in characters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	previous := make([]int, len(rb)+1)
	current := make([]int, len(rb)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		current[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous, current = current, previous
	}
	return previous[len(rb)]
}

// TypeAliases returns the other names Open Terms Archive lists for a
// canonical type ("Trackers Policy": "Cookies Policy"), the names readers
// often know it by; none for another name.
func TypeAliases(canonical string) []string {
	for _, t := range termsTypes {
		if t.name == canonical {
			return t.aliases
		}
	}
	return nil
}

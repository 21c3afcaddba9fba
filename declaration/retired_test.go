package declaration

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// Declarations read a retired name as a part of its current type's
// document, so a retired name gives the current type that check and crawl
// use.
func TestCanonicalTypeOfRetiredNames(t *testing.T) {
	for in, want := range map[string]string{
		"Community Guidelines - Hate Speech":                                     "Community Guidelines",
		"community guidelines - self-harm ":                                      "Community Guidelines",
		"Community Guidelines - Child Exploitation":                              "Community Guidelines",
		"Community Guidelines - Inauthentic Behaviour and Platform Manipulation": "Community Guidelines",
		"Community Guidelines - Deceased Users":                                  "Deceased Users",
		"Parent Organization Terms":                                              "Terms of Service",
		"Parent Organization Privacy Policy":                                     "Privacy Policy",
		"Ad Publishing Policy":                                                   "Acceptable Use Policy",
	} {
		if got, ok := CanonicalType(in); !ok || got != want {
			t.Errorf("CanonicalType(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, r := range retiredTypes {
		if _, ok := CanonicalType(r.current); !ok || typeByName[r.current] != r.current {
			t.Errorf("%q is retired into %q, which is not a current type", r.name, r.current)
		}
		if contains(TypeNames(), r.name) {
			t.Errorf("TypeNames() lists the retired %q", r.name)
		}
	}
}

// Every type name the published collections use is known: the 2022
// france-elections names are retired ones.
func TestEveryTypeOfThePublishedCollectionsIsKnown(t *testing.T) {
	for _, c := range collections {
		_, problems := load(t, "../testdata/ota-declarations/"+c.dir)
		for _, p := range problems {
			if strings.Contains(p.Message, "unknown terms type") {
				t.Errorf("%s", p)
			}
		}
	}
}

func TestRetiredSubtypesAreCombinedIntoTheirCurrentType(t *testing.T) {
	services, problems := load(t, "../testdata/ota-declarations/france-elections")
	if HasErrors(problems) {
		t.Fatalf("errors:\n%s", problemLines(problems))
	}
	byID := map[string]Service{}
	for _, s := range services {
		byID[s.ID] = s
	}
	facebook := byID["Facebook"]
	var types []string
	for _, d := range facebook.Documents {
		types = append(types, d.Type)
	}
	if want := []string{"Community Guidelines", "Deceased Users", "Privacy Policy", "Terms of Service"}; !reflect.DeepEqual(types, want) {
		t.Fatalf("Facebook's documents = %v, want %v", types, want)
	}
	guidelines, _ := facebook.Document("Community Guidelines")
	urls := guidelines.URLs()
	// The page declared as "Community Guidelines", then the 14 subtypes'
	// pages in the order of the file.
	if len(urls) != 15 || urls[0] != "https://transparency.fb.com/fr-fr/policies/community-standards" ||
		urls[1] != "https://transparency.fb.com/fr-fr/policies/community-standards/suicide-self-injury/" ||
		urls[2] != "https://transparency.fb.com/fr-fr/policies/community-standards/hate-speech/" {
		t.Errorf("Facebook's Community Guidelines = %d pages %v", len(urls), urls)
	}
	if guidelines.DeclaredType != "Community Guidelines" {
		t.Errorf("DeclaredType = %q", guidelines.DeclaredType)
	}
	renamed := 0
	for _, p := range problems {
		if strings.HasSuffix(p.File, "/Facebook.json") && strings.Contains(p.Message, `renamed to "Community Guidelines"`) {
			if p.Severity != Warning || !strings.HasPrefix(p.Field, `terms["Community Guidelines - `) {
				t.Errorf("%s: want a warning on the type's key", p)
			}
			renamed++
		}
	}
	if renamed != 14 {
		t.Errorf("%d renamed warnings for Facebook.json, want one per retired key (14):\n%s", renamed, problemLines(problems))
	}
}

// Instagram's history holds the old page of one retired subtype: before its
// validUntil the combined document had that page, in that part's place.
func TestHistoryOfACombinedRetiredSubtype(t *testing.T) {
	services, _ := load(t, "../testdata/ota-declarations/france-elections")
	var instagram Service
	for _, s := range services {
		if s.ID == "Instagram" {
			instagram = s
		}
	}
	guidelines, ok := instagram.Document("Community Guidelines")
	if !ok || len(guidelines.Sources) != 12 {
		t.Fatalf("Instagram's Community Guidelines = %+v, want 12 pages", guidelines)
	}
	const now, then = "https://help.instagram.com/126382350847838?locale=fr_FR", "https://help.instagram.com/126382350847838?locale2=fr_FR"
	if got := guidelines.URLs()[9]; got != now {
		t.Errorf("10th page = %s, want the Intellectual Property page %s", got, now)
	}
	if len(guidelines.History) != 1 || !guidelines.History[0].ValidUntil.Equal(time.Date(2022, 6, 17, 16, 15, 0, 0, time.UTC)) {
		t.Fatalf("history = %+v, want one combined past declaration", guidelines.History)
	}
	before := guidelines.At(time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC))
	if urls := before.URLs(); len(urls) != 12 || urls[9] != then || urls[0] != guidelines.URLs()[0] {
		t.Errorf("declaration in June 2022: %v, want today's pages with the old Intellectual Property page", urls)
	}
	if len(before.Sources[9].Filters) != 3 {
		t.Errorf("the old page's filters = %+v, want its own three", before.Sources[9].Filters)
	}
	if after := guidelines.At(time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)); after.URLs()[9] != now {
		t.Errorf("declaration in 2023 fetches %s", after.URLs()[9])
	}
}

func TestRetiredTypesInOneFile(t *testing.T) {
	dir := writeDir(t, map[string]string{
		"A.json": `{"name": "A", "terms": {
			"Community Guidelines - Spam": {"fetch": "https://a.example/spam"},
			"Community Guidelines": {"fetch": "https://a.example/rules"},
			"Ad Publishing Policy": {"fetch": "https://a.example/ads"},
			"Community Guidelines - Spam ": {"fetch": "https://a.example/spam2"}}}`,
		// A retired type that is only in the history makes a retired
		// document, as any other.
		"A.history.json": `{"Community Guidelines - Harassment": [{"fetch": "https://a.example/h", "validUntil": "2022-01-01"}],
			"Community Guidelines - Spam": [{"fetch": "https://a.example/old-spam", "validUntil": "2021-01-01"}]}`,
	})
	services, problems := load(t, dir)
	text := problemLines(problems)
	if n := strings.Count(text, "was retired in 2023"); n != 5 {
		t.Errorf("%d retired warnings, want 5:\n%s", n, text)
	}
	if !strings.Contains(text, `declares Community Guidelines - Spam again (already declared as "Community Guidelines - Spam")`) {
		t.Errorf("the same retired type twice is not reported:\n%s", text)
	}
	s := services[0]
	aup, _ := s.Document("Acceptable Use Policy")
	if aup.URLs()[0] != "https://a.example/ads" || aup.DeclaredType != "Ad Publishing Policy" {
		t.Errorf("Acceptable Use Policy = %+v", aup)
	}
	rules, _ := s.Document("Community Guidelines")
	if want := []string{"https://a.example/spam", "https://a.example/rules"}; !reflect.DeepEqual(rules.URLs(), want) {
		t.Errorf("Community Guidelines = %v, want %v (file order)", rules.URLs(), want)
	}
	for date, want := range map[string][]string{
		"2020-06-01T00:00:00Z": {"https://a.example/old-spam", "https://a.example/rules", "https://a.example/h"},
		"2021-06-01T00:00:00Z": {"https://a.example/spam", "https://a.example/rules", "https://a.example/h"},
		"2022-06-01T00:00:00Z": {"https://a.example/spam", "https://a.example/rules"},
	} {
		at, _ := time.Parse(time.RFC3339, date)
		if got := rules.At(at).URLs(); !reflect.DeepEqual(got, want) {
			t.Errorf("At(%s) = %v, want %v", date, got, want)
		}
	}
	if len(s.Retired) != 0 {
		t.Errorf("Retired = %+v, want none: the harassment page was part of the current Community Guidelines", s.Retired)
	}
}

// Histories (import, import-ota) keep a retired subtype under its own
// name: its captures are of one page, not of the combined document.
func TestStoredTypeKeepsRetiredNames(t *testing.T) {
	for in, want := range map[string]string{
		"community guidelines - spam ":       "Community Guidelines - Spam",
		"Community Guidelines - Hate Speech": "Community Guidelines - Hate Speech",
		"Parent Organization Privacy Policy": "Parent Organization Privacy Policy",
		"Cookies Policy":                     "Trackers Policy",
		" privacy policy":                    "Privacy Policy",
		"Something Else ":                    "Something Else",
	} {
		if got := StoredType(in); got != want {
			t.Errorf("StoredType(%q) = %q, want %q", in, got, want)
		}
	}
}

// Declared finds, for a history kept under a retired name, the page
// declared under that name with its own rules and its own past ones.
func TestDeclaredFindsARetiredSubtypesOwnPage(t *testing.T) {
	services, _ := load(t, "../testdata/ota-declarations/france-elections")
	ip, ok := Declared(services, "instagram", "Community Guidelines - Intellectual Property")
	if !ok || ip.Type != "Community Guidelines - Intellectual Property" || len(ip.Sources) != 1 {
		t.Fatalf("Declared(Instagram, Intellectual Property) = %+v, %v; want its one page", ip, ok)
	}
	const now, then = "https://help.instagram.com/126382350847838?locale=fr_FR", "https://help.instagram.com/126382350847838?locale2=fr_FR"
	june := time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC)
	if got := ip.At(june).URLs(); len(got) != 1 || got[0] != then {
		t.Errorf("its page in June 2022 = %v, want %s", got, then)
	}
	if got := ip.URLs(); got[0] != now {
		t.Errorf("its page now = %v, want %s", got, now)
	}
	if rules, ok := ip.RulesAt(june); !ok || len(rules.Filters) != 3 {
		t.Errorf("its rules in June 2022 = %+v, %v; want the old page's three filters", rules, ok)
	}
	if rules, ok := Rules(services, "Instagram", "Community Guidelines - Intellectual Property", june); !ok || len(rules.Filters) != 3 {
		t.Errorf("Rules of the stored document in June 2022 = %+v, %v; want the old page's three filters", rules, ok)
	}
	if _, ok := Rules(services, "Instagram", "Community Guidelines", june); ok {
		t.Error("Rules of a combined document: one page's rules")
	}
	whole, ok := Declared(services, "Instagram", "Community Guidelines")
	if !ok || len(whole.Sources) != 12 {
		t.Errorf("Declared(Instagram, Community Guidelines) = %d pages, %v; want the combined 12", len(whole.Sources), ok)
	}
	if _, ok := whole.RulesAt(june); ok {
		t.Error("a combined document has rules of one page")
	}
	if _, ok := Declared(services, "Instagram", "Community Guidelines - Misinformation"); ok {
		t.Error("Instagram declares no misinformation page, yet Declared found one")
	}
}

func TestTypeAliases(t *testing.T) {
	if got := TypeAliases("Trackers Policy"); len(got) != 1 || got[0] != "Cookies Policy" {
		t.Errorf("aliases of Trackers Policy: %q", got)
	}
	if got := TypeAliases("Privacy Policy"); len(got) != 0 {
		t.Errorf("aliases of Privacy Policy: %q", got)
	}
	if got := TypeAliases("Cookies Policy"); len(got) != 0 {
		t.Errorf("an alias has aliases: %q", got)
	}
}

package declaration

import (
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	services, problems := load(t, "testdata/ota")
	if HasErrors(problems) {
		t.Fatal(problemLines(problems))
	}
	all, err := Find(services, "", "")
	if err != nil || len(all) != 10 {
		t.Fatalf("Find all: %d documents, %v; want 10", len(all), err)
	}
	docs, err := Find(services, "twitter", "Cookies Policy")
	if err != nil || len(docs) != 1 || docs[0].Type != "Trackers Policy" || docs[0].Service != "Twitter" {
		t.Fatalf("Find(twitter, Cookies Policy) = %+v, %v", docs, err)
	}
	docs, err = Find(services, "", "Privacy Policy")
	if err != nil || len(docs) != 2 {
		t.Fatalf("Find(Privacy Policy) = %d documents, %v; want 2", len(docs), err)
	}
	for _, c := range []struct{ service, typ, want string }{
		{"Mastodon", "", `no service "Mastodon" is declared (declared: ASKfm, Twitter)`},
		{"", "Privacy Polcy", `unknown document type "Privacy Polcy": did you mean "Privacy Policy"?`},
		{"ASKfm", "Trackers Policy", "ASKfm declares no Trackers Policy"},
	} {
		if _, err := Find(services, c.service, c.typ); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Find(%q, %q) error = %v, want %q", c.service, c.typ, err, c.want)
		}
	}
	if _, err := Find(nil, "X", ""); err == nil || !strings.Contains(err.Error(), "no service is declared") {
		t.Errorf("Find on no services: %v", err)
	}
}

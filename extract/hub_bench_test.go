package extract_test

import (
	"os"
	"testing"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/internal/hubtest"
)

// The extraction benchmarks of bench_test.go with the document type set,
// as every capture of a declared document is extracted since issue #16,
// and a legal hub.

func benchmarkTyped(b *testing.B, content []byte, typ string) {
	t, ok := declaration.ExtractionType(typ)
	if !ok {
		b.Fatalf("no type %q", typ)
	}
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := extract.Extract(content, "text/html", extract.Options{Type: t}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtractDevHelpPrivacyTyped(b *testing.B) {
	content, err := os.ReadFile("../demo/twitter-x/twitter-dev-help-privacy.html")
	if err != nil {
		b.Fatal(err)
	}
	benchmarkTyped(b, content, "Privacy Policy")
}

func BenchmarkExtractLegalHubTabs(b *testing.B) {
	docs := []hubtest.Doc{
		{Label: "Terms of Service", ID: "terms", HTML: hubtest.Load(b, hubtest.BumbleTerms)},
		{Label: "Privacy Policy", ID: "privacy", HTML: hubtest.Load(b, hubtest.XPrivacy)},
		{Label: "Cookie Policy", ID: "cookies", HTML: hubtest.Load(b, hubtest.XCookies)},
		{Label: "Copyright Policy", ID: "copyright", HTML: hubtest.Load(b, hubtest.CMBCopyright)},
	}
	benchmarkTyped(b, hubtest.Tabs("Legal", docs), "Privacy Policy")
}

func BenchmarkExtractLargePageTyped(b *testing.B) {
	benchmarkTyped(b, extract.LargePolicyPage(), "Privacy Policy")
}

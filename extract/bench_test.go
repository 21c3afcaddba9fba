package extract

import (
	"os"
	"testing"
)

func BenchmarkExtractDevHelpPrivacy(b *testing.B) {
	content, err := os.ReadFile(fixtures + "twitter-dev-help-privacy.html")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(content, "text/html", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarkdownRoundTripPrivacyPolicy(b *testing.B) {
	content, err := os.ReadFile("../demo/twitter-x-history/privacy-policy/2023-08-23T00-36-12Z.md")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := Extract(content, "text/markdown", Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = doc.ComparisonKey()
	}
}

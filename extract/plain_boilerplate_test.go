package extract

import (
	"strings"
	"testing"
)

func TestDataProcessingLosesPageFurniture(t *testing.T) {
	doc := extractFile(t, fixtures+"x-data-processing.txt", Options{})
	assertAbsent(t, doc, "Skip to main content", "Share this article", "Did someone say", "Accept all cookies",
		"Refuse non-essential cookies", "Español", "Brand toolkit", "© 2023 X Corp.")
	assertContains(t, doc, "Additional information about data processing",
		"Law enforcement and others as necessary to comply with law, prevent harm, and serve the public interest")
}

func TestBusinessPartnersLosesFeedbackWidget(t *testing.T) {
	doc := extractFile(t, fixtures+"twitter-business-partners.txt", Options{})
	assertAbsent(t, doc, "Was this article helpful?", "Thank you for the feedback", "Bookmark or share this article")
	assertContains(t, doc, "Conversion Tracking Partner(s):")
}

func TestTextBoilerplateOnlyAtTheEnds(t *testing.T) {
	policy := strings.Repeat("We use cookies to remember your settings. Accept all cookies is a button we show. ", 20)
	text := "Skip to content Home " + policy + "Was this page helpful? Yes No English Español Deutsch Français Italiano " +
		"We use cookies. Accept all cookies"
	got := trimTextBoilerplate(text)
	if want := strings.TrimSpace(policy); got != want {
		t.Errorf("trimTextBoilerplate kept %q…%q (%d bytes), want the policy alone (%d bytes)", got[:min(40, len(got))], got[max(len(got)-60, 0):], len(got), len(want))
	}
	if unchanged := trimTextBoilerplate(policy); unchanged != policy {
		t.Errorf("policy text without furniture was changed: %q", unchanged[max(len(unchanged)-60, 0):])
	}
}

func TestLanguagePickerAndBannerAlone(t *testing.T) {
	body := strings.Repeat("Your data is processed lawfully. ", 30)
	for _, tail := range []string{
		"English Español Deutsch Français Português Italiano",
		"Did someone say … cookies? We and our partners use cookies. Accept all cookies Refuse non-essential cookies",
	} {
		if got := trimTextBoilerplate(body + tail); got != strings.TrimSpace(body) {
			t.Errorf("tail %q kept: …%q", tail, got[max(len(got)-80, 0):])
		}
	}
}

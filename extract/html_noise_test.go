package extract

import (
	"strings"
	"testing"
)

func TestConsentManagersAndWidgetsRemoved(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Privacy</title></head><body>
<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk"><p>We use cookies OneTrust text.</p><button>Accept</button></div></div>
<div id="CybotCookiebotDialog"><p>Cookiebot asks for consent.</p></div>
<div class="didomi-popup"><p>Didomi wants consent.</p></div>
<div id="truste-consent-track"><p>TrustArc banner text.</p></div>
<div id="usercentrics-root"><p>Usercentrics banner text.</p></div>
<div class="qc-cmp2-container"><p>Quantcast banner text.</p></div>
<div class="osano-cm-window"><p>Osano banner text.</p></div>
<div id="termly-code-snippet-support"><p>Termly banner text.</p></div>
<div role="dialog" aria-modal="true"><p>Your cookie choices matter to us.</p></div>
<div aria-hidden="true" class="page-wrapper"><main><h1>Privacy Policy</h1>
<nav aria-label="Breadcrumb"><a href="/">Home</a> › <a href="/legal">Legal</a></nav>
<p>We collect the data you give us.</p>
<div class="share-buttons"><a href="https://facebook.com/share">Share on Facebook</a></div>
<div class="article-feedback"><p>Was this article helpful?</p><button>Yes</button></div>
<div class="language-selector"><a href="/es">Español</a><a href="/de">Deutsch</a></div>
<h2>Cookies</h2><p>We use cookies to keep you signed in.</p>
</main></div></body></html>`
	doc := extractHTML(t, page, Options{})
	assertContains(t, doc, "Privacy Policy", "We collect the data you give us.", "We use cookies to keep you signed in.")
	assertAbsent(t, doc, "OneTrust", "Cookiebot", "Didomi", "TrustArc", "Usercentrics", "Quantcast", "Osano",
		"Termly", "cookie choices", "Home", "Share on Facebook", "helpful", "Español")
}

func TestDialogWithoutConsentWordingKept(t *testing.T) {
	doc := extractHTML(t, `<body><main><div role="dialog"><h1>Privacy notice</h1><p>We keep your data safe.</p></div></main></body>`, Options{})
	assertContains(t, doc, "Privacy notice", "We keep your data safe.")
}

func TestScoredContentWithoutLandmarks(t *testing.T) {
	var menu strings.Builder
	for i := 0; i < 40; i++ {
		menu.WriteString(`<div class="item"><a href="/api/` + strings.Repeat("x", i%5+1) + `">GET statuses/endpoint</a></div>`)
	}
	policy := strings.Repeat("<p>We process your personal data only as this policy describes, for the purposes listed here.</p>", 8)
	page := `<html><body><div class="top"><div class="logo">Developers</div>` + menu.String() + `</div>
<div class="layout"><div class="sidebar">` + menu.String() + `</div>
<div class="content"><h1>Privacy Policy</h1>` + policy + `<h2>Contact</h2><p>Write to our data protection officer.</p></div></div>
<div class="bottom"><p>© 2026 Example Inc.</p></div></body></html>`
	doc := extractHTML(t, page, Options{})
	assertContains(t, doc, "Privacy Policy", "Write to our data protection officer.", "We process your personal data")
	assertAbsent(t, doc, "GET statuses/endpoint", "Developers", "© 2026 Example Inc.")
	if doc.Title != "Privacy Policy" {
		t.Errorf("title %q", doc.Title)
	}
}

func TestScoredContentKeepsTitleOutsideContainer(t *testing.T) {
	policy := strings.Repeat("<p>We process your personal data only as this policy describes, for the purposes listed here.</p>", 8)
	page := `<html><body><div class="head"><h1>Our Privacy Policy</h1></div><div class="body">` + policy + `</div></body></html>`
	doc := extractHTML(t, page, Options{})
	assertContains(t, doc, "Our Privacy Policy", "We process your personal data")
}

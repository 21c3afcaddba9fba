package extract

import (
	"slices"
	"testing"
)

func TestFakedHeadings(t *testing.T) {
	page := `<main><h1>Privacy Policy</h1>
<p><strong>Information we collect</strong></p><p>Your name.</p>
<p><b>How we use it</b><br></p><p>To run the service.</p>
<p><strong>Note:</strong> this is emphasis, not a heading.</p>
<p><strong>This whole sentence is bold.</strong></p>
<div role="heading" aria-level="2">Sharing</div><p>We share little.</p>
<span role="heading">Default level</span><p>Two by default.</p>
<section class="faq">
 <h3><button aria-expanded="false" aria-controls="p1">Can I delete my data?</button></h3>
 <div id="p1" hidden><p>Yes, in your settings.</p></div>
 <details><summary>Do you sell data?</summary><p>No.</p></details>
</section>
<ul><li><strong>Bold item</strong></li></ul>
<dl><dt>Controller</dt><dd>Example Inc., Dublin.</dd><dt>Retention</dt><dd>Two years.</dd></dl>
</main>`
	doc := extractHTML(t, page, Options{})
	for heading, want := range map[string]struct {
		level int
		path  []string
	}{
		"Information we collect": {2, []string{"Privacy Policy", "Information we collect"}},
		"How we use it":          {2, []string{"Privacy Policy", "How we use it"}},
		"Sharing":                {2, []string{"Privacy Policy", "Sharing"}},
		"Default level":          {2, []string{"Privacy Policy", "Default level"}},
		"Can I delete my data?":  {3, []string{"Privacy Policy", "Default level", "Can I delete my data?"}},
		"Do you sell data?":      {4, []string{"Privacy Policy", "Default level", "Can I delete my data?", "Do you sell data?"}},
	} {
		s := findSection(t, doc, heading)
		if s.Level != want.level || !slices.Equal(s.Path, want.path) {
			t.Errorf("%q: level %d path %q, want %d %q", heading, s.Level, s.Path, want.level, want.path)
		}
	}
	findBlock(t, doc, "Note: this is emphasis, not a heading.")
	findBlock(t, doc, "This whole sentence is bold.")
	findBlock(t, doc, "Yes, in your settings.") // a closed accordion panel is part of the policy
	findBlock(t, doc, "No.")
	if b := findBlock(t, doc, "Bold item"); b.Kind != ListItem {
		t.Errorf("bold list item became %s", b.Kind)
	}
	for _, text := range []string{"Controller", "Example Inc., Dublin.", "Retention", "Two years."} {
		findBlock(t, doc, text)
	}
}

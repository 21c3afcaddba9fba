package extract

import (
	"fmt"
	"testing"
)

// TestSameContentSameBytes: captures of one page that differ only in what
// readers do not read give byte-identical canonical Markdown.
func TestSameContentSameBytes(t *testing.T) {
	const page = `<!DOCTYPE html><html><head><meta name="csrf-token" content="%[1]s"><title>Privacy</title></head><body>
%[2]s
<main %[3]s><h1>Privacy Policy</h1>
<p>We   collect%[4]sdata  you give us.</p>
<p>Read the <a %[5]s>cookie policy</a>.</p>
<form action="/prefs"><input type="hidden" name="authenticity_token" value="%[1]s"><button>Save</button></form>
<ul><li>Name</li>%[6]s<li>Email</li></ul></main></body></html>`
	variants := [][]any{
		{"tok-111", `<div id="onetrust-banner-sdk"><p>We use cookies.</p><button>Accept</button></div>`,
			`class="content" id="main"`, " ", `href="https://x.com/cookies?utm_source=a" class="l"`, ""},
		{"tok-999", `<div id="CybotCookiebotDialog" role="dialog"><p>This website uses cookies.</p></div>`,
			`id="main" class="content"`, "\n\t \u00a0", `class="l" href="https://x.com/cookies?fbclid=Q&utm_medium=b"`, "\n   \n"},
		{"", `<div class="didomi-popup"><p>Your consent matters.</p></div>`,
			`id='main'   class='content'`, "\u200b ", `href="https://x.com/cookies?gclid=7"`, " "},
	}
	var first string
	for i, v := range variants {
		doc := extractHTML(t, fmt.Sprintf(page, v...), Options{})
		md := doc.Markdown()
		if i == 0 {
			first = md
			continue
		}
		if md != first {
			t.Errorf("variant %d gives different Markdown:\n%s\nwant\n%s", i, md, first)
		}
	}
	if want := "# Privacy Policy\n\nWe collect data you give us.\n\nRead the [cookie policy](https://x.com/cookies).\n\n- Name\n- Email\n"; first != want {
		t.Errorf("Markdown:\n%q\nwant\n%q", first, want)
	}
}

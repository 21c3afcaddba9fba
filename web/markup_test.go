package web

import (
	"strings"
	"testing"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
)

func TestMarkupEscapesCrawledText(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'quote'`
	spans := string(spansHTML([]diff.Span{
		{Kind: diff.SpanEqual, Text: hostile},
		{Kind: diff.SpanInsert, Text: hostile},
		{Kind: diff.SpanDelete, Text: hostile},
		{Kind: diff.SpanSubstituted, Text: "X", Was: `Twitter" onmouseover="alert(1)`},
	}))
	policy := string(policyHTML(contentSections(extract.Document{Sections: []extract.Section{{
		Path:  []string{hostile},
		Level: 1,
		Blocks: []extract.Block{
			{Kind: extract.Paragraph, Text: hostile},
			{Kind: extract.ListItem, Text: hostile},
			{Kind: extract.TableRow, Cells: []string{hostile}, Header: true},
			{Kind: extract.Preformatted, Text: hostile},
		},
	}}})))
	for name, out := range map[string]string{"spans": spans, "policy": policy} {
		if strings.Contains(out, "<script>") || strings.Contains(out, `" onmouseover=`) {
			t.Errorf("%s: crawled markup reached the page: %s", name, out)
		}
		if !strings.Contains(out, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quote&#39;") {
			t.Errorf("%s: the text is not shown escaped: %s", name, out)
		}
	}
	for _, want := range []string{"<ins>&lt;script", "<del>&lt;script", `title="was: Twitter&#34; onmouseover=&#34;alert(1)"`} {
		if !strings.Contains(spans, want) {
			t.Errorf("spans lack %q: %s", want, spans)
		}
	}
	for _, want := range []string{"<h2>&lt;script", "<ul><li class=\"depth-0\">&lt;script", "<th>&lt;script", "<pre>&lt;script", "<p>&lt;script"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy lacks %q: %s", want, policy)
		}
	}
}

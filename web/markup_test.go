package web

import (
	"strings"
	"testing"

	"github.com/policywatch/policywatch/extract"
)

func TestMarkupEscapesCrawledText(t *testing.T) {
	hostile := `<script>alert("x")</script> & 'quote'`
	policy := string(policyHTML(contentSections(extract.Document{Sections: []extract.Section{{
		Path:  []string{hostile},
		Level: 1,
		Blocks: []extract.Block{
			{Kind: extract.Paragraph, Text: hostile},
			{Kind: extract.ListItem, Text: hostile},
			{Kind: extract.Paragraph, Text: "See " + hostile + " here.", Links: []extract.Link{{Text: hostile, URL: `javascript:alert("y")`}}},
			{Kind: extract.Paragraph, Text: "Read our rules.", Links: []extract.Link{{Text: "rules", URL: `https://example.com/"><script>`}}},
			{Kind: extract.TableRow, Cells: []string{hostile}, Header: true},
			{Kind: extract.Preformatted, Text: hostile},
		},
	}}})))
	for name, out := range map[string]string{"policy": policy} {
		if strings.Contains(out, "<script>") || strings.Contains(out, `" onmouseover=`) {
			t.Errorf("%s: crawled markup reached the page: %s", name, out)
		}
		if !strings.Contains(out, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quote&#39;") {
			t.Errorf("%s: the text is not shown escaped: %s", name, out)
		}
	}
	if strings.Contains(policy, `href="javascript`) || strings.Contains(policy, `"><script>`) {
		t.Errorf("a hostile link target reached the markup: %s", policy)
	}
	if !strings.Contains(policy, `<a class="link" href="https://example.com/%22%3E%3Cscript%3E"`) && !strings.Contains(policy, `<a class="link" href="https://example.com/&#34;&gt;&lt;script&gt;"`) {
		t.Errorf("the link is not a link: %s", policy)
	}
	for _, want := range []string{"<h2>&lt;script", "<ul><li class=\"depth-0\">&lt;script", "<th>&lt;script", "<pre>&lt;script", "<p>&lt;script"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy lacks %q: %s", want, policy)
		}
	}
}

package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// The HTML parser refuses pages nested more than 512 elements deep. Such
// pages are broken or hostile, but their text still counts: flattenDeep
// rewrites the page without the tags below maxNesting, keeping every text.

// maxNesting is the depth below which start and end tags are dropped.
const maxNesting = 256

// voidElements have no end tag and so never nest.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

func flattenDeep(page string) string {
	var out strings.Builder
	out.Grow(len(page))
	z := html.NewTokenizer(strings.NewReader(page))
	depth := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out.String()
		}
		name, _ := z.TagName()
		switch tt {
		case html.StartTagToken:
			if voidElements[string(name)] {
				break
			}
			depth++
			if depth > maxNesting {
				// A block boundary stays a boundary: text of separate
				// elements is never glued together.
				out.WriteByte(' ')
				continue
			}
		case html.EndTagToken:
			depth--
			if depth >= maxNesting {
				out.WriteByte(' ')
				continue
			}
		}
		out.Write(z.Raw())
	}
}

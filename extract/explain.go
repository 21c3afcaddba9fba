package extract

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Explanation says what extraction took from an HTML page and why, in the
// terms of a declaration: a user who wants to pin the choice down writes
// Select and Remove into it.
type Explanation struct {
	// Type is the document type looked for, "" when none was given.
	Type string `json:"type,omitempty"`
	// Language is the language kept where a page offers several, and
	// whence: "fr (as declared)", "fr (named by the URL)", "fr (the
	// page's lang)".
	Language string `json:"language,omitempty"`
	// Content says how the content was found before the steps below: by
	// the declaration's select, or the page's <main>, role=main, lone
	// <article> or densest container.
	Content string `json:"content"`
	// Steps are the choices made among the page's parts, in order: each
	// narrows the content to the part(s) it keeps.
	Steps []ExplainStep `json:"steps,omitempty"`
	// Duplicates are the copies left out.
	Duplicates []ExplainDuplicate `json:"duplicates,omitempty"`
	// Select and Remove are declaration rules that take about the same
	// content (a declared selection keeps a little more: see
	// docs/EXTRACTION.md). Empty when the page's content is all there is.
	Select []Selector `json:"select,omitempty"`
	Remove []Selector `json:"remove,omitempty"`
}

// ExplainStep is one choice among a set of parts.
type ExplainStep struct {
	// Rule is "legal hub", "short version and full text" or "languages".
	Rule   string        `json:"rule"`
	Reason string        `json:"reason"`
	Parts  []ExplainPart `json:"parts"`
}

// ExplainPart is one part of a set.
type ExplainPart struct {
	Kind     string    `json:"kind"` // "tab panel", "accordion item", "section", "heading"
	Label    string    `json:"label"`
	Names    string    `json:"names,omitempty"` // the type or language the label names
	Language string    `json:"language,omitempty"`
	Bytes    int       `json:"bytes"` // of text
	Selector *Selector `json:"selector"`
	Chosen   bool      `json:"chosen,omitempty"`
}

// ExplainDuplicate is a copy left out: the part at Selector repeats the
// one at CopyOf.
type ExplainDuplicate struct {
	Selector   string  `json:"selector"`
	CopyOf     string  `json:"copyOf"`
	Bytes      int     `json:"bytes"`
	Similarity float64 `json:"similarity"`
}

// Explain extracts as Extract does and says what was taken and why.
func Explain(content []byte, contentType string, opts Options) (*Document, *Explanation, error) {
	ex := &Explanation{Type: opts.Type.Name}
	doc, err := extract(content, contentType, opts, ex)
	return doc, ex, err
}

// String is the explanation as a user reads it.
func (e *Explanation) String() string {
	var b strings.Builder
	if e.Type != "" {
		fmt.Fprintf(&b, "Looked for: %s\n", e.Type)
	}
	if e.Language != "" {
		fmt.Fprintf(&b, "Language to keep where the page offers several: %s\n", e.Language)
	}
	fmt.Fprintf(&b, "Content: %s\n", e.Content)
	for _, s := range e.Steps {
		fmt.Fprintf(&b, "\n%s: %s\n", s.Rule, s.Reason)
		for _, p := range s.Parts {
			mark := "  left out"
			if p.Chosen {
				mark = "* kept    "
			}
			names := ""
			if p.Names != "" {
				names = " — " + p.Names
			}
			fmt.Fprintf(&b, "  %s %s %q%s, %d bytes of text: %s\n", mark, p.Kind, p.Label, names, p.Bytes, p.Selector.jsonValue())
		}
	}
	for _, d := range e.Duplicates {
		fmt.Fprintf(&b, "\nLeft out a copy (%.0f %% the same, %d bytes): %s repeats %s\n", 100*d.Similarity, d.Bytes, d.Selector, d.CopyOf)
	}
	if len(e.Select) > 0 || len(e.Remove) > 0 {
		b.WriteString("\nTo make this choice a declaration's (a declared selection keeps buttons, menus and hidden text inside it):\n")
		b.WriteString(declarationSnippet(e.Select, e.Remove))
	}
	return b.String()
}

func declarationSnippet(sel, rem []Selector) string {
	var b strings.Builder
	b.WriteString("  \"select\": ")
	b.WriteString(selectorsJSON(sel))
	if len(rem) > 0 {
		b.WriteString(",\n  \"remove\": ")
		b.WriteString(selectorsJSON(rem))
	}
	b.WriteString("\n")
	return b.String()
}

func selectorsJSON(list []Selector) string {
	items := make([]string, len(list))
	for i, s := range list {
		items[i] = s.jsonValue()
	}
	if len(items) == 1 {
		return items[0]
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// jsonValue writes a selector as a declaration does: a CSS string, or a
// range object.
func (s Selector) jsonValue() string {
	if s.Range == nil {
		return quoteJSON(s.CSS)
	}
	var fields []string
	for _, f := range []struct{ key, value string }{
		{"startBefore", s.Range.StartBefore}, {"startAfter", s.Range.StartAfter},
		{"endBefore", s.Range.EndBefore}, {"endAfter", s.Range.EndAfter},
	} {
		if f.value != "" {
			fields = append(fields, quoteJSON(f.key)+": "+quoteJSON(f.value))
		}
	}
	return "{" + strings.Join(fields, ", ") + "}"
}

func quoteJSON(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// explainChoice is a choice among a set of parts, as the explanation
// says it.
func (a *hubAnalyzer) explainChoice(c choice) ExplainStep {
	chosen := map[*pagePart]bool{}
	for _, p := range c.pick {
		chosen[p] = true
	}
	rule := "legal hub"
	switch {
	case strings.HasPrefix(c.why, "the page holds a short version"):
		rule = "short version and full text"
	case strings.HasPrefix(c.why, "the page offers the text in"):
		rule = "languages"
	}
	step := ExplainStep{Rule: rule, Reason: c.why}
	for _, p := range c.set {
		if p.label.text == "" {
			continue
		}
		sel := a.selectorOf(p)
		step.Parts = append(step.Parts, ExplainPart{Kind: string(p.kind), Label: p.label.text, Names: a.names(p),
			Language: p.lang, Bytes: a.partSize(p), Selector: &sel, Chosen: chosen[p]})
	}
	return step
}

// names says what a part's label names.
func (a *hubAnalyzer) names(p *pagePart) string {
	var what []string
	switch p.label.kind {
	case namesOurs:
		what = append(what, "the "+a.typ.Name)
	case namesOther:
		what = append(what, p.label.other)
	}
	if p.label.summary {
		what = append(what, "a short version")
	} else if p.label.full {
		what = append(what, "the full text")
	}
	if p.label.language {
		what = append(what, "language "+p.lang)
	}
	return strings.Join(what, ", ")
}

// selectorOf is the declaration rule that selects a part's content.
func (a *hubAnalyzer) selectorOf(p *pagePart) Selector {
	if p.kind == headingRange {
		if p.next != nil {
			return Selector{Range: &Range{StartBefore: a.cssPath(p.box), EndBefore: a.cssPath(p.next)}}
		}
		var last *html.Node
		for _, n := range p.content {
			if n.Type == html.ElementNode {
				last = n
			}
		}
		return Selector{Range: &Range{StartBefore: a.cssPath(p.box), EndAfter: a.cssPath(last)}}
	}
	if len(p.content) == 1 && p.content[0].Type == html.ElementNode {
		return Selector{CSS: a.cssPath(p.content[0])}
	}
	return Selector{CSS: a.cssPath(p.box)}
}

// explainSelection sets the rules that select the chosen parts and
// remove what was left out inside them.
func (a *hubAnalyzer) explainSelection(ex *Explanation, dups []duplicate) {
	for _, c := range a.choices {
		ex.Steps = append(ex.Steps, a.explainChoice(c))
	}
	if len(ex.Steps) > 0 {
		last := ex.Steps[len(ex.Steps)-1]
		for _, p := range last.Parts {
			if p.Chosen {
				ex.Select = append(ex.Select, *p.Selector)
			}
		}
		// A <details>' summary is the hub's title of the part, not its text.
		for _, p := range a.choices[len(a.choices)-1].pick {
			if p.kind == accordion && p.box.DataAtom == atom.Details {
				ex.Remove = append(ex.Remove, Selector{CSS: a.cssPath(p.box) + " > summary"})
			}
		}
	}
	for _, d := range dups {
		path := a.cssPath(d.copy)
		ex.Duplicates = append(ex.Duplicates, ExplainDuplicate{Selector: path, CopyOf: a.cssPath(d.of), Bytes: d.size, Similarity: d.similarity})
		ex.Remove = append(ex.Remove, Selector{CSS: path})
	}
	if len(ex.Remove) > 0 && len(ex.Select) == 0 && len(a.mainRoots) == 1 && a.mainRoots[0].Type == html.ElementNode {
		ex.Select = []Selector{{CSS: a.cssPath(a.mainRoots[0])}}
	}
}

var plainID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)

// cssPath is a CSS selector matching n alone: its id when that is unique
// on the page, else the path of child steps from the nearest ancestor
// with such an id (or from body).
func (a *hubAnalyzer) cssPath(n *html.Node) string {
	if n == nil {
		return ""
	}
	a.index()
	var steps []string
	for e := n; e != nil && e.Type == html.ElementNode; e = e.Parent {
		if id := attr(e, "id"); id != "" && plainID.MatchString(id) && a.idCount[id] == 1 {
			steps = append(steps, "#"+id)
			break
		}
		if e.DataAtom == atom.Body || e.DataAtom == atom.Html {
			steps = append(steps, e.Data)
			break
		}
		steps = append(steps, e.Data+nthOfType(e))
	}
	for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
		steps[i], steps[j] = steps[j], steps[i]
	}
	return strings.Join(steps, " > ")
}

// nthOfType is ":nth-of-type(k)" for an element with siblings of its
// type, "" for an only one.
func nthOfType(e *html.Node) string {
	index, count := 0, 0
	if e.Parent == nil {
		return ""
	}
	for s := e.Parent.FirstChild; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode && s.Data == e.Data {
			count++
			if s == e {
				index = count
			}
		}
	}
	if count <= 1 {
		return ""
	}
	return fmt.Sprintf(":nth-of-type(%d)", index)
}

package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/policywatch/policywatch/diff"
)

// This file is what timelines and lists of changes show beyond each
// stored change: filters by class and magnitude, a bar as long as the
// words changed, and runs of flip-flops folded into one row.

// Classes and magnitudes a filter may name, in the order forms list them.
var (
	filterClasses    = []string{string(diff.Substantive), string(diff.Editorial), string(diff.Rebrand), string(diff.Cosmetic)}
	filterMagnitudes = []string{"major", "minor"}
)

// changeFilter is a list's filter, read from ?class=…&magnitude=….
type changeFilter struct {
	Classes, Magnitudes []string
}

// changeFilterOf reads the filter of a request; an unknown class or
// magnitude is a badRequest naming the ones there are.
func changeFilterOf(r *http.Request) (changeFilter, error) {
	q := r.URL.Query()
	var f changeFilter
	for _, p := range []struct {
		name  string
		known []string
		into  *[]string
	}{{"class", filterClasses, &f.Classes}, {"magnitude", filterMagnitudes, &f.Magnitudes}} {
		for _, v := range q[p.name] {
			for _, one := range strings.Split(v, ",") {
				one = strings.TrimSpace(one)
				if one == "" {
					continue
				}
				if !slices.Contains(p.known, one) {
					return f, badRequest{fmt.Sprintf("query parameter %s %q: want one of %s", p.name, one, strings.Join(p.known, ", "))}
				}
				if !slices.Contains(*p.into, one) {
					*p.into = append(*p.into, one)
				}
			}
		}
	}
	return f, nil
}

// Active says whether the filter selects anything.
func (f changeFilter) Active() bool { return len(f.Classes)+len(f.Magnitudes) > 0 }

// Query is the filter as query parameters, "&class=…" each, to follow a
// page's other parameters.
func (f changeFilter) Query() string {
	var b strings.Builder
	for _, c := range f.Classes {
		b.WriteString("&class=" + url.QueryEscape(c))
	}
	for _, m := range f.Magnitudes {
		b.WriteString("&magnitude=" + url.QueryEscape(m))
	}
	return b.String()
}

// filterChoice is one checkbox of a filter form.
type filterChoice struct {
	Name, Value string
	Checked     bool
}

// Choices are the filter form's checkboxes: classes, then magnitudes.
func (f changeFilter) Choices() []filterChoice {
	var out []filterChoice
	for _, c := range filterClasses {
		out = append(out, filterChoice{"class", c, slices.Contains(f.Classes, c)})
	}
	for _, m := range filterMagnitudes {
		out = append(out, filterChoice{"magnitude", m, slices.Contains(f.Magnitudes, m)})
	}
	return out
}

// sizeBar is a change's words added and removed as a bar, scaled so that
// the largest change of the list fills it: a +21-word and a +6,220-word
// change look as different as they are. It is an SVG, whose sizes are
// attributes: the site's policy allows no inline style.
func sizeBar(added, removed, largest int) template.HTML {
	if largest <= 0 || added+removed == 0 {
		return template.HTML(`<svg class="size-bar empty" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="no word changed"><rect class="track" width="100" height="8"/></svg>`)
	}
	width := func(n int) float64 {
		if n == 0 {
			return 0
		}
		return max(100*float64(n)/float64(largest), 1.5) // a change is never invisible
	}
	a, r := width(added), width(removed)
	return template.HTML(fmt.Sprintf(`<svg class="size-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label="%s words added, %s removed"><rect class="track" width="100" height="8"/><rect class="added" width="%.1f" height="8"/><rect class="removed" x="%.1f" width="%.1f" height="8"/></svg>`,
		formatCount(added), formatCount(removed), a, a, r))
}

// timelineRow is one row of a timeline: a version, or a run of
// flip-flops folded into one row that opens on them.
type timelineRow struct {
	Entry *timelineEntry
	Run   []*timelineEntry
	Label string // of a run: "15 link flip-flops between twitter.com and x.com, May–June 2024"
}

// minFoldedFlipFlops is the shortest run of flip-flops folded into a row.
const minFoldedFlipFlops = 3

// timelineRows folds each run of at least minFoldedFlipFlops consecutive
// flip-flops (versions marked so when placed) into one row.
func timelineRows(entries []timelineEntry) []timelineRow {
	var rows []timelineRow
	for i := 0; i < len(entries); {
		end := i
		for end < len(entries) && entries[end].Mark.FlipFlop && entries[end].Change != nil {
			end++
		}
		if end-i >= minFoldedFlipFlops {
			var run []*timelineEntry
			for k := i; k < end; k++ {
				run = append(run, &entries[k])
			}
			rows = append(rows, timelineRow{Run: run, Label: flipFlopLabel(run)})
			i = end
			continue
		}
		rows = append(rows, timelineRow{Entry: &entries[i]})
		i++
	}
	return rows
}

// flipFlopLabel says what a run of flip-flops went back and forth on:
// links only (no word of text changed), between which two words or hosts
// (when every substitution of the run swaps the same two), and when.
func flipFlopLabel(run []*timelineEntry) string {
	linksOnly := true
	var pair []string
	samePair := true
	for _, e := range run {
		c := e.Change
		if c.WordsAdded+c.WordsRemoved > 0 {
			linksOnly = false
		}
		if len(e.Substitutions) == 0 {
			samePair = false
		}
		for _, s := range e.Substitutions {
			two := []string{s.From, s.To}
			slices.Sort(two)
			if pair == nil {
				pair = two
			} else if !slices.Equal(pair, two) {
				samePair = false
			}
		}
	}
	kind := "flip-flops"
	if linksOnly {
		kind = "link flip-flops"
	}
	label := fmt.Sprintf("%d %s", len(run), kind)
	if samePair && pair != nil {
		label += fmt.Sprintf(" between %s and %s", pair[0], pair[1])
	}
	oldest, newest := run[len(run)-1].CapturedAt, run[0].CapturedAt
	return label + ", " + monthRange(oldest, newest)
}

// monthRange writes the months from a to b: "June 2024", "May–June
// 2024", "December 2023–January 2024".
func monthRange(a, b time.Time) string {
	a, b = a.UTC(), b.UTC()
	switch {
	case a.Year() == b.Year() && a.Month() == b.Month():
		return a.Format("January 2006")
	case a.Year() == b.Year():
		return a.Format("January") + "–" + b.Format("January 2006")
	}
	return a.Format("January 2006") + "–" + b.Format("January 2006")
}

// largestChange is the most words a change of the entries added plus
// removed: the full length of their size bars.
func largestChange(entries []timelineEntry) int {
	largest := 0
	for _, e := range entries {
		if c := e.Change; c != nil {
			largest = max(largest, c.WordsAdded+c.WordsRemoved)
		}
	}
	return largest
}

func largestOf(items []changeItem) int {
	largest := 0
	for _, c := range items {
		largest = max(largest, c.WordsAdded+c.WordsRemoved)
	}
	return largest
}

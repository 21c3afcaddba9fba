package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/store"
)

// A document's length over time, drawn on the server as SVG (no script):
// words per version as a step line, each change a dot coloured by its
// class and linked to its diff. The research literature reports policies
// doubling in length; this is where a reader sees it.

// Chart geometry, in the SVG's own units; it scales to the page.
const (
	chartWidth   = 720
	chartHeight  = 220
	chartLeft    = 56 // room for the word counts
	chartRight   = 12
	chartTop     = 12
	chartBottom  = 28 // room for the years
	chartMaxDots = 400
)

// wordsChart draws the words of versions (newest first, as stored lists
// give them) over time; nothing for fewer than two versions.
func wordsChart(docID int64, versions []store.VersionSummary) template.HTML {
	if len(versions) < 2 {
		return ""
	}
	// Oldest first.
	vs := make([]store.VersionSummary, len(versions))
	for i, v := range versions {
		vs[len(versions)-1-i] = v
	}
	start, end := vs[0].CapturedAt, vs[len(vs)-1].CapturedAt
	if !end.After(start) {
		end = start.Add(24 * time.Hour)
	}
	most := 0
	for _, v := range vs {
		most = max(most, v.Words)
	}
	top := niceCeiling(most)
	plotW := float64(chartWidth - chartLeft - chartRight)
	plotH := float64(chartHeight - chartTop - chartBottom)
	x := func(t time.Time) float64 {
		return chartLeft + plotW*float64(t.Sub(start))/float64(end.Sub(start))
	}
	y := func(words int) float64 {
		return chartTop + plotH*(1-float64(words)/float64(top))
	}

	var b strings.Builder
	first, last := vs[0], vs[len(vs)-1]
	fmt.Fprintf(&b, `<svg class="chart words-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc">`, chartWidth, chartHeight)
	fmt.Fprintf(&b, `<title id="chart-title">Words per version</title><desc id="chart-desc">%s words on %s, %s words on %s, over %d versions.</desc>`,
		formatCount(first.Words), formatDate(first.CapturedAt), formatCount(last.Words), formatDate(last.CapturedAt), len(vs))
	// Grid: four word counts, and the years.
	for i := 0; i <= 4; i++ {
		words := top * i / 4
		yy := y(words)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/><text class="axis" x="%d" y="%.1f" text-anchor="end">%s</text>`,
			chartLeft, yy, chartWidth-chartRight, yy, chartLeft-6, yy+4, formatCount(words))
	}
	for year := start.Year() + 1; year <= end.Year(); year++ {
		t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		xx := x(t)
		fmt.Fprintf(&b, `<line class="grid year" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/><text class="axis" x="%.1f" y="%d" text-anchor="middle">%d</text>`,
			xx, chartTop, xx, chartHeight-chartBottom, xx, chartHeight-chartBottom+16, year)
	}
	// The step line: a version's words hold until the next one.
	b.WriteString(`<polyline class="line" points="`)
	for i, v := range vs {
		if i > 0 {
			fmt.Fprintf(&b, "%.1f,%.1f ", x(v.CapturedAt), y(vs[i-1].Words))
		}
		fmt.Fprintf(&b, "%.1f,%.1f ", x(v.CapturedAt), y(v.Words))
	}
	b.WriteString(`"/>`)
	// A dot per change, coloured by class, linked to its diff; with very
	// many versions, only the changes that are not cosmetic.
	dense := len(vs) > chartMaxDots
	for _, v := range vs {
		class := "first"
		href := versionPath(docID, v.ID)
		if c := v.Change; c != nil {
			class = c.Class
			href = diffPath(docID, c.FromVersionID, c.ToVersionID)
		}
		if dense && class == "cosmetic" {
			continue
		}
		label := formatDate(v.CapturedAt) + ": " + formatCount(v.Words) + " words, " + class
		if v.Change != nil && v.Change.Magnitude != "" {
			label += " (" + v.Change.Magnitude + ")"
		}
		fmt.Fprintf(&b, `<a href="%s"><circle class="dot %s" cx="%.1f" cy="%.1f" r="4"><title>%s</title></circle></a>`,
			html.EscapeString(href), html.EscapeString(class), x(v.CapturedAt), y(v.Words), html.EscapeString(label))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeiling rounds n up to a round number for the chart's top: 1, 2 or
// 5 times a power of ten.
func niceCeiling(n int) int {
	if n <= 10 {
		return 10
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(n))))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if c := int(f * p); c >= n {
			return c
		}
	}
	return n
}

// readingTime writes seconds of reading as pages show it: "7 min".
func readingTime(seconds int) string {
	minutes := (seconds + 30) / 60
	switch {
	case seconds < 60:
		return "under a minute"
	case minutes < 60:
		return strconv.Itoa(minutes) + " min"
	}
	return fmt.Sprintf("%d h %02d min", minutes/60, minutes%60)
}

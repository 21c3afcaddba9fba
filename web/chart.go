package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
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
// give them) over time; nothing for fewer than two versions. A history of
// thousands of versions is drawn on every document page that is not kept,
// so the points are written with strconv rather than fmt.
func wordsChart(docID int64, versions []store.VersionPoint) template.HTML {
	if len(versions) < 2 {
		return ""
	}
	// Oldest first.
	vs := make([]store.VersionPoint, len(versions))
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

	b := make([]byte, 0, 1024+len(vs)*40)
	first, last := vs[0], vs[len(vs)-1]
	b = fmt.Appendf(b, `<svg class="chart words-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc">`, chartWidth, chartHeight)
	b = fmt.Appendf(b, `<title id="chart-title">Words per version</title><desc id="chart-desc">%s words on %s, %s words on %s, over %d versions.</desc>`,
		formatCount(first.Words), formatDate(first.CapturedAt), formatCount(last.Words), formatDate(last.CapturedAt), len(vs))
	// Grid: four word counts, and the years.
	for i := 0; i <= 4; i++ {
		words := top * i / 4
		yy := y(words)
		b = fmt.Appendf(b, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/><text class="axis" x="%d" y="%.1f" text-anchor="end">%s</text>`,
			chartLeft, yy, chartWidth-chartRight, yy, chartLeft-6, yy+4, formatCount(words))
	}
	for year := start.Year() + 1; year <= end.Year(); year++ {
		t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		xx := x(t)
		b = fmt.Appendf(b, `<line class="grid year" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/><text class="axis" x="%.1f" y="%d" text-anchor="middle">%d</text>`,
			xx, chartTop, xx, chartHeight-chartBottom, xx, chartHeight-chartBottom+16, year)
	}
	point := func(b []byte, x, y float64) []byte {
		b = strconv.AppendFloat(b, x, 'f', 1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, y, 'f', 1, 64)
		return append(b, ' ')
	}
	// The step line: a version's words hold until the next one.
	b = append(b, `<polyline class="line" points="`...)
	for i, v := range vs {
		if i > 0 {
			b = point(b, x(v.CapturedAt), y(vs[i-1].Words))
		}
		b = point(b, x(v.CapturedAt), y(v.Words))
	}
	b = append(b, `"/>`...)
	// A dot per change, coloured by class, linked to its diff; with very
	// many versions, only the changes that are not cosmetic.
	dense := len(vs) > chartMaxDots
	for _, v := range vs {
		class := "first"
		if v.FromVersionID != 0 {
			class = v.Class
		}
		if dense && class == "cosmetic" {
			continue
		}
		// The link: the diff that made the version, or the first version.
		b = append(b, `<a href="/documents/`...)
		b = strconv.AppendInt(b, docID, 10)
		if v.FromVersionID != 0 {
			b = append(b, `/diff?from=`...)
			b = strconv.AppendInt(b, v.FromVersionID, 10)
			b = append(b, `&amp;to=`...)
		} else {
			b = append(b, `/versions/`...)
		}
		b = strconv.AppendInt(b, v.ID, 10)
		b = append(b, `"><circle class="dot `...)
		b = append(b, html.EscapeString(class)...)
		b = append(b, `" cx="`...)
		b = strconv.AppendFloat(b, x(v.CapturedAt), 'f', 1, 64)
		b = append(b, `" cy="`...)
		b = strconv.AppendFloat(b, y(v.Words), 'f', 1, 64)
		b = append(b, `" r="4"><title>`...)
		if v.CapturedAt.IsZero() {
			b = append(b, formatDate(v.CapturedAt)...)
		} else {
			b = v.CapturedAt.UTC().AppendFormat(b, "2006-01-02")
		}
		b = append(b, ": "...)
		b = append(b, formatCount(v.Words)...)
		b = append(b, " words, "...)
		b = append(b, html.EscapeString(class)...)
		if v.FromVersionID != 0 && v.Magnitude != "" {
			b = append(b, " ("...)
			b = append(b, html.EscapeString(v.Magnitude)...)
			b = append(b, ')')
		}
		b = append(b, `</title></circle></a>`...)
	}
	b = append(b, `</svg>`...)
	return template.HTML(b)
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

package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// findChromium returns the path of a Chromium-family browser, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "chrome-headless-shell", "headless-shell", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// substitutionLayout is what the diff page's DOM says about the summary and
// the first edit.
type substitutionLayout struct {
	Found        bool     `json:"found"`
	Items        []string `json:"items"`
	SummaryFirst bool     `json:"summaryFirst"` // in document order
	SummaryTop   float64  `json:"summaryTop"`
	FirstEditTop float64  `json:"firstEditTop"`
	FirstEditTag string   `json:"firstEditTag"`
	EditVisible  bool     `json:"editVisible"`
}

const layoutScript = `(() => {
  const subs = document.querySelector('.diff-summary ul.substitutions');
  const edit = document.querySelector('ins, del');
  if (!subs || !edit) return {found: false, items: []};
  const r = edit.getBoundingClientRect();
  return {
    found: true,
    items: [...subs.querySelectorAll('li')].map(li => li.textContent.replace(/\s+/g, ' ').trim()),
    summaryFirst: !!(subs.compareDocumentPosition(edit) & Node.DOCUMENT_POSITION_FOLLOWING),
    summaryTop: subs.getBoundingClientRect().top + window.scrollY,
    firstEditTop: r.top + window.scrollY,
    firstEditTag: edit.tagName.toLowerCase(),
    editVisible: r.width > 0 && r.height > 0,
  };
})()`

// TestBrowserFollowsLinksToTheRebrandDiff walks from the home page to the
// Twitter → X diff in headless Chromium, and checks that the substitutions
// are shown above the first edit.
func TestBrowserFollowsLinksToTheRebrandDiff(t *testing.T) {
	browser := findChromium()
	if browser == "" {
		t.Skip("no Chromium binary found (looked for chromium, chromium-browser, chrome-headless-shell, headless-shell, google-chrome); install Debian's chromium to run this test")
	}
	site := newTestSite(t)

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser),
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	)
	defer cancelAlloc()
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	defer cancelCtx()
	// Start the browser on a context without deadline; the deadline below
	// then only bounds the steps.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	docLink := fmt.Sprintf(`main a[href="%s"]`, documentPath(site.cookiesDoc))
	from, to := site.cookies["2022-11-23"], site.cookies["2023-09-20"]
	diffLink := fmt.Sprintf(`ol.timeline a[href="%s"]`, diffPath(site.cookiesDoc, from, to))
	if err := chromedp.Do(ctx,
		chromedp.Navigate(site.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(docLink)),
		chromedp.Click(chromedp.CSS(docLink)),
		chromedp.WaitVisible(chromedp.CSS(diffLink)),
		chromedp.Click(chromedp.CSS(diffLink)),
		chromedp.WaitVisible(chromedp.CSS(".diff-summary ul.substitutions")),
	); err != nil {
		t.Fatalf("following home → document → diff: %v", err)
	}
	location, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if want := site.srv.URL + diffPath(site.cookiesDoc, from, to); location != want {
		t.Fatalf("ended at %s, want %s", location, want)
	}

	layout, err := chromedp.Run(ctx, chromedp.Evaluate[substitutionLayout](layoutScript))
	if err != nil {
		t.Fatalf("reading the diff page's layout: %v", err)
	}
	if !layout.Found {
		t.Fatal("the diff page has no substitution list or no <ins>/<del>")
	}
	hasTwitterToX := false
	for _, item := range layout.Items {
		hasTwitterToX = hasTwitterToX || strings.HasPrefix(item, "Twitter → X ×")
	}
	if !hasTwitterToX {
		t.Errorf("substitution list %q has no \"Twitter → X ×N\"", layout.Items)
	}
	if !layout.SummaryFirst || layout.SummaryTop >= layout.FirstEditTop {
		t.Errorf("substitutions (top %.0f px) are not above the first <%s> (top %.0f px); document order first: %v",
			layout.SummaryTop, layout.FirstEditTag, layout.FirstEditTop, layout.SummaryFirst)
	}
	if !layout.EditVisible {
		t.Errorf("the first <%s> is not rendered visibly", layout.FirstEditTag)
	}

	// Set POLICYWATCH_SCREENSHOT=/tmp/policywatch-diff.png to look at the page.
	if path := os.Getenv("POLICYWATCH_SCREENSHOT"); path != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 means PNG
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

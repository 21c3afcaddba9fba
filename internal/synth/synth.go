// Package synth makes a synthetic archive for benchmarks: thousands of
// documents of real policy text (the demo bundle's), each with a history
// of small, realistic edits, recorded through the archive as an import of
// their captures would be, so that versions, changes with their stories
// and history marks are what archive.Record stores.
//
// It is a developer's tool, used by the load benchmark; it is not a
// command: nothing a user does needs a made-up archive.
package synth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/policywatch/policywatch/archive"
	"github.com/policywatch/policywatch/capture"
)

// Options says what to make.
type Options struct {
	Documents int // 10,000 for the benchmark
	Versions  int // in all, at least Documents; 200,000 for the benchmark
	// Seed makes the archive: the same options give the same texts and
	// dates.
	Seed uint64
	// Workers prepare captures in parallel (0: 2).
	Workers int
	// Progress, if set, is told how many versions of how many are
	// recorded, from time to time.
	Progress func(done, total int)
}

// Summary says what Generate recorded.
type Summary struct {
	Services, Documents, Versions int
	// Heavy names the documents with the longest histories, the first
	// with the most versions.
	Heavy []archive.DocumentRef
	// Returns counts the versions made to go back, within two days, to
	// the text before the one before them: flip-flops. (Edits that undo
	// the one before, a word replaced back, are reverts too, later.)
	Returns int
}

// heavyShare is the share of versions given to the few documents with
// long histories (a page that flips every few hours for years), and
// heavyDocuments how many they are.
const (
	heavyShare     = 0.05
	heavyDocuments = 5
)

// Generate records a synthetic archive through ar.
func Generate(ctx context.Context, ar *archive.Archive, opts Options) (Summary, error) {
	if opts.Documents < 1 || opts.Versions < opts.Documents {
		return Summary{}, fmt.Errorf("synth: %d documents and %d versions: want at least one document and a version each", opts.Documents, opts.Versions)
	}
	if opts.Workers <= 0 {
		opts.Workers = 2
	}
	c, err := loadCorpus()
	if err != nil {
		return Summary{}, err
	}
	docs := plan(opts)
	sum := Summary{Documents: len(docs)}
	services := map[string]bool{}
	for _, d := range docs {
		services[d.ref.Service] = true
	}
	sum.Services = len(services)
	for _, d := range docs {
		if d.heavy {
			sum.Heavy = append(sum.Heavy, d.ref)
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan docPlan)
	var done, returns atomic.Int64
	var firstErr error
	var errOnce sync.Once
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if err := record(ctx, ar, c, d, func(n, back int) {
					returns.Add(int64(back))
					if total := done.Add(int64(n)); opts.Progress != nil {
						opts.Progress(int(total), opts.Versions)
					}
				}); err != nil {
					fail(err)
				}
			}
		}()
	}
feed:
	for _, d := range docs {
		select {
		case work <- d:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	sum.Versions, sum.Returns = int(done.Load()), int(returns.Load())
	if opts.Progress != nil {
		opts.Progress(sum.Versions, opts.Versions)
	}
	return sum, firstErr
}

// docPlan is one document to make.
type docPlan struct {
	ref      archive.DocumentRef
	versions int
	seed     uint64
	heavy    bool
}

// plan names the documents and shares the versions among them: a few
// heavy documents, the others from one to a few dozen versions each.
func plan(opts Options) []docPlan {
	r := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	heavy := min(heavyDocuments, opts.Documents/100)
	perHeavy := 0
	if heavy > 0 {
		perHeavy = int(float64(opts.Versions)*heavyShare) / heavy
	}
	rest := opts.Versions - heavy*perHeavy
	light := opts.Documents - heavy
	// Weights with a long tail (most documents change rarely, some often),
	// then the counts that add up to rest, each at least 1.
	weights := make([]float64, light)
	total := 0.0
	for i := range weights {
		weights[i] = 0.2 + r.ExpFloat64()
		total += weights[i]
	}
	counts := make([]int, light)
	given := 0
	for i, w := range weights {
		counts[i] = 1 + int(w/total*float64(rest-light))
		given += counts[i]
	}
	for i := 0; given < rest; i = (i + 1) % light {
		counts[i]++
		given++
	}
	docs := make([]docPlan, 0, opts.Documents)
	for i := range opts.Documents {
		service := serviceName(i / len(documentTypes))
		d := docPlan{
			ref: archive.DocumentRef{
				Service: service,
				Type:    documentTypes[i%len(documentTypes)],
				URL:     fmt.Sprintf("https://%s.example/%s", slug(service), slug(documentTypes[i%len(documentTypes)])),
			},
			seed: opts.Seed ^ uint64(i+1)*0x9e3779b97f4a7c15,
		}
		if i < heavy {
			d.versions, d.heavy = perHeavy, true
		} else {
			d.versions = counts[i-heavy]
		}
		docs = append(docs, d)
	}
	return docs
}

var (
	nameFirst  = []string{"Acme", "Blue", "North", "Bright", "Open", "Swift", "Green", "Silver", "Red", "Nova", "Quiet", "Clear", "Urban", "Solid", "Happy", "Lucky", "Prime", "Echo", "Pixel", "Cloud"}
	nameSecond = []string{"Social", "Cloud", "Pay", "Mail", "Maps", "Chat", "Games", "Shop", "News", "Health", "Bank", "Dating", "Music", "Video", "Travel", "Photo", "Notes", "Fit", "Learn", "Drive"}
)

// serviceName is the i-th service's name: two words and a number when the
// pairs run out.
func serviceName(i int) string {
	pairs := len(nameFirst) * len(nameSecond)
	name := nameFirst[i%len(nameFirst)] + nameSecond[(i/len(nameFirst))%len(nameSecond)]
	if n := i / pairs; n > 0 {
		name += fmt.Sprint(n + 1)
	}
	return name
}

func slug(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "-")) }

// batchSize is how many captures of a document go into one transaction.
const batchSize = 64

// record makes a document's history and records its captures in order,
// batchSize at a time.
func record(ctx context.Context, ar *archive.Archive, c *corpus, p docPlan, recorded func(versions, returns int)) error {
	r := rand.New(rand.NewPCG(p.seed, p.seed>>7|1))
	names := familiesByType[p.ref.Type]
	d := &docState{
		rand:    r,
		service: p.ref.Service,
		family:  c.families[names[r.IntN(len(names))]],
		corpus:  c,
		date:    time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(6*365)),
	}
	if n := len(d.family.versions); n > 1 {
		d.real = r.IntN(n / 2)
	}
	at := d.date.Add(time.Duration(r.IntN(86400)) * time.Second)
	// The last two texts recorded: a flip-flop returns to the older.
	var last [2]string
	made, attempts := 0, 0
	for made < p.versions {
		var batch []archive.Capture
		var back []bool // which captures of the batch return to an older text
		for len(batch) < min(batchSize, p.versions-made) {
			var text string
			returning := false
			switch {
			case last[1] == "":
				text = d.withDate(nameIn(d.family.versions[d.real], d.service))
			case last[0] != "" && r.IntN(100) < 3:
				// Back to the text before the last, within two days: a
				// flip-flop.
				text, returning = last[0], true
				at = at.Add(time.Duration(1+r.IntN(48)) * time.Hour)
			default:
				text, _ = d.edit(last[1])
				at = at.Add(gap(r, p.heavy))
			}
			back = append(back, returning)
			last[0], last[1] = last[1], text
			batch = append(batch, archive.Capture{
				At: at, Source: capture.Import, URL: p.ref.URL,
				ContentType: "text/markdown; charset=utf-8", Content: []byte(text),
			})
		}
		outs, err := ar.RecordBatch(ctx, p.ref, batch)
		if err != nil {
			return fmt.Errorf("synth: %s / %s: %w", p.ref.Service, p.ref.Type, err)
		}
		n, returned := 0, 0
		for i, o := range outs {
			if o.NewVersion {
				n++
				if back[i] {
					returned++
				}
			}
		}
		made += n
		recorded(n, returned)
		// An edit the comparison does not see (spacing, case) makes no
		// version: the next batch makes up for it, a few times at most.
		if attempts++; n < len(batch) && attempts > p.versions/batchSize+8 {
			return fmt.Errorf("synth: %s / %s: %d versions of %d: %w", p.ref.Service, p.ref.Type, made, p.versions, errNotNew)
		}
	}
	return nil
}

var errNotNew = errors.New("no new version after several edits")

// gap is the time between two captures with different texts: hours for
// a heavy document, days to months for the others.
func gap(r *rand.Rand, heavy bool) time.Duration {
	if heavy {
		return time.Duration(2+r.IntN(22)) * time.Hour
	}
	return time.Duration(1+r.IntN(120)) * 24 * time.Hour
}

package archive

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/policywatch/policywatch/capture"
	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/extract"
	"github.com/policywatch/policywatch/store"
)

// maxBatchBytes bounds the captures of one RecordBatch: all are extracted
// before the transaction, and held until it ends.
const maxBatchBytes = 64 << 20

// RecordBatch records captures of one document, in the order given, as
// Record records each, in one transaction. What Record does before its
// transaction is done for every capture first, on every core: extraction
// and, between two captures that follow each other with different texts,
// the diff and what is stored of it; inside, the change from a version
// placed by the capture just before is the one computed so. The history
// marks are computed once, after the last capture.
//
// It is for imports of many ordinary captures: each must be under 4 MB
// (larger ones go through Record, which bounds their memory), and all of
// them under 64 MB. Outcomes are in the order of the captures; a capture
// that cannot be extracted is stored with its failed fetch, as Record
// stores it, and its error is among those returned, joined.
func (a *Archive) RecordBatch(ctx context.Context, ref DocumentRef, captures []Capture) ([]Outcome, error) {
	ref = ref.Canonical()
	size := 0
	for _, c := range captures {
		if err := validate(ref, c); err != nil {
			return nil, err
		}
		if len(c.Content) >= largeCapture {
			return nil, fmt.Errorf("archive: a batch of captures of %s / %s holds one of %d bytes: record captures of %d bytes or more one by one", ref.Service, ref.Type, len(c.Content), largeCapture)
		}
		size += len(c.Content)
	}
	if size > maxBatchBytes {
		return nil, fmt.Errorf("archive: a batch of %d captures of %s / %s holds %d bytes, more than %d: record it in smaller batches", len(captures), ref.Service, ref.Type, size, maxBatchBytes)
	}
	items := make([]batchItem, len(captures))
	for i, c := range captures {
		items[i] = batchItem{c: withDefaults(ref, c), at: c.At.UTC()}
	}
	if err := prepareBatch(ctx, items, ref.Type); err != nil {
		return nil, err
	}

	outs := make([]Outcome, len(items))
	var failures []error
	err := a.store.Write(ctx, func(tx *store.Tx) error {
		failures = failures[:0]
		placedAny := false
		for i := range items {
			it := &items[i]
			outs[i] = Outcome{}
			var failure *FailureError
			if it.extractErr != nil {
				failure = classifyExtractError(it.extractErr)
			}
			var known *knownChange
			if it.change != nil && i > 0 && outs[i-1].NewVersion {
				known = &knownChange{from: outs[i-1].VersionID, change: *it.change}
			}
			candidate := it.candidate // placing it lets go of its texts
			failed, placed, err := a.recordCapture(tx, ref, it.c, it.at, it.doc, &candidate, nil, failure, &outs[i], known)
			if err != nil {
				return err
			}
			placedAny = placedAny || placed
			var class capture.Class
			if failed != nil {
				class = failed.Class
				failures = append(failures, fmt.Errorf("recording %s / %s captured %s: %w", ref.Service, ref.Type, it.at.Format(time.RFC3339), failed))
			}
			if it.c.InTx != nil {
				if err := it.c.InTx(tx, class); err != nil {
					return err
				}
			}
		}
		if placedAny {
			if _, err := refreshMarks(tx, outs[0].DocumentID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recording %d captures of %s / %s: %w", len(items), ref.Service, ref.Type, err)
	}
	return outs, errors.Join(failures...)
}

// batchItem is one capture of a batch and what is computed of it before
// the transaction.
type batchItem struct {
	c          Capture
	at         time.Time
	doc        *extract.Document
	candidate  store.Version
	extractErr error
	// change is the change from the capture before in the batch, when
	// both were extracted and their texts differ; its ids are not set.
	change *store.Change
}

// prepareBatch extracts every capture, then computes the change between
// each two that follow each other, in parallel.
func prepareBatch(ctx context.Context, items []batchItem, docType string) error {
	var mu sync.Mutex
	var firstErr error
	parallel(len(items), func(i int) {
		it := &items[i]
		if it.doc, it.extractErr = extractCapture(it.c, rulesOf(it.c), docType); it.extractErr != nil {
			return
		}
		v, err := versionOf(it.doc, it.at, false)
		if err != nil {
			mu.Lock()
			firstErr = cmpOr(firstErr, err)
			mu.Unlock()
		}
		it.candidate = v
	})
	if firstErr != nil {
		return firstErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	parallel(len(items), func(i int) {
		if i == 0 {
			return
		}
		from, to := &items[i-1], &items[i]
		if from.extractErr != nil || to.extractErr != nil || from.candidate.TextHash == to.candidate.TextHash {
			return
		}
		change, err := changeOf(0, 0, 0, diff.Compare(from.doc, to.doc))
		if err != nil {
			mu.Lock()
			firstErr = cmpOr(firstErr, err)
			mu.Unlock()
			return
		}
		to.change = &change
	})
	return firstErr
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// parallel runs fn(0) … fn(n-1) on as many goroutines as there are
// cores.
func parallel(n int, fn func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestStatementsInFullPoolDoNotWait fills the reader pool with read
// transactions and has each run a statement not yet prepared: preparing
// it on the pool would need a connection none of them gives back, which
// once hung CI for ten minutes.
func TestStatementsInFullPoolDoNotWait(t *testing.T) {
	sqliteOnly(t, "pgx keeps PostgreSQL's statements prepared, not the store")
	s, _ := openTestStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	var all sync.WaitGroup
	all.Add(readerConns)
	errs := make(chan error, readerConns)
	var wg sync.WaitGroup
	for i := range readerConns {
		wg.Go(func() {
			errs <- s.read(ctx, func(tx *dbTx) error {
				all.Done()
				all.Wait() // every connection of the pool is now in a transaction
				var got int
				query := fmt.Sprintf("SELECT %d + count(*) FROM documents", i)
				for range 3 { // unprepared, then maybe prepared: both answer
					if err := s.queryRowIn(ctx, tx, query).Scan(&got); err != nil {
						return fmt.Errorf("reader %d: %w", i, err)
					}
					if got != i {
						return fmt.Errorf("reader %d: got %d", i, got)
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}

	// Once the pool is free, the statements get prepared and are used.
	deadline := time.Now().Add(10 * time.Second)
	for s.prepared("SELECT 0 + count(*) FROM documents") == nil {
		if time.Now().After(deadline) {
			t.Fatal("the statement was never prepared")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

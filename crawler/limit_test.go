package crawler

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/policywatch/policywatch/capture"
)

// The default page limit is capture.MaxBytes, the one import and backfill
// take: a page of exactly that size is fetched, one byte more is too large.
func TestTheDefaultLimitIsCaptureMaxBytes(t *testing.T) {
	if got := (Config{}).withDefaults().MaxBodyBytes; got != capture.MaxBytes {
		t.Fatalf("default MaxBodyBytes %d, want capture.MaxBytes %d", got, capture.MaxBytes)
	}
	page := append([]byte("<html><body><main><h1>Privacy</h1><p>"), bytes.Repeat([]byte("x"), capture.MaxBytes)...)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		size := capture.MaxBytes
		if r.URL.Path == "/over" {
			size++
		}
		w.Write(page[:size])
	})
	cfg := testConfig()
	cfg.MaxBodyBytes = 0
	if r := fetchOne(t, cfg, srv.URL+"/exact"); r.Failure != nil || len(r.Parts[0].Content) != capture.MaxBytes {
		t.Errorf("a page of capture.MaxBytes: %+v", r.Failure)
	}
	wantFailure(t, fetchOne(t, cfg, srv.URL+"/over"), capture.TooLarge)
}

package jsfilter

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/policywatch/policywatch/extract"
)

// One Module, several goroutines, different pages at once.
func TestConcurrentApply(t *testing.T) {
	m, err := Load(filepath.Join(publishedDir, "contrib"), "Facebook")
	if err != nil {
		t.Fatal(err)
	}
	cmb, err := Load(cmbDir+"/declarations", "Coffee Meets Bagel")
	if err != nil {
		t.Fatal(err)
	}
	cleanUrls, _ := m.Filter("cleanUrls", nil, time.Time{})
	unify, _ := cmb.Filter("unifyEmailProtectedAddresses", nil, time.Time{})
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := allRealPages[i%len(allRealPages)]
			page := p.parse(t)
			links := facebookRedirects(page)
			if err := cleanUrls.Apply(page, extract.FilterContext{URL: p.url}); err != nil {
				errs <- err
				return
			}
			for _, l := range links {
				if got, _ := getAttr(l.node, "href"); got != l.target {
					t.Errorf("%s: %s became %s", p.name, l.redirect, got)
				}
			}
			if err := unify.Apply(page, extract.FilterContext{URL: p.url}); err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

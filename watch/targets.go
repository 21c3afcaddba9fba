package watch

import (
	"sort"

	"github.com/policywatch/policywatch/crawler"
	"github.com/policywatch/policywatch/declaration"
)

// Targets returns the current documents of services matching service and
// docType ("" for all, names or aliases as declaration.Find reads them) as
// crawl targets, sorted by service and type.
func Targets(services []declaration.Service, service, docType string) ([]crawler.Target, error) {
	docs, err := declaration.Find(services, service, docType)
	if err != nil {
		return nil, err
	}
	targets := make([]crawler.Target, 0, len(docs))
	for _, d := range docs {
		t := crawler.Target{Service: d.Service, Type: d.Type}
		for _, src := range d.Sources {
			t.Sources = append(t.Sources, crawler.Source{URL: src.URL, Rules: src.Options(),
				Browser: src.ExecuteClientScripts, Screenshot: src.Screenshot})
		}
		targets = append(targets, t)
	}
	sort.Slice(targets, func(i, j int) bool {
		if targets[i].Service != targets[j].Service {
			return targets[i].Service < targets[j].Service
		}
		return targets[i].Type < targets[j].Type
	})
	return targets, nil
}

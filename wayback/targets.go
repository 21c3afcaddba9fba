package wayback

import (
	"time"

	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/extract"
)

// DeclaredTargets are the current documents of services that match service
// and docType ("" for all; names and aliases as declaration.Find reads
// them) made of one page, as targets with their declarations' rules in
// force at each capture's date. A document made of several pages is left
// out and returned in combined: the Archive holds its pages apart, never
// the whole a crawl combines, so each of them is backfilled alone
// (PageTarget), as a document of its own.
func DeclaredTargets(services []declaration.Service, service, docType string) (targets []Target, combined []declaration.Document, err error) {
	docs, err := declaration.Find(services, service, docType)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range docs {
		if len(d.Sources) != 1 {
			combined = append(combined, d)
			continue
		}
		targets = append(targets, Target{Service: d.Service, Type: d.Type, URL: d.Sources[0].URL, Rules: rulesOf(d)})
	}
	return targets, combined, nil
}

// PageTarget is the target of one page given by its URL, as the document
// docType of service: named and extracted as the declarations say when they
// declare that document as one page (a retired type's page included: see
// declaration.Declared), else as given, with no rules but noise removal.
func PageTarget(services []declaration.Service, service, docType, pageURL string) Target {
	t := Target{Service: service, Type: docType, URL: pageURL}
	if d, ok := declaration.Declared(services, service, docType); ok && len(d.Sources) == 1 {
		t.Service, t.Rules = d.Service, rulesOf(d)
	}
	return t
}

// rulesOf gives a one-page document's extraction rules in force at a
// capture's time (none when the declaration then had several pages).
func rulesOf(d declaration.Document) func(time.Time) extract.Options {
	return func(at time.Time) extract.Options {
		rules, _ := d.RulesAt(at)
		return rules
	}
}

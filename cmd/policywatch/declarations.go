package main

import (
	"github.com/policywatch/policywatch/declaration"
	"github.com/policywatch/policywatch/jsfilter"
)

// loadDeclarations reads a declarations directory with its services'
// JavaScript filters compiled, so that check, crawl and reextract agree on
// which filters run and how.
func loadDeclarations(dir string) ([]declaration.Service, []declaration.Problem, error) {
	return declaration.LoadDir(dir, declaration.WithFilterLoader(loadFilters))
}

// loadFilters loads a service's filter files. A service without any gives
// a nil interface, not an interface holding a nil module.
func loadFilters(dir, id string) (declaration.FilterExports, error) {
	m, err := jsfilter.Load(dir, id)
	if m == nil || err != nil {
		return nil, err
	}
	return m, nil
}

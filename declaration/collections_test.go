package declaration

import (
	"path/filepath"
	"testing"
)

// collections are Open Terms Archive's published declarations, copied
// unchanged into testdata/ota-declarations (see its README), with what
// loading each gives. france-elections declares 65 documents, but its 46
// retired Community Guidelines subtypes are pages of the services'
// Community Guidelines, so 19 documents load.
var collections = []struct {
	dir                          string
	services, documents, retired int
	errors                       int // all in errorFile
	errorFile                    string
}{
	{dir: "contrib", services: 379, documents: 816, retired: 20},
	{dir: "pga", services: 25, documents: 116, retired: 10},
	{dir: "france-elections", services: 5, documents: 19},
	// Its entries say "ValidUntil", which Open Terms Archive's schema
	// rejects too: one error per entry, each entry left out.
	{dir: "genai-eu", services: 12, documents: 56, errors: 6, errorFile: "Le Chat.history.json"},
	{dir: "dating", services: 26, documents: 67, retired: 2},
	{dir: "demo", services: 7, documents: 19},
}

// Whatever OTA's own schema check accepts loads without an error.
func TestThePublishedCollectionsLoad(t *testing.T) {
	for _, c := range collections {
		t.Run(c.dir, func(t *testing.T) {
			services, problems := load(t, filepath.Join("../testdata/ota-declarations", c.dir))
			documents, retired, errors, warnings := 0, 0, 0, 0
			for _, s := range services {
				documents += len(s.Documents)
				retired += len(s.Retired)
			}
			for _, p := range problems {
				if p.Severity == Warning {
					warnings++
					continue
				}
				errors++
				if filepath.Base(p.File) != c.errorFile {
					t.Errorf("unexpected error: %s", p)
				}
			}
			if len(services) != c.services || documents != c.documents || retired != c.retired || errors != c.errors {
				t.Errorf("%d services, %d documents, %d retired, %d errors; want %d, %d, %d, %d",
					len(services), documents, retired, errors, c.services, c.documents, c.retired, c.errors)
			}
			t.Logf("%s: %d services, %d documents (%d retired), %d errors, %d warnings", c.dir, len(services), documents, retired, errors, warnings)
		})
	}
}

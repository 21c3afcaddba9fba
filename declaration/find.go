package declaration

import (
	"fmt"
	"strings"
	"time"

	"github.com/policywatch/policywatch/extract"
)

// Find returns the current documents of services that match service (a
// service ID or name, case ignored; "" for all) and typ (a terms type or
// alias; "" for all), for commands such as crawl --service X --type
// "Cookies Policy". It fails when a filter matches nothing, saying what
// would have.
func Find(services []Service, service, typ string) ([]Document, error) {
	canonical := ""
	if typ != "" {
		c, ok := CanonicalType(typ)
		if !ok {
			hint := ""
			if closest := ClosestType(typ); closest != "" {
				hint = fmt.Sprintf(": did you mean %q?", closest)
			}
			return nil, fmt.Errorf("unknown document type %q%s", typ, hint)
		}
		canonical = c
	}
	var docs []Document
	serviceFound := false
	for _, s := range services {
		if service != "" && !strings.EqualFold(service, s.ID) && !strings.EqualFold(service, s.Name) {
			continue
		}
		serviceFound = true
		for _, d := range s.Documents {
			if canonical == "" || d.Type == canonical {
				docs = append(docs, d)
			}
		}
	}
	if !serviceFound {
		var names []string
		for _, s := range services {
			names = append(names, s.Name)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("no service %q: no service is declared", service)
		}
		return nil, fmt.Errorf("no service %q is declared (declared: %s)", service, strings.Join(names, ", "))
	}
	if len(docs) == 0 {
		where := "any service"
		if service != "" {
			where = service
		}
		return nil, fmt.Errorf("%s declares no %s", where, canonical)
	}
	return docs, nil
}

// Declared returns the declaration that a stored document — its service's
// name or ID (case ignored) and its type as stored (see StoredType) — was
// captured with: the service's current or retired document of that type,
// or, for a retired type name, the page of its current type's document
// declared under that name (Document.Part), never the whole combined
// document. ok is false when nothing of the kind is declared.
func Declared(services []Service, service, typ string) (Document, bool) {
	current, retired := IsRetiredType(typ)
	canonical := current
	if !retired {
		var ok bool
		if canonical, ok = CanonicalType(typ); !ok {
			return Document{}, false
		}
	}
	for _, s := range services {
		if !strings.EqualFold(service, s.ID) && !strings.EqualFold(service, s.Name) {
			continue
		}
		for _, list := range [][]Document{s.Documents, s.Retired} {
			for _, d := range list {
				if d.Type != canonical {
					continue
				}
				if !retired {
					return d, true
				}
				if part, ok := d.Part(StoredType(typ)); ok {
					return part, true
				}
			}
		}
	}
	return Document{}, false
}

// RulesAt returns the extraction rules of a capture of d made at t: those
// of the declaration in force then (filters too), when it is one page.
// ok is false for a document of several pages, captured whole and
// combined, or of none at t.
func (d Document) RulesAt(t time.Time) (rules extract.Options, ok bool) {
	sources := d.At(t).Sources
	if len(sources) != 1 {
		return extract.Options{}, false
	}
	return sources[0].OptionsAt(t), true
}

// Rules returns the extraction rules of a stored document — its service's
// name or ID and its type as stored — for a capture made at t: those of its
// declaration then (see Declared and Document.RulesAt). ok is false when it
// is not declared, or declared as several pages, captured whole.
func Rules(services []Service, service, typ string, t time.Time) (rules extract.Options, ok bool) {
	d, ok := Declared(services, service, typ)
	if !ok {
		return extract.Options{}, false
	}
	return d.RulesAt(t)
}

package declaration

import (
	"fmt"
	"strings"
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

package declaration

// collections are Open Terms Archive's published declarations, copied
// unchanged into testdata/ota-declarations (see its README).
var collections = []struct{ dir string }{
	{"contrib"}, {"pga"}, {"france-elections"}, {"genai-eu"}, {"dating"}, {"demo"},
}

package jsfilter

import (
	"reflect"
	"testing"
)

func TestFormURLEncoding(t *testing.T) {
	got := parseForm("a=1&b=x+y%20z&&empty&=v&c=%zz&e=%C3%A9%E2%82&f=%F0%9F%98%80&g=%ED%A0%80")
	want := []paramPair{{"a", "1"}, {"b", "x y z"}, {"empty", ""}, {"", "v"}, {"c", "%zz"}, {"e", "é\ufffd"}, {"f", "😀"}, {"g", "\ufffd\ufffd\ufffd"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseForm = %q\nwant %q", got, want)
	}
	if s := serializeForm([]paramPair{{"sp ace", "*-._~!é/&="}, {"", ""}}); s != "sp+ace=*-._%7E%21%C3%A9%2F%26%3D&=" {
		t.Errorf("serializeForm = %s", s)
	}
	list := []paramPair{{"b", "1"}, {"a", "2"}, {"\U0001F600", "3"}, {"\uFFFD", "4"}, {"a", "5"}}
	sortParams(list)
	// UTF-16 order puts the surrogate pair of U+1F600 before U+FFFD.
	if want := []paramPair{{"a", "2"}, {"a", "5"}, {"b", "1"}, {"\U0001F600", "3"}, {"\uFFFD", "4"}}; !reflect.DeepEqual(list, want) {
		t.Errorf("sortParams = %q", list)
	}
}

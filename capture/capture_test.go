package capture

import "testing"

func TestHeaderBlockKeepsABoundedSet(t *testing.T) {
	long := make([]byte, 2000)
	for i := range long {
		long[i] = 'x'
	}
	got := HeaderBlock(map[string][]string{
		"Server":           {"nginx"},
		"Date":             {"Sun, 01 Jan 2023 00:00:00 GMT", "a second one"},
		"Content-Type":     {"text/html; charset=utf-8"},
		"Content-Encoding": {"gzip"},               // the body is stored decoded
		"Set-Cookie":       {"session=secret"},     // never kept
		"Etag":             {`"v1"`},               // net/http's key for ETag
		"Expires":          {string(long)},         // too long
		"Last-Modified":    {"Sun, 01 Jan 2023\n"}, // a line break
		"Cache-Control":    {"max-age=60"},
	})
	want := "Date: Sun, 01 Jan 2023 00:00:00 GMT\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\nETag: \"v1\"\r\nCache-Control: max-age=60\r\n"
	if got != want {
		t.Errorf("HeaderBlock = %q, want %q", got, want)
	}
	if HeaderBlock(nil) != "" {
		t.Error("no headers gave a block")
	}
}

package extract

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// cloudflareEncode encodes an address as Cloudflare's e-mail obfuscation
// does, with the given key.
func cloudflareEncode(address string, key byte) string {
	out := []byte{key}
	for _, b := range []byte(address) {
		out = append(out, b^key)
	}
	return hex.EncodeToString(out)
}

func cloudflarePage(key byte) string {
	return fmt.Sprintf(`<html><body><main><h1>Privacy</h1>
<p>Write to <a href="/cdn-cgi/l/email-protection#%s"><u><span class="__cf_email__" data-cfemail="%s">[email&#160;protected]</span></u></a> to delete your account.</p>
<p>Or to our officer: <span class="__cf_email__" data-cfemail="%s">[email&#160;protected]</span>.</p>
<p>Or <a href="/cdn-cgi/l/email-protection#%s">by e-mail</a>.</p>
<p>Broken: <a href="/cdn-cgi/l/email-protection#%s">[email&#160;protected]</a>.</p>
</main></body></html>`,
		cloudflareEncode("support@example.com", key), cloudflareEncode("support@example.com", key^0x5a),
		cloudflareEncode("dpo@example.com", key+1), cloudflareEncode("dpo@example.com?subject=Data", key+2),
		hex.EncodeToString([]byte{key, key ^ 'x'}))
}

func TestCloudflareEmailProtectionIsDecoded(t *testing.T) {
	opts := Options{BaseURL: "https://example.com/privacy"}
	doc := extractHTML(t, cloudflarePage(0xa1), opts)
	md := doc.Markdown()
	for _, want := range []string{
		"Write to [support@example.com](mailto:support@example.com) to delete your account.",
		"Or to our officer: dpo@example.com.",
		"Or [by e-mail](mailto:dpo@example.com?subject=Data).",
		// Not an address: Open Terms Archive's stable form, the link without its code.
		"Broken: [\\[email protected\\]](https://example.com/cdn-cgi/l/email-protection).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	// The key changes on every fetch; the text must not.
	for _, key := range []byte{0x01, 0x37, 0xfe} {
		if other := extractHTML(t, cloudflarePage(key), opts).Markdown(); other != md {
			t.Errorf("key %#x gives another text:\n%s\nwant\n%s", key, other, md)
		}
	}
}

func TestCloudflareDecodingRefusesNonAddresses(t *testing.T) {
	for _, encoded := range []string{"", "zz", "a1", cloudflareEncode("no at sign", 7), cloudflareEncode("a b@c.d", 9), "a1d2"} {
		if got, ok := decodeCloudflareEmail(encoded); ok {
			t.Errorf("%q decoded to %q", encoded, got)
		}
	}
	if got, ok := decodeCloudflareEmail(cloudflareEncode("privacy@bumble.com", 0x42)); !ok || got != "privacy@bumble.com" {
		t.Errorf("decoded %q, %v", got, ok)
	}
}

package extract

import "strings"

// Links carry tracking parameters and session ids that change from one
// capture to the next (Open Terms Archive's most used filter removes them);
// left in, every capture would be a new version.

// trackingParams are query parameters removed from link targets, compared
// in lower case; trackingPrefixes match by prefix.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"yclid": true, "twclid": true, "ttclid": true, "igshid": true, "mc_eid": true, "mc_cid": true,
	"_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true, "mkt_tok": true, "ref_src": true,
	"ref_url": true, "oly_enc_id": true, "oly_anon_id": true, "vero_id": true, "s_cid": true,
	"sessionid": true, "session_id": true, "jsessionid": true, "phpsessid": true,
	"aspsessionid": true, "cfid": true, "cftoken": true,
}

var trackingPrefixes = []string{"utm_", "pk_", "mtm_", "hsa_"}

func isTrackingParam(key string) bool {
	key = strings.ToLower(key)
	if trackingParams[key] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// stripTracking removes tracking parameters, and those named in drop,
// from a URL's query and a ";jsessionid=…" path parameter, keeping
// everything else byte for byte (parameter order and encoding included)
// and the fragment.
func stripTracking(u string, drop map[string]bool) string {
	if !strings.ContainsAny(u, "?;") {
		return u
	}
	rest, fragment, hasFragment := strings.Cut(u, "#")
	path, query, hasQuery := strings.Cut(rest, "?")
	if i := strings.Index(strings.ToLower(path), ";jsessionid="); i >= 0 {
		path = path[:i]
	}
	if hasQuery {
		kept := make([]string, 0, 4)
		for _, pair := range strings.Split(query, "&") {
			key, _, _ := strings.Cut(pair, "=")
			if pair == "" || isTrackingParam(key) || drop[key] {
				continue
			}
			kept = append(kept, pair)
		}
		if len(kept) > 0 {
			path += "?" + strings.Join(kept, "&")
		}
	}
	if hasFragment {
		path += "#" + fragment
	}
	return path
}

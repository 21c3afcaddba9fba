// Package notify tells subscribers when a policy changes and what changed:
// subscriptions, webhooks signed per the Standard Webhooks specification,
// e-mail (one message per change, or a daily digest), retries, and the
// delivery log.
//
// notify never reads HTML and never computes a diff: it sends what
// archive stored when the version was placed (class, magnitude, summary,
// story, excerpt). Its imports point to store, diff, declaration and
// netguard.
//
// # What is sent, and when
//
// When archive.Record places a new version from a crawl (Capture.Source
// "crawl") and it is the newest of its document, the transaction that
// stores it also queues one delivery per matching subscription (the
// outbox, store.Tx.QueueDeliveries). Imports of history, the demo and
// re-extraction never queue. A crash therefore neither loses an alert
// nor sends one for a version that was never stored; delivery is at least
// once, and a receiver deduplicates on webhook-id.
//
// A Worker claims due deliveries under a lease (several workers may share
// a database), attempts each, and logs every attempt. A failed attempt is
// tried again after a backoff (2 min doubled each time, at most 6 h, with
// jitter), or after the receiver's Retry-After (seconds or an HTTP date,
// at most 6 h); after MaxAttempts (8: about 4 hours) the delivery fails
// for good. Any response but 2xx is a failure; redirects are not followed.
// Deliveries to one receiver are attempted in parallel and retried
// independently, so they may arrive out of order: order by
// data.to.captured_at.
// Webhook connections are checked by netguard: no loopback, private or
// other special-purpose address unless private networks are allowed; no
// proxy is used.
//
// # Webhooks
//
// A webhook is a POST of JSON (see Payload):
//
//	{"type": "document.changed", "timestamp": "2023-09-20T18:40:00Z", "data": {
//	  "change_id": 41, "service": "X", "document_type": "Trackers Policy", "document_id": 1,
//	  "from": {"id": 40, "captured_at": "…"}, "to": {"id": 42, "captured_at": "…"},
//	  "class": "rebrand", "magnitude": "major", "summary": "Twitter → X ×37; …",
//	  "stats": {"words_added": 12, "words_removed": 3},
//	  "substitutions": [{"from": "Twitter", "to": "X", "count": 37}],
//	  "sections": [{"kind": "rewritten", "heading": "…", "words_added": 12}],
//	  "effective": ["…"], "sentences": [{"section": "…", "old": "…", "new": "…"}],
//	  "links": {"diff": "https://…/documents/1/diff?from=40&to=42", "document": "https://…/documents/1"}}}
//
// links are present only when a base URL is configured (--base-url,
// POLICYWATCH_BASE_URL). The body is the same on every attempt.
//
// Each request carries three headers: webhook-id (the delivery's id, the
// same on every attempt), webhook-timestamp (Unix seconds of the attempt)
// and webhook-signature: "v1," followed by the base64 HMAC-SHA256 of
// "{webhook-id}.{webhook-timestamp}.{body}", keyed with the secret's bytes
// (the base64 after "whsec_", decoded). A receiver verifies it so:
//
//	func verify(secret string, h http.Header, body []byte) error {
//		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
//		if err != nil {
//			return err
//		}
//		id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
//		sec, err := strconv.ParseInt(ts, 10, 64)
//		if err != nil || math.Abs(time.Since(time.Unix(sec, 0)).Seconds()) > 300 {
//			return errors.New("timestamp missing or more than 5 minutes off")
//		}
//		mac := hmac.New(sha256.New, key)
//		mac.Write([]byte(id + "." + ts + "."))
//		mac.Write(body)
//		want := mac.Sum(nil)
//		for _, sig := range strings.Fields(h.Get("webhook-signature")) {
//			version, value, _ := strings.Cut(sig, ",")
//			got, err := base64.StdEncoding.DecodeString(value)
//			if version == "v1" && err == nil && hmac.Equal(got, want) {
//				return nil
//			}
//		}
//		return errors.New("no valid signature")
//	}
//
// The Standard Webhooks libraries (github.com/standard-webhooks) verify
// the same headers.
//
// # E-mail
//
// E-mail goes through the SMTP server of SMTPConfig as multipart/
// alternative: plain text (summary and story) and HTML (the same and the
// stored excerpt of the change). A digest subscription gets, once a day at
// its digest time (a time of day in an IANA time zone; midnight UTC when
// it names none), one message with every change queued before that time. See
// SMTPConfig for the transport security rules. Without an SMTP server,
// e-mail deliveries wait in the outbox.
package notify

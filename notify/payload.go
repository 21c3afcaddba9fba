package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/policywatch/policywatch/diff"
	"github.com/policywatch/policywatch/store"
)

// EventType is the type of every webhook policywatch sends.
const EventType = "document.changed"

// Payload is the body of a webhook, in the Standard Webhooks envelope.
type Payload struct {
	Type      string    `json:"type"`      // EventType
	Timestamp time.Time `json:"timestamp"` // when the change was queued
	Data      Change    `json:"data"`
}

// Change is a change as webhooks tell it: the /api/diff shape (stats,
// substitutions, class, sections), with the story's sections in place of
// the word-level diff, and what names the document and its versions.
type Change struct {
	ChangeID      int64                  `json:"change_id"`
	Service       string                 `json:"service"`
	DocumentType  string                 `json:"document_type"`
	DocumentID    int64                  `json:"document_id"`
	From          VersionRef             `json:"from"`
	To            VersionRef             `json:"to"`
	Class         string                 `json:"class"`
	Magnitude     string                 `json:"magnitude,omitempty"`
	Summary       string                 `json:"summary"`
	Stats         Stats                  `json:"stats"`
	Substitutions []diff.Substitution    `json:"substitutions"`
	Sections      []diff.SectionChange   `json:"sections"`
	Effective     []string               `json:"effective,omitempty"`
	Sentences     []diff.ChangedSentence `json:"sentences,omitempty"`
	// Links are absent when no base URL is configured.
	Links *Links `json:"links,omitempty"`
}

// VersionRef names one version.
type VersionRef struct {
	ID         int64     `json:"id"`
	CapturedAt time.Time `json:"captured_at"`
}

// Stats are the change's word counts.
type Stats struct {
	WordsAdded   int `json:"words_added"`
	WordsRemoved int `json:"words_removed"`
}

// Links point at policywatch's pages for the change.
type Links struct {
	Diff     string `json:"diff"`
	Document string `json:"document"`
}

// changeOf is what webhooks and e-mail tell of an alert. It decodes the
// stored story; it never compares texts.
func changeOf(a store.Alert, baseURL string) (Change, error) {
	c := a.Change
	out := Change{
		ChangeID: c.ID, Service: c.Service, DocumentType: c.DocumentType, DocumentID: c.DocumentID,
		From:  VersionRef{ID: c.FromVersionID, CapturedAt: c.FromAt},
		To:    VersionRef{ID: c.ToVersionID, CapturedAt: c.ToAt},
		Class: c.Class, Magnitude: c.Magnitude, Summary: c.Summary,
		Stats:         Stats{WordsAdded: c.WordsAdded, WordsRemoved: c.WordsRemoved},
		Substitutions: []diff.Substitution{},
		Sections:      []diff.SectionChange{},
		Links:         linksOf(baseURL, c),
	}
	if len(c.Substitutions) > 0 {
		if err := json.Unmarshal(c.Substitutions, &out.Substitutions); err != nil {
			return Change{}, fmt.Errorf("alert %d: stored substitutions: %w", a.ID, err)
		}
	}
	if len(c.Story) > 0 {
		var story diff.Story
		if err := json.Unmarshal(c.Story, &story); err != nil {
			return Change{}, fmt.Errorf("alert %d: stored story: %w", a.ID, err)
		}
		if story.Sections != nil {
			out.Sections = story.Sections
		}
		out.Effective, out.Sentences = story.Effective, story.Sentences
	}
	return out, nil
}

func linksOf(baseURL string, c store.ChangeEntry) *Links {
	if baseURL == "" {
		return nil
	}
	base := strings.TrimRight(baseURL, "/")
	doc := fmt.Sprintf("%s/documents/%d", base, c.DocumentID)
	q := url.Values{"from": {strconv.FormatInt(c.FromVersionID, 10)}, "to": {strconv.FormatInt(c.ToVersionID, 10)}}
	return &Links{Diff: doc + "/diff?" + q.Encode(), Document: doc}
}

// webhookBody is the JSON body of the alert's webhook: the same bytes on
// every attempt, so that receivers may compare them.
func webhookBody(a store.Alert, baseURL string) ([]byte, error) {
	c, err := changeOf(a, baseURL)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Payload{Type: EventType, Timestamp: a.CreatedAt.UTC(), Data: c})
}

// Sign returns the webhook-signature header value of the Standard Webhooks
// specification: "v1," and the base64 HMAC-SHA256, keyed with the
// secret's decoded bytes, of "id.timestamp.body".
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, timestamp)
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

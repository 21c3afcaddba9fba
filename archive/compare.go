package archive

import (
	"context"
	"fmt"

	"github.com/policywatch/policywatch/diff"
)

// Compare loads two versions of the same document and diffs them. A version
// that does not exist gives an error wrapping store.ErrNotFound; versions of
// two documents give ErrDifferentDocuments.
func (a *Archive) Compare(ctx context.Context, fromID, toID int64) (*Comparison, error) {
	from, err := a.store.Version(ctx, fromID)
	if err != nil {
		return nil, err
	}
	to, err := a.store.Version(ctx, toID)
	if err != nil {
		return nil, err
	}
	if from.DocumentID != to.DocumentID {
		return nil, fmt.Errorf("comparing versions %d and %d: %w", fromID, toID, ErrDifferentDocuments)
	}
	document, err := a.store.Document(ctx, from.DocumentID)
	if err != nil {
		return nil, err
	}
	fromDoc, err := decodeDocument(from)
	if err != nil {
		return nil, err
	}
	toDoc, err := decodeDocument(to)
	if err != nil {
		return nil, err
	}
	return &Comparison{Document: document, From: from, To: to, Result: diff.Compare(fromDoc, toDoc)}, nil
}

package archive

import (
	"context"
)

// Compare loads two versions of the same document and diffs them. A version
// that does not exist gives a *NoVersionError (matching store.ErrNotFound);
// versions of two documents give ErrDifferentDocuments.
func (a *Archive) Compare(ctx context.Context, fromID, toID int64) (*Comparison, error) {
	return compareVersions(ctx, a.store, fromID, toID, false)
}

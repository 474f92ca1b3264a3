package reviews

import (
	"context"
	"errors"
	"fmt"

	"github.com/beckonhq/beckon/store"
)

// EraseVisitor implements leads.VisitorEraser: every review the visitor
// wrote goes with its photo, and the average and count no longer include
// it; the site's cached pages are dropped on every replica when one was
// shown. The site's reviews are scanned (an erasure is rare). Imported
// reviews have no visitor; a photo uploaded but never sent with a review
// names no visitor either and is dropped after store.ReviewPhotoUnattached.
func (m *Module) EraseVisitor(ctx context.Context, siteID, visitorID string) (map[string]int, error) {
	all, err := m.deps.Store.ListReviews(ctx, siteID, store.ReviewFilter{})
	if err != nil {
		return nil, fmt.Errorf("reviews: list the site's reviews: %w", err)
	}
	deleted, shown := 0, false
	for _, r := range all {
		if r.VisitorID != visitorID {
			continue
		}
		err := m.deps.Store.DeleteReview(ctx, siteID, r.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted meanwhile by the owner
		}
		if err != nil {
			return nil, fmt.Errorf("reviews: delete review %s: %w", r.ID, err)
		}
		deleted++
		shown = shown || r.Status == store.ReviewPublished
	}
	if shown {
		m.changed(ctx, siteID)
	}
	if deleted > 0 {
		reviewsModerated.WithLabelValues("erase").Add(float64(deleted))
		m.deps.Log.Info("visitor's reviews erased", "site", siteID, "reviews", deleted)
	}
	return map[string]int{"reviews_deleted": deleted}, nil
}

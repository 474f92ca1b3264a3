package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Review is one customer review of a site, collected by a reviews widget
// (or imported into it). The customer's words (Rating, Text, Name) are
// never changed after they are stored: the owner publishes, hides or
// answers a review, nothing else.
type Review struct {
	ID       string `json:"id"`
	SiteID   string `json:"site_id"`
	WidgetID string `json:"widget_id"`
	// About names the product or page the review is about ("" : the shop).
	About  string `json:"about,omitempty"`
	Rating int    `json:"rating"` // 1 to 5
	Text   string `json:"text"`
	Name   string `json:"name"`
	// PhotoID names the review's photo (PutReviewPhoto), "" for none.
	PhotoID string `json:"photo_id,omitempty"`
	Status  string `json:"status"` // ReviewPending, ReviewPublished, ReviewHidden
	// Verified: written through a request link the owner sent after a
	// purchase (OrderID is the owner's order number from that link).
	Verified bool   `json:"verified,omitempty"`
	OrderID  string `json:"order_id,omitempty"`
	// Imported: brought in from a file by the owner, with its original date.
	Imported  bool          `json:"imported,omitempty"`
	Answer    *ReviewAnswer `json:"answer,omitempty"`
	VisitorID string        `json:"visitor_id,omitempty"`
	Lang      string        `json:"lang,omitempty"`
	IP        string        `json:"ip,omitempty"`
	Consent   *Consent      `json:"consent,omitempty"`
	// CreatedAt is when the customer wrote it (an imported review keeps
	// its original date); the list's order.
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
}

// ReviewAnswer is the owner's public answer, shown under the review.
type ReviewAnswer struct {
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// Statuses of a Review. Every review from a visitor starts pending.
const (
	ReviewPending   = "pending"
	ReviewPublished = "published"
	ReviewHidden    = "hidden"
)

// ReviewCursor is a position in a site's reviews: the last one of a page.
type ReviewCursor struct {
	CreatedAt time.Time
	ID        string
}

// ReviewFilter selects a page of ListReviews; empty fields match everything.
type ReviewFilter struct {
	WidgetID string
	Status   string
	About    string
	// MinRating leaves out reviews rated lower (0: none left out).
	MinRating int
	// After is the previous page's last review; zero: from the newest.
	After ReviewCursor
	// Limit bounds the page; zero or less: no bound.
	Limit int
}

// ReviewAggregate is the count and the sum of the ratings of published
// reviews; the average is Sum/Count.
type ReviewAggregate struct {
	Count int `json:"count"`
	Sum   int `json:"sum"`
}

// Average is the mean rating, 0 without reviews.
func (a ReviewAggregate) Average() float64 {
	if a.Count == 0 {
		return 0
	}
	return float64(a.Sum) / float64(a.Count)
}

// ReviewPhoto is a review's photo as served: already re-encoded.
type ReviewPhoto struct {
	ID          string    `json:"id"`
	ContentType string    `json:"content_type"`
	Data        []byte    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// Bounds the stores rely on.
const (
	// MaxReviewPhotoBytes bounds a stored photo.
	MaxReviewPhotoBytes = 2 << 20
	// ReviewPhotoUnattached is how long a photo no review names is kept.
	ReviewPhotoUnattached = 24 * time.Hour
)

// ErrTokenUsed: the review request token was used for a review already.
// It is an ErrConflict.
var ErrTokenUsed = fmt.Errorf("review request token already used: %w", ErrConflict)

// CheckReview refuses reviews whose keys the stores cannot index safely:
// ids, widget and about without NUL or newline, a rating of 1 to 5 and a
// known status. The API validates stricter before.
func CheckReview(r Review) error {
	for _, s := range []string{r.ID, r.WidgetID, r.About, r.Status, r.SiteID} {
		if strings.ContainsAny(s, "\x00\n") {
			return errors.New("review ids, about and status must not contain NUL or a newline")
		}
	}
	if r.ID == "" || r.WidgetID == "" {
		return errors.New("review without an id or widget")
	}
	if r.Rating < 1 || r.Rating > 5 {
		return errors.New("review rating out of 1..5")
	}
	switch r.Status {
	case ReviewPending, ReviewPublished, ReviewHidden:
		return nil
	}
	return errors.New("unknown review status " + r.Status)
}

// PinReview restores on r what no update may change: the customer's
// words and what the indexes are keyed by.
func PinReview(r *Review, was Review) {
	r.ID, r.SiteID, r.WidgetID, r.About, r.Rating, r.Text, r.Name = was.ID, was.SiteID, was.WidgetID, was.About, was.Rating, was.Text, was.Name
	r.PhotoID, r.Verified, r.OrderID, r.Imported, r.CreatedAt = was.PhotoID, was.Verified, was.OrderID, was.Imported, was.CreatedAt
	r.VisitorID, r.IP, r.Consent = was.VisitorID, was.IP, was.Consent
}

// Reviews keeps each site's reviews, their photos, the aggregates of the
// published ones and the request tokens used. Every call is scoped by site.
// Deleting a site deletes all of it.
type Reviews interface {
	// CreateReview stores a new review. When token is not "", it is marked
	// used in the same atomic step: ErrTokenUsed when it was used before,
	// and nothing is stored. ErrNotFound when the site does not exist,
	// ErrConflict when the site has a review with r.ID. A published review
	// counts in the aggregates at once; a photo it names stops being
	// unattached.
	CreateReview(ctx context.Context, r Review, token string) error
	// ImportReviews stores all of rs or, on any error (ErrConflict for an
	// id taken), none.
	ImportReviews(ctx context.Context, siteID string, rs []Review) error
	GetReview(ctx context.Context, siteID, id string) (Review, error)
	// UpdateReview applies fn atomically, like UpdateSite (fn may run more
	// than once); PinReview's fields keep their values whatever fn sets. A
	// change of status moves the review in or out of the aggregates in the
	// same step, so concurrent moderation never miscounts.
	UpdateReview(ctx context.Context, siteID, id string, fn func(*Review) error) (Review, error)
	// DeleteReview removes a review with its photo, and takes it out of the
	// aggregates when it was published, in one step; ErrNotFound when there
	// is none. The request token it used stays used.
	DeleteReview(ctx context.Context, siteID, id string) error
	// ListReviews returns the site's reviews matching f, newest first (by
	// CreatedAt, then ID descending).
	ListReviews(ctx context.Context, siteID string, f ReviewFilter) ([]Review, error)
	// ReviewAggregate is the count and rating sum of the widget's published
	// reviews about about, or of all of them when all is true.
	ReviewAggregate(ctx context.Context, siteID, widgetID, about string, all bool) (ReviewAggregate, error)
	// PutReviewPhoto stores a photo (at most MaxReviewPhotoBytes) as
	// unattached; unattached photos older than ReviewPhotoUnattached are
	// dropped on the way. ErrNotFound when the site does not exist.
	PutReviewPhoto(ctx context.Context, siteID string, p ReviewPhoto) error
	// GetReviewPhoto returns a photo and the id of the review that names
	// it ("" while none does).
	GetReviewPhoto(ctx context.Context, siteID, id string) (photo ReviewPhoto, reviewID string, err error)
	// ReviewTokenUsed reports whether token was used for a review.
	ReviewTokenUsed(ctx context.Context, siteID, token string) (bool, error)
}

package reviews

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/widgets/submitlimit"
)

// Limits bound, per Window, new reviews from one address and one visitor
// and photo uploads from one address. A zero field takes its default; a
// negative one switches that limit off.
type Limits struct {
	ReviewsPerIP      int
	ReviewsPerVisitor int
	PhotosPerIP       int
}

// Defaults: a customer writes a review or two, not ten an hour.
const (
	DefaultReviewsPerIP      = 5
	DefaultReviewsPerVisitor = 3
	DefaultPhotosPerIP       = 10
	Window                   = time.Hour
	// invalidFactor caps refused submissions from one address at that
	// many times ReviewsPerIP per Window.
	invalidFactor = 4
)

func (l Limits) withDefaults() Limits {
	if l.ReviewsPerIP == 0 {
		l.ReviewsPerIP = DefaultReviewsPerIP
	}
	if l.ReviewsPerVisitor == 0 {
		l.ReviewsPerVisitor = DefaultReviewsPerVisitor
	}
	if l.PhotosPerIP == 0 {
		l.PhotosPerIP = DefaultPhotosPerIP
	}
	return l
}

var (
	reviewsStored = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_reviews_stored_total", Help: "Reviews stored, by origin: form (a visitor's, pending), request (through a request link, pending), import (published).",
	}, []string{"origin"})
	reviewsRefused = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_reviews_refused_total", Help: "Review submissions and photo uploads refused, by reason: limited, honeypot, invalid, token_used, photo.",
	}, []string{"reason"})
	reviewsModerated = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_reviews_moderated_total", Help: "Owner's moderation actions on reviews, by action: publish, hide, answer, unanswer, delete.",
	}, []string{"action"})
)

// limited is the refusal past a limit: submitlimit answers with its
// message (a 429 with Retry-After). Written as the api.Error it becomes,
// so the catalogue of refusals (i18n/refusals) finds it and tells it in
// the dashboard's language.
var limited = api.Error{Message: "too many reviews or photos from this address or visitor; try again later"}

// limiter counts reviews and photo uploads.
func (m *Module) limiter() submitlimit.Counter {
	return submitlimit.Counter{Store: m.deps.Store, Prefix: "reviews", Window: Window, Refused: reviewsRefused,
		Message: limited.Message}
}

// refused counts a submission that failed its checks and returns err, or
// a 429 once the address has sent too many.
func (m *Module) refused(ctx context.Context, siteID, ip string, err error) error {
	reviewsRefused.WithLabelValues("invalid").Inc()
	return m.limiter().Invalid(ctx, siteID, ip, m.opts.Limits.ReviewsPerIP, invalidFactor, err)
}

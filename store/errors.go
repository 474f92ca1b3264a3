package store

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var storeErrors = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "beckon_store_errors_total",
	Help: "Store operations that failed for a reason other than not found or conflict.",
}, []string{"store", "op"})

// Wrap gives err the operation's context ("store: get site: ...") and counts
// it in beckon_store_errors_total unless it is an expected outcome
// (ErrNotFound, ErrConflict, ErrPoolEmpty, ErrPoolFull). Implementations call it on every error they return.
func Wrap(kind, op string, err error) error {
	if err == nil {
		return nil
	}
	if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrPoolEmpty) && !errors.Is(err, ErrPoolFull) {
		storeErrors.WithLabelValues(kind, op).Inc()
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

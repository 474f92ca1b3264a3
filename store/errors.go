package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

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

// Unavailable tells an outage (the store does not answer within the
// request's deadline, refuses or drops the connection) from a fault in
// Beckon: the former is a 503 the client may retry, the latter a 500.
func Unavailable(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

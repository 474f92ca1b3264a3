// Package api is what the server and every widget module share about
// Beckon's HTTP API: the one error shape, strict JSON bodies, who is
// calling the admin API, and which site a public request is for. Modules
// build their handlers from it, so a module's 404 or 422 reads exactly like
// the server's own.
package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/beckonhq/beckon/store"
)

// StoreDeadline bounds the store calls of one request, all together: a
// store that does not answer by then gets the client a 503 well within two
// seconds, instead of a request that hangs for as long as the store does.
// The server gives every request's context this deadline; work that
// outlives its request (a progress stream) bounds each store call by it.
const StoreDeadline = 1500 * time.Millisecond

// Error is an error with its HTTP status and a stable machine-readable
// code. Handlers return one; the server renders it as
// {"error":{"code","message","field"}}.
type Error struct {
	Status     int
	Code       string
	Message    string
	Field      string
	RetryAfter int // seconds, for 429 and 503
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// NotFound is a 404 naming what was not found ("callback widget").
func NotFound(what string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: what + " not found"}
}

// Forbidden is a 403 with its reason.
func Forbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}

// NotFoundAs names what was not found when err is the store's
// ErrNotFound, so clients read "site not found" rather than a generic
// message; other errors pass through.
func NotFoundAs(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return NotFound(what)
	}
	return err
}

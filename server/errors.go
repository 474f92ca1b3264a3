package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"syscall"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// apiError is an error with its HTTP status and a stable machine-readable
// code. Handlers return one; errorHandler renders it.
type apiError struct {
	Status     int
	Code       string
	Message    string
	Field      string
	RetryAfter int // seconds, for 429 and 503
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errNotFound(what string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: what + " not found"}
}

func errForbidden(msg string) *apiError {
	return &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// asAPIError maps any error a handler returns to what the client is told.
func asAPIError(err error) *apiError {
	var ae *apiError
	var ve *validate.Error
	var se *validate.SyntaxError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ve):
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: ve.Message, Field: ve.Field}
	case errors.As(err, &se):
		return &apiError{Status: http.StatusBadRequest, Code: "bad_request", Message: se.Message, Field: se.Field}
	case errors.Is(err, store.ErrNotFound):
		return errNotFound("resource")
	case errors.Is(err, store.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: "conflicting change, try again"}
	case errors.As(err, &fe):
		return &apiError{Status: fe.Code, Code: codeForStatus(fe.Code), Message: fe.Message}
	case storeUnavailable(err):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "the service is briefly unavailable; retry later", RetryAfter: unavailableRetryAfter}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; see the server log with this request's id"}
}

// unavailableRetryAfter is the Retry-After (seconds) of a 503: long enough
// for a failover or a restarted Redis, short enough that a visitor still
// waiting on the page gets an answer.
const unavailableRetryAfter = 5

// storeUnavailable tells an outage (the store does not answer within the
// request's deadline, refuses or drops the connection) from a fault in
// Beckon: the former is a 503 the client may retry, the latter a 500.
func storeUnavailable(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func codeForStatus(status int) string {
	switch status {
	case http.StatusNotFound:
		return "not_found"
	case http.StatusRequestEntityTooLarge:
		return "body_too_large"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusServiceUnavailable:
		return "unavailable"
	}
	return "error"
}

// errorHandler is Fiber's ErrorHandler: every error leaves as one JSON shape.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	ae := asAPIError(err)
	if ae.Status == http.StatusServiceUnavailable {
		s.log.Warn("store unavailable", slog.String("request_id", requestID(c)),
			slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Any("err", err))
	} else if ae.Status >= 500 {
		s.log.Error("request failed", slog.String("request_id", requestID(c)),
			slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Any("err", err))
	}
	if ae.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, itoa(ae.RetryAfter))
	}
	s.corsOnError(c)
	return c.Status(ae.Status).JSON(errorBody{Error: errorDetail{Code: ae.Code, Message: ae.Message, Field: ae.Field}})
}

// notFoundAs names what was not found, so clients read "site not found"
// rather than a generic message.
func notFoundAs(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound(what)
	}
	return err
}

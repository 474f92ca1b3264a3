package server

import (
	"errors"
	"log/slog"
	"net/http"

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
	RetryAfter int // seconds, for 429
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
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; see the server log with this request's id"}
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
	}
	return "error"
}

// errorHandler is Fiber's ErrorHandler: every error leaves as one JSON shape.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	ae := asAPIError(err)
	if ae.Status >= 500 {
		s.log.Error("request failed", slog.String("request_id", requestID(c)),
			slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Any("err", err))
	}
	if ae.RetryAfter > 0 {
		c.Set(fiber.HeaderRetryAfter, itoa(ae.RetryAfter))
	}
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

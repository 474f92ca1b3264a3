package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/dashboard"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// asAPIError maps any error a handler returns to what the client is told.
func asAPIError(err error) *api.Error {
	var ae *api.Error
	var ve *validate.Error
	var se *validate.SyntaxError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ve):
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Message: ve.Message, Field: ve.Field}
	case errors.As(err, &se):
		return &api.Error{Status: http.StatusBadRequest, Code: "bad_request", Message: se.Message, Field: se.Field}
	case errors.Is(err, store.ErrNotFound):
		return api.NotFound("resource")
	case errors.Is(err, store.ErrConflict):
		return &api.Error{Status: http.StatusConflict, Code: "conflict", Message: "conflicting change, try again"}
	case errors.As(err, &fe):
		return &api.Error{Status: fe.Code, Code: codeForStatus(fe.Code), Message: fe.Message}
	case store.Unavailable(err):
		return &api.Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "the service is briefly unavailable; retry later", RetryAfter: unavailableRetryAfter}
	}
	return &api.Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; see the server log with this request's id"}
}

// unavailableRetryAfter is the Retry-After (seconds) of a 503: long enough
// for a failover or a restarted Redis, short enough that a visitor still
// waiting on the page gets an answer.
const unavailableRetryAfter = 5

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
	return c.Status(ae.Status).JSON(errorBody{Error: errorDetail{Code: ae.Code, Message: s.refusalFor(c, ae.Message), Field: ae.Field}})
}

// refusalFor tells a refusal in the dashboard's language when a dashboard
// page asked (the request carries its session); every other client of
// the API reads the English it is documented in.
func (s *Server) refusalFor(c *fiber.Ctx, message string) string {
	if lang := api.CallerOf(c).Lang; lang != "" {
		return i18n.Refusal(lang, message)
	}
	if c.Cookies(dashboard.SessionCookieName(s.cfg.PublicURL)) == "" {
		return message
	}
	// The session was refused (ended, no CSRF token): its reader still
	// reads the dashboard's language.
	return i18n.Refusal(dashboard.Language(c, ""), message)
}

package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
)

type healthBody struct {
	Status string `json:"status"`
	Store  string `json:"store"`
	Error  string `json:"error,omitempty"`
}

// healthPingTimeout bounds the store's answer to a health check, so a
// frozen store is reported in about a second, not when it thaws.
const healthPingTimeout = time.Second

// healthz reports whether this replica can reach its store; load balancers
// take a replica out while it answers 503.
func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), healthPingTimeout)
	defer cancel()
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := s.store.Ping(ctx); err != nil {
		c.Set(fiber.HeaderRetryAfter, itoa(unavailableRetryAfter))
		return c.Status(http.StatusServiceUnavailable).JSON(healthBody{Status: "unavailable", Store: s.store.Kind(), Error: err.Error()})
	}
	return c.JSON(healthBody{Status: "ok", Store: s.store.Kind()})
}

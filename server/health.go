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

// healthz reports whether this replica can reach its store; load balancers
// take a replica out while it answers 503.
func (s *Server) healthz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	c.Set(fiber.HeaderCacheControl, "no-store")
	if err := s.store.Ping(ctx); err != nil {
		return c.Status(http.StatusServiceUnavailable).JSON(healthBody{Status: "unavailable", Store: s.store.Kind(), Error: err.Error()})
	}
	return c.JSON(healthBody{Status: "ok", Store: s.store.Kind()})
}

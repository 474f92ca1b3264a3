package server

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
)

// publicBodyLimit bounds request bodies on the public widget API: a callback
// request or a quiz answer is a few hundred bytes.
const publicBodyLimit = 16 << 10

const siteLocal = "site"

// publicSite runs before every /w/v1/{siteKey}/... handler: per-IP rate limit,
// body limit, the site's cached config, and the Origin check. Handlers find
// the config with publicConfigOf.
func (s *Server) publicSite(c *fiber.Ctx) error {
	if len(c.Body()) > publicBodyLimit {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: "request body is larger than " + itoa(publicBodyLimit) + " bytes"}
	}
	cfg, err := s.cache.get(c.UserContext(), c.Params("siteKey"), time.Now())
	if err != nil {
		return err
	}
	if !cfg.found {
		return errNotFound("site")
	}
	c.Vary(fiber.HeaderOrigin)
	// No Origin: not a cross-origin browser request (a same-origin page, an
	// e-mail image, a server). Origin is a browser guard, not authentication,
	// so such requests are served and rate limited like any other.
	if origin := c.Get(fiber.HeaderOrigin); origin != "" {
		if !cfg.origins[origin] {
			return errForbidden("origin " + origin + " is not allowed for this site; add it to the site's origins")
		}
		c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
		c.Set(fiber.HeaderAccessControlExposeHeaders, "Retry-After, ETag")
	}
	c.Locals(siteLocal, cfg)
	return c.Next()
}

func publicConfigOf(c *fiber.Ctx) *publicConfig {
	cfg, _ := c.Locals(siteLocal).(*publicConfig)
	return cfg
}

// preflight answers CORS preflight requests of allowed origins.
func preflight(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST, OPTIONS")
	c.Set(fiber.HeaderAccessControlAllowHeaders, "Content-Type")
	c.Set(fiber.HeaderAccessControlMaxAge, "600")
	return c.SendStatus(http.StatusNoContent)
}

// getConfig serves GET /w/v1/{siteKey}/config from the in-process cache.
// Browsers revalidate every time (no-cache) and get a 304 while nothing
// changed, so an owner's edit shows on the next page view.
func getConfig(c *fiber.Ctx) error {
	cfg := publicConfigOf(c)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, cfg.etag)
	if c.Get(fiber.HeaderIfNoneMatch) == cfg.etag {
		return c.SendStatus(http.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(cfg.body)
}

package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/experiments"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// publicBodyLimit bounds request bodies on the public widget API: a visitor's
// form or a quiz answer is a few hundred bytes. fasthttp enforces it as
// it reads (see publicRequestLimits), so a larger body is refused from its
// Content-Length, or, sent in chunks, once the limit is passed, never read
// whole.
const publicBodyLimit = 16 << 10

// publicPrefix starts every path of the public widget API:
// /w/v1/{siteKey}/...
const publicPrefix = "/w/v1/"

const siteLocal = "site"

// exposedHeaders are the response headers a widget's script may read
// cross-origin: when to retry, the id to quote in a support request, and
// the config's version.
const exposedHeaders = "Retry-After, X-Request-ID, ETag"

// publicUploadLimit bounds the body of a public route whose path has an
// "/uploads/" segment (a review's photo): a phone's photo is a few MiB,
// and the module checks its own, smaller limits after reading.
const publicUploadLimit = 6 << 20

// publicRequestLimits is fasthttp's HeaderReceived hook: public API
// requests get publicBodyLimit instead of the admin API's larger one, and
// uploads (widgets.Routes.Public) publicUploadLimit.
func publicRequestLimits(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	uri := h.RequestURI()
	if !bytes.HasPrefix(uri, []byte(publicPrefix)) {
		return fasthttp.RequestConfig{}
	}
	if path, _, _ := bytes.Cut(uri, []byte("?")); bytes.Contains(path, []byte("/uploads/")) {
		return fasthttp.RequestConfig{MaxRequestBodySize: publicUploadLimit}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: publicBodyLimit}
}

// publicSite runs before every /w/v1/{siteKey}/... handler, after the per-IP
// rate limit: the site's cached config and the Origin check. Handlers find
// the config with publicConfigOf.
func (s *Server) publicSite(c *fiber.Ctx) error {
	cfg, err := s.cache.get(c.UserContext(), c.Params("siteKey"), time.Now())
	if err != nil {
		return err
	}
	if !cfg.found() {
		return api.NotFound("site")
	}
	c.Vary(fiber.HeaderOrigin)
	// No Origin: not a cross-origin browser request (a same-origin page, an
	// e-mail image, a server). Origin is a browser guard, not authentication,
	// so such requests are served and rate limited like any other.
	// Beckon's own origin serves every site's widgets too: it is where the
	// dashboard's live preview runs them, and no one else's page has it.
	if origin := c.Get(fiber.HeaderOrigin); origin != "" {
		own := origin == s.cfg.PublicOrigin()
		if !cfg.origins[origin] && !own {
			return api.Forbidden(fmt.Sprintf("origin %s is not allowed for this site; add it to the site's origins", origin))
		}
		allowCORS(c, origin)
		if !own && c.Method() == fiber.MethodGet && strings.HasSuffix(c.Path(), "/config") {
			s.noteSighting(cfg.site.ID, origin)
		}
	}
	c.Locals(siteLocal, cfg)
	widgets.SetSite(c, cfg.site)
	return c.Next()
}

func allowCORS(c *fiber.Ctx, origin string) {
	c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
	c.Set(fiber.HeaderAccessControlExposeHeaders, exposedHeaders)
}

// cachedOriginAllowed says whether the public API path's site, as this
// replica last read it, allows origin. It never asks the store: it decides
// headers of refusals (a flood the rate limit turned away must not reach
// the store) and of outages (the store may be what failed).
func (s *Server) cachedOriginAllowed(path, origin string) bool {
	rest, ok := strings.CutPrefix(path, publicPrefix)
	if !ok || origin == "" {
		return false
	}
	key, _, _ := strings.Cut(rest, "/")
	cfg := s.cache.peek(key)
	return cfg != nil && cfg.found() && cfg.origins[origin]
}

// corsOnError gives an error of the public API the CORS headers a success
// would have had, so the widget can read a 404, 413, 422, 429 or 503 and
// its Retry-After. A 403 for a foreign origin gets none.
func (s *Server) corsOnError(c *fiber.Ctx) {
	origin := c.Get(fiber.HeaderOrigin)
	if !strings.HasPrefix(c.Path(), publicPrefix) || len(c.Response().Header.Peek(fiber.HeaderAccessControlAllowOrigin)) > 0 {
		return
	}
	c.Vary(fiber.HeaderOrigin)
	if s.cachedOriginAllowed(c.Path(), origin) {
		allowCORS(c, origin)
	}
}

func publicConfigOf(c *fiber.Ctx) *publicConfig {
	cfg, _ := c.Locals(siteLocal).(*publicConfig)
	return cfg
}

// preflight answers CORS preflight requests of allowed origins. PUT is a
// quiz's answer to one question (PUT …/sessions/{sid}/answers/{step}).
func preflight(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST, PUT, OPTIONS")
	c.Set(fiber.HeaderAccessControlAllowHeaders, "Content-Type")
	c.Set(fiber.HeaderAccessControlMaxAge, "600")
	return c.SendStatus(http.StatusNoContent)
}

// getConfig serves GET /w/v1/{siteKey}/config from the in-process cache.
// Browsers revalidate every time (no-cache) and get a 304 while nothing
// changed, so an owner's edit shows on the next page view.
//
// With ?visitor_id= (the loader's id) a widget that runs an A/B
// experiment is served in the visitor's variant, named in its "variant";
// without one, every widget shows its own settings.
func (s *Server) getConfig(c *fiber.Ctx) error {
	cfg := publicConfigOf(c)
	body, etag := cfg.body, cfg.etag
	if vid := c.Query("visitor_id"); vid != "" {
		if !experiments.ValidVisitorID(vid) {
			return validate.Field("visitor_id", "must be 32 lowercase hex digits, the visitor id the loader keeps")
		}
		// A loader's page view (it always sends the visitor id): one view
		// of each widget, for the analytics funnels.
		s.views.note(cfg.site, cfg.widgetIDs, time.Now())
		if cfg.variants != nil {
			body, etag = cfg.variants.forVisitor(c.UserContext(), cfg.site.ID, vid)
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(http.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}

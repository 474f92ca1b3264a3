package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
)

// Scopes a per-site API key may be granted. The operator's admin token may
// do everything on every site.
var knownScopes = []string{"site:read", "widgets:read", "widgets:write", "leads:read", "events:write", "deliveries:read", "deliveries:write"}

// principal is who made an admin API request.
type principal struct {
	admin bool
	key   store.APIKey // set when !admin
}

const principalKey = "principal"

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// authenticate accepts the operator's token or a site's API key as a bearer
// token. Which one it was is kept for authorize.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="beckon"`)
		return &apiError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "missing bearer token: send Authorization: Bearer <token>"}
	}
	hash := hashSecret(token)
	if subtle.ConstantTimeCompare([]byte(hash), []byte(s.adminHash)) == 1 {
		c.Locals(principalKey, principal{admin: true})
		return c.Next()
	}
	key, err := s.store.APIKeyByHash(c.UserContext(), hash)
	if errors.Is(err, store.ErrNotFound) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="beckon", error="invalid_token"`)
		return &apiError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "unknown or revoked token"}
	}
	if err != nil {
		return err
	}
	c.Locals(principalKey, principal{key: key})
	return c.Next()
}

func who(c *fiber.Ctx) principal {
	p, _ := c.Locals(principalKey).(principal)
	return p
}

// authorize lets the operator through, and a site key only for its own site
// and only with scope. Another site's resources look absent (404), so a key
// cannot even learn which site ids exist.
func authorize(c *fiber.Ctx, siteID, scope string) error {
	p := who(c)
	if p.admin {
		return nil
	}
	if p.key.SiteID != siteID {
		return errNotFound("site")
	}
	if scope == "" || !p.key.HasScope(scope) {
		need := scope
		if need == "" {
			need = "the operator's admin token"
		}
		return errForbidden("this API key lacks the permission: " + need)
	}
	return nil
}

// requireAdmin guards operator-only routes that are not about one site.
func requireAdmin(c *fiber.Ctx) error {
	if !who(c).admin {
		return errForbidden("this API key lacks the permission: the operator's admin token")
	}
	return nil
}

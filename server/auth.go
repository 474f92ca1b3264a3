package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
)

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// authenticate accepts the operator's token or a site's API key as a bearer
// token. Which one it was is kept for authorize.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		who, ok, err := s.sessionCaller(c)
		if err != nil {
			return err
		}
		if ok {
			api.SetCaller(c, who)
			return c.Next()
		}
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || token == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="beckon"`)
		return &api.Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "missing bearer token: send Authorization: Bearer <token>"}
	}
	hash := hashSecret(token)
	if subtle.ConstantTimeCompare([]byte(hash), []byte(s.adminHash)) == 1 {
		api.SetCaller(c, api.Caller{Admin: true})
		return c.Next()
	}
	key, err := s.store.APIKeyByHash(c.UserContext(), hash)
	if errors.Is(err, store.ErrNotFound) {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="beckon", error="invalid_token"`)
		return &api.Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "unknown or revoked token"}
	}
	if err != nil {
		return err
	}
	api.SetCaller(c, api.Caller{Key: key})
	return c.Next()
}

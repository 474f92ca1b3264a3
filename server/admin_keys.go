package server

import (
	"errors"
	"net/http"
	"time"

	"github.com/beckonhq/beckon/api"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

type keyInput struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

// keyView is an API key as the API shows it: never the hash.
type keyView struct {
	ID        string    `json:"id"`
	SiteID    string    `json:"site_id"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
	// Secret is only in the response that created the key.
	Secret string `json:"secret,omitempty"`
}

func viewKey(k store.APIKey) keyView {
	return keyView{ID: k.ID, SiteID: k.SiteID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, CreatedAt: k.CreatedAt}
}

func (s *Server) createKey(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "")
	if err != nil {
		return err
	}
	var in keyInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	k, secret, err := s.newAPIKey(c.UserContext(), site.ID, in.Name, in.Scopes)
	var ve *validate.Error
	if errors.As(err, &ve) {
		return err
	}
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	view := viewKey(k)
	view.Secret = secret
	return c.Status(http.StatusCreated).JSON(view)
}

func (s *Server) listKeys(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "")
	if err != nil {
		return err
	}
	keys, err := s.store.ListAPIKeys(c.UserContext(), site.ID)
	if err != nil {
		return err
	}
	views := make([]keyView, len(keys))
	for i, k := range keys {
		views[i] = viewKey(k)
	}
	return c.JSON(fiber.Map{"keys": views})
}

func (s *Server) revokeKey(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "")
	if err != nil {
		return err
	}
	if err := s.store.RevokeAPIKey(c.UserContext(), site.ID, c.Params("kid")); err != nil {
		return api.NotFoundAs(err, "api key")
	}
	return c.SendStatus(http.StatusNoContent)
}

package dashboard

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// keysData is the API keys page's.
type keysData struct {
	Site   store.Site
	Keys   []store.APIKey
	Scopes []string
	// Form is what the create form shows: after an error, what was sent.
	FormName   string
	FormScopes []string
	Errors     map[string]string
	// New is a key just made, with Secret shown this once.
	New    *store.APIKey
	Secret string
}

// Has reports whether the form has scope ticked.
func (d keysData) Has(scope string) bool { return slices.Contains(d.FormScopes, scope) }

// keysSite is the route's site for the keys pages: owners and the
// operator only (accounts.EditSettings); anyone else gets 404.
func (h *handler) keysSite(c *fiber.Ctx) (store.Site, bool, error) {
	if h.Sites == nil {
		return store.Site{}, false, nil
	}
	return h.site(c, accounts.EditSettings)
}

func (h *handler) keysData(c *fiber.Ctx, site store.Site) (keysData, error) {
	keys, err := h.Store.ListAPIKeys(c.UserContext(), site.ID)
	return keysData{Site: site, Keys: keys, Scopes: api.Scopes}, err
}

func (h *handler) keysPage(c *fiber.Ctx) error {
	site, ok, err := h.keysSite(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	d, err := h.keysData(c, site)
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "keys", "keys_title", d)
}

func (h *handler) createKey(c *fiber.Ctx) error {
	site, ok, err := h.keysSite(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	var scopes []string
	for _, v := range c.Request().PostArgs().PeekMulti("scopes") {
		scopes = append(scopes, string(v))
	}
	name := strings.TrimSpace(c.FormValue("name"))
	k, secret, err := h.Sites.CreateAPIKey(c.UserContext(), site.ID, name, scopes)
	var ve *validate.Error
	if errors.As(err, &ve) {
		d, err := h.keysData(c, site)
		if err != nil {
			return h.fail(c, err)
		}
		d.FormName, d.FormScopes = name, scopes
		field, _, _ := strings.Cut(ve.Field, "[")
		d.Errors = map[string]string{field: h.lang(c).T("key_err_" + field)}
		return h.render(c, http.StatusUnprocessableEntity, "keys", "keys_title", d, "key_not_made")
	}
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.audit(c, site.ID, "api_key.created", k.Prefix+" "+strings.Join(k.Scopes, ","))
	d, err := h.keysData(c, site)
	if err != nil {
		return h.fail(c, err)
	}
	d.New, d.Secret = &k, secret
	return h.render(c, http.StatusOK, "keys", "keys_title", d)
}

// keyOf finds the route's key among the site's.
func (h *handler) keyOf(c *fiber.Ctx, site store.Site) (store.APIKey, bool, error) {
	keys, err := h.Store.ListAPIKeys(c.UserContext(), site.ID)
	i := slices.IndexFunc(keys, func(k store.APIKey) bool { return k.ID == c.Params("kid") })
	if err != nil || i < 0 {
		return store.APIKey{}, false, err
	}
	return keys[i], true, nil
}

// revokeKeyPage asks to confirm, without script: a page with one button.
func (h *handler) revokeKeyPage(c *fiber.Ctx) error {
	site, ok, err := h.keysSite(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	k, ok, err := h.keyOf(c, site)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	return h.render(c, http.StatusOK, "keys_revoke", "key_revoke_title", keysData{Site: site, New: &k})
}

func (h *handler) revokeKey(c *fiber.Ctx) error {
	site, ok, err := h.keysSite(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	k, ok, err := h.keyOf(c, site)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	err = h.Sites.RevokeAPIKey(c.UserContext(), site.ID, k.ID)
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.audit(c, site.ID, "api_key.revoked", k.Prefix)
	h.flash(c, "key_revoked")
	return c.Redirect("/app/sites/"+site.ID+"/keys", http.StatusSeeOther)
}

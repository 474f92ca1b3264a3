package dashboard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/validate"
)

// previewCSP is the preview page's policy: it is framed by the editor
// (frame-ancestors 'self'), and widgets style their shadow roots with
// inline styles, as on the demo page. Images of the owner's own (a pop-up's
// picture, an agent's photo) come from https addresses.
const previewCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
	"img-src 'self' data: https:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'"

// previewData is the page rendered inside the editor's iframe.
type previewData struct {
	Lang    string
	SiteKey string
	Config  template.JS
	// Open is the type to open at once: one that has no button of its own.
	Open string
}

// previewOpens are the types shown only when a trigger fires: the preview
// opens them at once.
var previewOpens = map[string]bool{"popup": true, "proactive": true}

// widgetPreview answers the editor's draft: with Accept: application/json
// (the island's check) 204 when the draft is valid, else the API's 422
// naming the field; otherwise (the form posted into the iframe) the page
// that shows the draft through the real loader and bundles. Nothing is
// stored.
func (h *handler) widgetPreview(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	m, known := h.widgetModule(c.FormValue("type"))
	if !ok || !known {
		return h.notFound(c)
	}
	wid := c.FormValue("wid")
	if wid == "" {
		wid = "preview"
	}
	body, err := h.Widgets.PreviewConfig(c.UserContext(), site, m.Type(), wid, json.RawMessage(c.FormValue("settings")))
	var ve *validate.Error
	if errors.As(err, &ve) {
		return c.Status(http.StatusUnprocessableEntity).JSON(fiber.Map{"error": fiber.Map{"code": "invalid", "message": i18n.Refusal(h.lang(c).Code, ve.Message), "field": ve.Field}})
	}
	if err != nil {
		return h.fail(c, fmt.Errorf("preview %s: %w", m.Type(), err))
	}
	if strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON) {
		return c.SendStatus(http.StatusNoContent)
	}
	t, ok := h.pages.byName["preview"]
	if !ok {
		return fmt.Errorf("dashboard: no preview template")
	}
	// One value a line, like the editor's data (see editorData.Island).
	var indented bytes.Buffer
	if err := json.Indent(&indented, body, "", " "); err != nil {
		return h.fail(c, fmt.Errorf("preview %s: %w", m.Type(), err))
	}
	var buf bytes.Buffer
	d := previewData{Lang: h.lang(c).Code, SiteKey: site.Key, Config: template.JS(indented.String())}
	if previewOpens[m.Type()] {
		d.Open = m.Type()
	}
	if err := t.ExecuteTemplate(&buf, "preview", d); err != nil {
		return h.fail(c, fmt.Errorf("render preview: %w", err))
	}
	c.Set("Content-Security-Policy", previewCSP)
	c.Set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}

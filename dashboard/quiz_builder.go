package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// The quiz builder (/app/sites/{id}/widgets/{wid}/quiz) edits a quiz's
// steps, branches, formulas and result screens without JSON. The page is
// a shell; static/quiz_builder.js draws the editor from the JSON block it
// embeds, tries drafts with the quiz's formula preview and saves through
// the admin API (PATCH …/widgets/{wid}), so the quiz module stays the one
// judge of what a quiz may be.

func (h *handler) mountQuizBuilder(u fiber.Router) {
	u.Get("/sites/:id/widgets/:wid/quiz", h.quizBuilderPage)
}

// quizBuilderData is the page's.
type quizBuilderData struct {
	Site     store.Site
	WidgetID string
	Edit     bool
	Script   string
	// Version is the newest version visitors have answered (0: none yet).
	Version int
	// Island is the island's data: the quiz's parts, the API's addresses
	// and the texts, in the page's language. html/template writes it into
	// the page's application/json block as JSON, escaped for a script.
	Island quizBuilderIsland
}

// quizBuilderIsland is what quiz_builder.js reads.
type quizBuilderIsland struct {
	Steps    json.RawMessage   `json:"steps"`
	Formulas json.RawMessage   `json:"formulas"`
	Results  json.RawMessage   `json:"results"`
	Locale   string            `json:"locale"` // the site's language, the texts' first tab
	Lang     string            `json:"lang"`   // the page's
	Edit     bool              `json:"edit"`
	Widget   string            `json:"widget"`  // the admin API's address of the widget
	ETag     string            `json:"etag"`    // the widget's version the builder edits (If-Match)
	Preview  string            `json:"preview"` // …/quiz/formula-preview
	Version  int               `json:"version"`
	Texts    map[string]string `json:"texts"`
}

func (h *handler) quizBuilderPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	ctx := c.UserContext()
	w, err := h.Store.GetWidget(ctx, site.ID, c.Params("wid"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && w.Type != "quiz") {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	edit, err := h.acc.Can(ctx, user(c), site.ID, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	versions, err := h.Store.ListQuizVersions(ctx, site.ID, w.ID)
	if err != nil {
		return h.fail(c, err)
	}
	var parts struct {
		Steps    json.RawMessage `json:"steps"`
		Formulas json.RawMessage `json:"formulas"`
		Results  json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(w.Settings, &parts); err != nil {
		return h.fail(c, fmt.Errorf("dashboard: quiz %s settings: %w", w.ID, err))
	}
	l := h.lang(c)
	api := "/api/v1/sites/" + site.ID + "/widgets/" + w.ID
	island := quizBuilderIsland{Steps: orEmpty(parts.Steps), Formulas: orEmpty(parts.Formulas), Results: orEmpty(parts.Results),
		Locale: site.Locale, Lang: l.Code, Edit: edit, Widget: api, ETag: w.ETag(), Preview: api + "/quiz/formula-preview", Texts: map[string]string{}}
	if n := len(versions); n > 0 {
		island.Version = versions[n-1].Version
	}
	for k, v := range l.texts {
		if strings.HasPrefix(k, "qb_") {
			island.Texts[k] = v
		}
	}
	d := quizBuilderData{Site: site, WidgetID: w.ID, Edit: edit, Version: island.Version, Island: island,
		Script: staticURL("quiz_builder.js")}
	return h.render(c, http.StatusOK, "quiz_builder", "qb_title", d)
}

// orEmpty is a list the settings left out, as an empty list.
func orEmpty(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("[]")
	}
	return raw
}

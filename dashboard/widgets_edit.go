package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/dashboard/widgetform"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// editorData is the editor page's: the form's schema and the widget's
// settings go to the island (Island, a JSON block); the rest is the page.
type editorData struct {
	Site     store.Site
	Widget   store.Widget
	TypeName string
	IsNew    bool
	CanEdit  bool
	Script   string
	ABScript string
	// Island is editorIsland's JSON, indented: one value a line, so no
	// text of the page looks like a missing text's "[key]".
	Island template.JS
}

// editorIsland is what widget_editor.js draws the form from.
type editorIsland struct {
	SiteID   string `json:"site_id"`
	WidgetID string `json:"widget_id,omitempty"`
	// Version is the widget's ETag as the page read it: a save applies
	// only to it (If-Match), so a change made meanwhile is not undone.
	Version  string            `json:"version,omitempty"`
	Type     string            `json:"type"`
	Enabled  bool              `json:"enabled"`
	CanEdit  bool              `json:"can_edit"`
	Schema   widgetform.Schema `json:"schema"`
	Settings json.RawMessage   `json:"settings"`
	Langs    []string          `json:"langs"`
	Texts    map[string]string `json:"texts"`
	// Experiment is the running A/B test's id, "" when none runs.
	Experiment string `json:"experiment,omitempty"`
}

func (h *handler) newWidgetPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	m, known := h.widgetModule(c.Query("type"))
	if !ok || !known {
		return h.notFound(c)
	}
	w := store.Widget{SiteID: site.ID, Type: m.Type(), Enabled: true, Settings: initialSettings(m, site)}
	return h.editor(c, site, m, w, true, true)
}

func (h *handler) editWidgetPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	w, err := h.Store.GetWidget(c.UserContext(), site.ID, c.Params("wid"))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, fmt.Errorf("get widget: %w", err))
	}
	m, known := h.widgetModule(w.Type)
	if !known {
		return h.notFound(c)
	}
	canEdit, err := h.acc.Can(c.UserContext(), user(c), site.ID, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	return h.editor(c, site, m, w, false, canEdit)
}

func (h *handler) editor(c *fiber.Ctx, site store.Site, m widgets.Module, w store.Widget, isNew, canEdit bool) error {
	l := h.lang(c)
	schema := localSchema(l, widgetform.For(m))
	settings := w.Settings
	if !canEdit {
		// Who may not change the settings does not see the secrets in them.
		settings = withoutSecrets(schema, settings)
	}
	island := editorIsland{SiteID: site.ID, WidgetID: w.ID, Version: w.ETag(), Type: w.Type, Enabled: w.Enabled, CanEdit: canEdit,
		Schema: schema, Settings: settings, Langs: langs, Texts: prefixedTexts(l, "we_js_")}
	if w.Experiment.Running() {
		island.Experiment = w.Experiment.ID
	}
	js, err := json.MarshalIndent(island, "", " ")
	if err != nil {
		return h.fail(c, fmt.Errorf("encode the editor's data: %w", err))
	}
	d := editorData{Site: site, Widget: w, TypeName: l.T("wt_" + w.Type), IsNew: isNew, CanEdit: canEdit,
		Script: staticURL("widget_editor.js"), ABScript: staticURL("widget_ab.js"), Island: template.JS(js)}
	title := "widget_edit_title"
	if isNew {
		title = "widget_new_title"
	}
	return h.render(c, http.StatusOK, "widget_edit", title, d)
}

// initialSettings are a new widget's: the module's defaults when they are
// valid on their own; else its demo (a countdown needs a mode, a quiz its
// questions, a game its prizes), so that it can be saved at once; else the
// defaults for the owner to complete.
func initialSettings(m widgets.Module, site store.Site) json.RawMessage {
	if s, err := widgets.Normalize(m, nil, site); err == nil {
		return s
	}
	if demo, ok := m.(widgets.Demo); ok && !demoNotAStart[m.Type()] {
		if s, err := widgets.Normalize(m, json.RawMessage(demo.DemoSettings()), site); err == nil {
			return s
		}
	}
	s := m.NewSettings()
	if d, ok := s.(widgets.Defaulter); ok {
		d.Defaults(site)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return json.RawMessage("{}")
	}
	return b
}

// demoNotAStart are the types whose demo is no start for a real widget:
// the callback demo's managers are the simulator's numbers.
var demoNotAStart = map[string]bool{"callback": true}

// withoutSecrets removes the secret fields (webhook secrets) from settings.
func withoutSecrets(schema widgetform.Schema, settings json.RawMessage) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(settings, &m) != nil {
		return settings
	}
	schema.Walk(func(f widgetform.Field) {
		if f.Kind != widgetform.KindSecret || strings.Contains(f.Path(), "[]") {
			return
		}
		parts := strings.Split(f.Path(), ".")
		at := m
		for _, p := range parts[:len(parts)-1] {
			next, ok := at[p].(map[string]any)
			if !ok {
				return
			}
			at = next
		}
		delete(at, parts[len(parts)-1])
	})
	b, err := json.Marshal(m)
	if err != nil {
		return settings
	}
	return b
}

// prefixedTexts are the texts whose key starts with prefix, by the rest of
// the key: the words an island shows, rendered into its page.
func prefixedTexts(l Lang, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range l.texts {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			out[rest] = v
		}
	}
	return out
}

// localSchema fills the schema's labels in l.
func localSchema(l Lang, s widgetform.Schema) widgetform.Schema {
	s.Fields = localFields(l, s.Type, s.Fields)
	return s
}

func localFields(l Lang, typ string, fs []widgetform.Field) []widgetform.Field {
	out := make([]widgetform.Field, len(fs))
	for i, f := range fs {
		f.Label = firstText(l, widgetform.LabelKeys(typ, f))
		f.OptionLabels = nil
		for _, o := range f.Options {
			f.OptionLabels = append(f.OptionLabels, firstText(l, widgetform.OptionKeys(f, o)))
		}
		f.Fields = localFields(l, typ, f.Fields)
		out[i] = f
	}
	return out
}

// firstText is the text of the first key l has; the last key's
// placeholder when none is there, which the tests catch.
func firstText(l Lang, keys []string) string {
	for _, k := range keys {
		if t, ok := l.texts[k]; ok {
			return t
		}
	}
	return l.T(keys[len(keys)-1])
}

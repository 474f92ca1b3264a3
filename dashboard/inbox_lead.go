package dashboard

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// Or is the text of key, or fallback when there is none: a callback's
// status or reason that a newer version added shows as stored.
func (l Lang) Or(key, fallback string) string {
	if s, ok := l.texts[key]; ok {
		return s
	}
	return fallback
}

// maxLeadNote bounds a note, in characters (the admin API's bound).
const maxLeadNote = 2000

// leadData is a lead's page.
type leadData struct {
	Site     store.Site
	Lead     store.Lead
	Widget   string
	Callback *store.Callback // the callback request behind the lead, with its timeline
	Statuses []string
	Note     string // the note as typed, kept when refused
}

// inboxLead loads the route's site (the user may work its inbox) and lead;
// ok is false for anything the user may not see.
func (h *handler) inboxLead(c *fiber.Ctx) (store.Site, store.Lead, bool, error) {
	site, ok, err := h.site(c, accounts.WorkInbox)
	if err != nil || !ok {
		return site, store.Lead{}, false, err
	}
	l, err := h.Store.GetLead(c.UserContext(), site.ID, c.Params("lid"))
	if errors.Is(err, store.ErrNotFound) {
		return site, l, false, nil
	}
	if err != nil {
		return site, l, false, err
	}
	v, err := h.viewer(c, site)
	if err != nil {
		return site, l, false, err
	}
	ok, err = v.sees(c.UserContext(), l)
	return site, l, ok, err
}

func (h *handler) leadData(c *fiber.Ctx, site store.Site, l store.Lead) (leadData, error) {
	d := leadData{Site: site, Lead: l, Statuses: leadStatuses, Note: l.Note}
	ctx := c.UserContext()
	if w, err := h.Store.GetWidget(ctx, site.ID, l.WidgetID); err == nil {
		d.Widget = widgetLabel(w)
	} else if !errors.Is(err, store.ErrNotFound) {
		return d, err
	}
	if l.CallbackID != "" {
		cb, err := h.Store.GetCallback(ctx, site.ID, l.CallbackID)
		switch {
		case err == nil:
			d.Callback = &cb
		case !errors.Is(err, store.ErrNotFound):
			return d, err
		}
	}
	return d, nil
}

func (h *handler) leadPage(c *fiber.Ctx) error {
	site, l, ok, err := h.inboxLead(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	d, err := h.leadData(c, site, l)
	if err != nil {
		return h.fail(c, err)
	}
	return h.render(c, http.StatusOK, "lead", "lead_title", d)
}

// leadStatus is POST …/inbox/{lid}/status: a new status, then back to
// the lead's page.
func (h *handler) leadStatus(c *fiber.Ctx) error {
	site, l, ok, err := h.inboxLead(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	status := c.FormValue("status")
	if !slices.Contains(leadStatuses, status) {
		return h.leadRefused(c, site, l, "lead_bad_status", l.Note)
	}
	return h.updateLead(c, site, l, "lead_status_saved", func(x *store.Lead) { x.Status = status })
}

// leadNote is POST …/inbox/{lid}/note: the note replaced (empty clears it).
func (h *handler) leadNote(c *fiber.Ctx) error {
	site, l, ok, err := h.inboxLead(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	note := strings.TrimSpace(strings.ReplaceAll(c.FormValue("note"), "\r\n", "\n"))
	if utf8.RuneCountInString(note) > maxLeadNote || !utf8.ValidString(note) {
		return h.leadRefused(c, site, l, "lead_note_too_long", note)
	}
	return h.updateLead(c, site, l, "lead_note_saved", func(x *store.Lead) { x.Note = note })
}

func (h *handler) updateLead(c *fiber.Ctx, site store.Site, l store.Lead, flash string, change func(*store.Lead)) error {
	now := h.Now().UTC()
	_, err := h.Store.UpdateLead(c.UserContext(), site.ID, l.ID, func(x *store.Lead) error {
		change(x)
		x.UpdatedAt = now
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c) // erased meanwhile
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.flash(c, flash)
	return c.Redirect("/app/sites/"+site.ID+"/inbox/"+l.ID, http.StatusSeeOther)
}

// leadRefused shows the lead's page again with what was wrong; nothing
// was changed.
func (h *handler) leadRefused(c *fiber.Ctx, site store.Site, l store.Lead, key, note string) error {
	d, err := h.leadData(c, site, l)
	if err != nil {
		return h.fail(c, err)
	}
	d.Note = note
	return h.render(c, http.StatusUnprocessableEntity, "lead", "lead_title", d, key)
}

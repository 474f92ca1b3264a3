package dashboard

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
)

// auditReader turns audit entries into sentences in the reader's
// language, looking up each person and the site's widgets once a page.
type auditReader struct {
	h       *handler
	c       *fiber.Ctx
	l       Lang
	site    store.Site
	emails  map[string]string
	widgets map[string]string // id → label; nil until first needed
}

func (h *handler) auditReader(c *fiber.Ctx, site store.Site) *auditReader {
	return &auditReader{h: h, c: c, l: h.lang(c), site: site, emails: map[string]string{}}
}

func (r *auditReader) row(e store.AuditEntry) auditRow {
	row := auditRow{At: e.At, Who: r.person(e.UserID), IP: e.IP}
	if e.Action == "api_change" {
		r.apiChange(e, &row)
		return row
	}
	l := r.l
	key := "au_act_" + strings.ReplaceAll(e.Action, ".", "_")
	if _, ok := l.texts[key]; !ok {
		row.What = e.Action
		if e.Detail != "" {
			row.What += ": " + e.Detail
		}
		return row
	}
	switch e.Action {
	case "invited":
		email, role, _ := strings.Cut(e.Detail, " as ")
		row.What = l.F(key, "email", email, "role", l.RoleName(role))
	case "invite_accepted":
		role, _, _ := strings.Cut(e.Detail, " ")
		row.What = l.F(key, "role", l.RoleName(role))
	case "role_changed":
		uid, role, _ := strings.Cut(e.Detail, "=")
		row.What = l.F(key, "person", r.person(uid), "role", l.RoleName(role))
	case "member_removed":
		row.What = l.F(key, "person", r.person(e.Detail))
	case "sign_in":
		method := e.Detail
		if _, ok := l.texts["au_method_"+method]; ok {
			method = l.T("au_method_" + method)
		}
		row.What = l.F(key, "detail", method)
	default: // the detail, if any, is a method or a key's prefix: shown as it is
		row.What = l.F(key, "detail", e.Detail)
	}
	return row
}

// apiChange reads "METHOD /api/v1/sites/{id}/… · who", as server/audit.go
// writes it.
func (r *auditReader) apiChange(e store.AuditEntry, row *auditRow) {
	l := r.l
	req, who, _ := strings.Cut(e.Detail, " · ")
	row.Request = req
	if e.UserID == "" {
		switch {
		case who == "admin token":
			row.Who = l.T("au_who_admin")
		case strings.HasPrefix(who, "API key "):
			row.Who = l.F("au_who_key", "key", strings.TrimPrefix(who, "API key "))
		default:
			row.Who = who
		}
	}
	method, path, _ := strings.Cut(req, " ")
	rest := strings.TrimPrefix(path, "/api/v1/sites/"+r.site.ID)
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	verb := "au_verb_change"
	switch {
	case method == "DELETE" && len(parts) == 2: // an item of a collection
		verb = "au_verb_delete"
	case method == "POST" && len(parts) == 1 && parts[0] != "": // a collection
		verb = "au_verb_create"
	}
	var object string
	switch parts[0] {
	case "":
		object = l.T("au_obj_site")
	case "widgets":
		object = l.T("au_obj_widgets")
		if len(parts) > 1 {
			object = l.F("au_obj_widget", "name", r.widget(parts[1]))
		}
	case "channels":
		if len(parts) == 3 && parts[2] == "test" {
			row.What = l.F("au_channel_test", "channel", l.T("nt_ch_"+parts[1]))
			return
		}
		object = l.T("au_obj_channels")
	case "deliveries":
		row.What = l.T("au_replay")
		return
	case "keys":
		object = l.T("au_obj_keys")
	case "leads":
		object = l.T("au_obj_leads")
	case "reviews":
		object = l.T("au_obj_reviews")
	default:
		object = rest
	}
	row.What = l.F("au_api", "verb", l.T(verb), "object", object)
}

// person is a user's e-mail, or their id when they are gone.
func (r *auditReader) person(id string) string {
	if id == "" {
		return ""
	}
	if e, ok := r.emails[id]; ok {
		return e
	}
	e := id
	if u, err := r.h.Store.GetUser(r.c.UserContext(), id); err == nil {
		e = u.Email
	}
	r.emails[id] = e
	return e
}

// widget is a widget's label, or its id when it is gone.
func (r *auditReader) widget(id string) string {
	if r.widgets == nil {
		r.widgets = map[string]string{}
		if ws, err := r.h.Store.ListWidgets(r.c.UserContext(), r.site.ID); err == nil {
			for _, w := range ws {
				r.widgets[w.ID] = widgetLabel(w)
			}
		}
	}
	if name, ok := r.widgets[id]; ok {
		return name
	}
	return id
}

package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/store"
)

// A manager works the inbox but sees only their own callbacks: the ones
// they took, and, on the callback widgets that list them (by their
// account's e-mail, managers[].email), the ones nobody has taken yet, so
// the team sees a missed call to return. Other leads (quizzes, pop-ups,
// replies) are the whole team's. Owners and the operator see everything.

// leadViewer decides which of a site's leads a manager sees; nil sees all.
type leadViewer struct {
	st    store.Store
	email string
	// listed are the callback widgets whose managers include the person.
	listed map[string]bool
}

// viewer is the reader's leadViewer on site: nil unless they are the
// site's manager.
func (h *handler) viewer(c *fiber.Ctx, site store.Site) (*leadViewer, error) {
	u := user(c)
	m, err := h.Store.GetMembership(c.UserContext(), site.ID, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // the operator, who may see the site without being a member
	}
	if err != nil {
		return nil, fmt.Errorf("dashboard: membership: %w", err)
	}
	if m.Role != store.RoleManager {
		return nil, nil
	}
	ws, err := h.Store.ListWidgets(c.UserContext(), site.ID)
	if err != nil {
		return nil, fmt.Errorf("dashboard: widgets: %w", err)
	}
	v := &leadViewer{st: h.Store, email: u.Email, listed: map[string]bool{}}
	for _, w := range ws {
		if w.Type != "callback" {
			continue
		}
		var s callback.Settings
		if json.Unmarshal(w.Settings, &s) != nil {
			continue
		}
		for _, m := range s.Managers {
			if m.Email != "" && m.Email == u.Email {
				v.listed[w.ID] = true
			}
		}
	}
	return v, nil
}

// sees reports whether the reader may see lead l.
func (v *leadViewer) sees(ctx context.Context, l store.Lead) (bool, error) {
	if v == nil || l.CallbackID == "" {
		return true, nil
	}
	cb, err := v.st.GetCallback(ctx, l.SiteID, l.CallbackID)
	if errors.Is(err, store.ErrNotFound) {
		return v.listed[l.WidgetID], nil
	}
	if err != nil {
		return false, fmt.Errorf("dashboard: callback of lead %s: %w", l.ID, err)
	}
	switch {
	case cb.ManagerEmail != "":
		return cb.ManagerEmail == v.email, nil
	case cb.Manager != "":
		return false, nil // taken by a manager with no account
	}
	return v.listed[l.WidgetID], nil
}

// visibleLeads is the store as a manager's export reads it: ListLeads
// gives only the leads v sees, each page as full as the caller asked, so
// the export's paging goes on as it does over all leads.
type visibleLeads struct {
	store.Store
	v *leadViewer
}

func (s visibleLeads) ListLeads(ctx context.Context, siteID string, f store.LeadFilter) ([]store.Lead, error) {
	var out []store.Lead
	for {
		batch, err := s.Store.ListLeads(ctx, siteID, f)
		if err != nil {
			return nil, err
		}
		for _, l := range batch {
			ok, err := s.v.sees(ctx, l)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, l)
				if len(out) == f.Limit {
					return out, nil
				}
			}
		}
		if f.Limit <= 0 || len(batch) < f.Limit {
			return out, nil
		}
		last := batch[len(batch)-1]
		f.After = store.LeadCursor{CreatedAt: last.CreatedAt, ID: last.ID}
	}
}

package leads

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// maxNote bounds an owner's note on a lead, in characters.
const maxNote = 2000

// leadPatch is the body of PATCH …/leads/{lid}; a field left out is kept.
type leadPatch struct {
	Status *string `json:"status"`
	Note   *string `json:"note"`
}

func (p leadPatch) check() error {
	if p.Status == nil && p.Note == nil {
		return validate.Field("", "nothing to change: give status, note or both")
	}
	if p.Status != nil {
		if err := validate.OneOf("status", *p.Status, statuses...); err != nil {
			return err
		}
	}
	if p.Note != nil {
		if err := validate.Text("note", *p.Note, false, maxNote); err != nil {
			return err
		}
	}
	return nil
}

// update is PATCH /api/v1/sites/{id}/leads/{lid} {"status","note"}: the
// owner works the lead. Bad input changes nothing.
func (ib *Inbox) update(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, ib.d.Store, ScopeWrite)
	if err != nil {
		return err
	}
	var p leadPatch
	if err := api.DecodeBody(c, &p); err != nil {
		return err
	}
	if err := p.check(); err != nil {
		return err
	}
	now := time.Now().UTC()
	l, err := ib.d.Store.UpdateLead(c.UserContext(), site.ID, c.Params("lid"), func(l *store.Lead) error {
		if p.Status != nil {
			l.Status = *p.Status
		}
		if p.Note != nil {
			l.Note = *p.Note
		}
		l.UpdatedAt = now
		return nil
	})
	if err != nil {
		return api.NotFoundAs(err, "lead")
	}
	return c.JSON(l)
}

// delete is DELETE /api/v1/sites/{id}/leads/{lid}: the lead is removed
// with the visitor's personal data that its widget kept beside it (see
// forget).
func (ib *Inbox) delete(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, ib.d.Store, ScopeWrite)
	if err != nil {
		return err
	}
	l, err := ib.d.Store.GetLead(c.UserContext(), site.ID, c.Params("lid"))
	if err != nil {
		return api.NotFoundAs(err, "lead")
	}
	if _, err := ib.forget(c.UserContext(), l); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// forget removes lead l and the copies of its visitor's personal data
// kept beside it: a callback request loses the phone number, name, IP
// address, page, referrer, UTM tags and the consent's IP, and no longer
// absorbs a new request for that number (store.Callback.Redact and
// RedactCallback), a quiz session its contacts and IP address. The copies go first, so a failure
// half way leaves the lead in place to find them by when the owner tries
// again. It reports whether a callback request was redacted.
func (ib *Inbox) forget(ctx context.Context, l store.Lead) (redacted bool, err error) {
	if l.CallbackID != "" {
		_, err := ib.d.Store.RedactCallback(ctx, l.SiteID, l.CallbackID)
		switch {
		case err == nil:
			redacted = true
		case !errors.Is(err, store.ErrNotFound):
			return false, fmt.Errorf("leads: redact callback request %s: %w", l.CallbackID, err)
		}
	}
	if l.SessionID != "" {
		_, err := ib.d.Store.UpdateQuizSession(ctx, l.SiteID, l.SessionID, func(s *store.QuizSession) error {
			s.Contact, s.IP = nil, ""
			return nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return false, fmt.Errorf("leads: forget quiz session %s: %w", l.SessionID, err)
		}
	}
	if err := ib.d.Store.DeleteLead(ctx, l.SiteID, l.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("leads: delete lead %s: %w", l.ID, err)
	}
	return redacted, nil
}

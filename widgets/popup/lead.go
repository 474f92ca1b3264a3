package popup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// leadInput is the form as the widget sends it.
type leadInput struct {
	VisitorID string `json:"visitor_id"`
	// SubmissionID is made by the widget once per filled-in form and sent
	// again on a retry, so a retry is the same lead.
	SubmissionID  string `json:"submission_id"`
	Name          string `json:"name"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
	Consent       bool   `json:"consent"`
	ConsentTextID string `json:"consent_text_id"`
	Lang          string `json:"lang"`
	PageURL       string `json:"page_url"`
	Website       string `json:"website"` // the honeypot: people never see it, bots fill it
}

const maxID = 64

// postLead is POST /w/v1/{siteKey}/popups/{wid}/leads: the form's lead,
// stored before the 201; a retry with the same submission_id gets the
// same lead.
func (m *Module) postLead(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return api.NotFound("pop-up widget")
	}
	var in leadInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	ctx, ip, now := c.UserContext(), m.deps.ClientIP(c), m.deps.Now().UTC()
	// The form checked is the one the visitor was shown: their A/B
	// variant's, when the pop-up runs an experiment.
	form := m.deps.SettingsFor(ctx, site, w, in.VisitorID).(*Settings).Form
	if form == nil {
		return api.NotFound("form of this pop-up")
	}
	if err := checkIDs(in); err != nil {
		return m.refused(ctx, site.ID, ip, err)
	}
	id := leadID(w.ID, in.VisitorID, in.SubmissionID)
	if in.Website != "" {
		// A bot filled the field people never see: it is told what a
		// person would be told, and nothing is stored or sent.
		leadsRefused.WithLabelValues("honeypot").Inc()
		return created(c, id)
	}
	switch l, err := m.deps.Store.GetLead(ctx, site.ID, id); {
	case err == nil:
		// A retry of a lead that went through: its notice is published
		// again, which adds nothing once stored and delivers it if the
		// first attempt failed after the lead.
		if err := m.announce(ctx, l); err != nil {
			return err
		}
		return created(c, id)
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("popup: read lead %s: %w", id, err)
	}
	contact, err := contactsOf(in, form, site.Region)
	if err == nil {
		err = checkConsent(in, form)
	}
	if err == nil && in.Lang != "" {
		err = validate.OneOf("lang", in.Lang, i18n.Langs...)
	}
	if err != nil {
		return m.refused(ctx, site.ID, ip, err)
	}
	if err := m.leadAllowed(ctx, site.ID, ip, in.VisitorID); err != nil {
		// A twin of this request (a retry sent while the first was still
		// on its way) may have stored the lead meanwhile: that is the answer.
		if _, gerr := m.deps.Store.GetLead(ctx, site.ID, id); gerr == nil {
			return created(c, id)
		}
		return err
	}
	l := store.Lead{ID: id, SiteID: site.ID, WidgetID: w.ID, Type: widgetType, Status: store.LeadNew,
		VisitorID: in.VisitorID, Contact: contact, Lang: in.Lang, PageURL: pageURL(in.PageURL),
		IP: ip, CreatedAt: now, UpdatedAt: now}
	if form.Consent.Required {
		l.Consent = form.Consent.Record(in.ConsentTextID, ip, now)
	}
	stored, isNew, err := m.deps.Store.CreateLead(ctx, l)
	if err != nil {
		return fmt.Errorf("popup: store lead %s: %w", id, err)
	}
	if isNew {
		leadsStored.Inc()
	}
	m.deps.Converted(ctx, site, w.ID, in.VisitorID) // an A/B experiment counts the lead
	if err := m.announce(ctx, stored); err != nil {
		return err
	}
	return created(c, id)
}

func created(c *fiber.Ctx, id string) error {
	return c.Status(http.StatusCreated).JSON(fiber.Map{"lead_id": id})
}

func checkIDs(in leadInput) error {
	if err := validate.Line("visitor_id", in.VisitorID, true, maxID); err != nil {
		return err
	}
	return validate.Line("submission_id", in.SubmissionID, true, maxID)
}

func checkConsent(in leadInput, f *Form) error {
	if !f.Consent.Required {
		return nil
	}
	if !in.Consent {
		return validate.Field("consent", "must be given: the visitor ticks the box to consent to the processing of their personal data")
	}
	return validate.Line("consent_text_id", in.ConsentTextID, false, maxID)
}

// leadID is the lead's id from what the visitor's browser made: the same
// submission of the same visitor is the same lead, another visitor's
// submission id never reaches it.
func leadID(widgetID, visitorID, submissionID string) string {
	sum := sha256.Sum256([]byte(widgetID + "\x00" + visitorID + "\x00" + submissionID))
	return "ld_pp" + hex.EncodeToString(sum[:12])
}

// pageURL keeps the page the form was sent from when it is an http(s)
// URL of reasonable length; anything else is dropped, not refused: a lead
// is never lost over the page it came from.
func pageURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || len(raw) > 2048 {
		return ""
	}
	return raw
}

// announce tells the owner's channels and the other widgets about a lead;
// both are idempotent by the lead's id.
func (m *Module) announce(ctx context.Context, l store.Lead) error {
	if m.deps.Notifier != nil {
		if err := m.deps.Notifier.Publish(ctx, notify.Event{Type: notify.EventLeadSubmitted, SiteID: l.SiteID,
			WidgetID: l.WidgetID, Key: l.ID, At: l.UpdatedAt, Lead: &l}); err != nil {
			return fmt.Errorf("popup: publish lead %s: %w", l.ID, err)
		}
	}
	if m.deps.Activities != nil {
		m.deps.Activities.Tell(ctx, widgets.Activity{SiteID: l.SiteID, Kind: widgets.ActivityLeadSubmitted, ID: l.ID, At: l.CreatedAt})
	}
	return nil
}

package quiz

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// leadInput is the contact form as the widget sends it.
type leadInput struct {
	VisitorID     string `json:"visitor_id"`
	Name          string `json:"name"`
	Phone         string `json:"phone"`
	Email         string `json:"email"`
	Messenger     string `json:"messenger"`
	Consent       bool   `json:"consent"`
	ConsentTextID string `json:"consent_text_id"`
	Lang          string `json:"lang"`
	Website       string `json:"website"` // the honeypot: people never see it, bots fill it
}

// postLead is POST /w/v1/{siteKey}/quizzes/{wid}/sessions/{sid}/lead: the
// visitor's contacts. The lead is stored before the 201; a retry gets the
// same lead.
func (m *Module) postLead(c *fiber.Ctx) error {
	site, w, err := quizOf(c)
	if err != nil {
		return err
	}
	var in leadInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	s, ver, err := m.visitorsSession(c, site, w, in.VisitorID)
	if err != nil {
		return err
	}
	ctx, ip, now := c.UserContext(), m.deps.ClientIP(c), m.deps.Now().UTC()
	lang := in.Lang
	if lang == "" {
		lang = s.Lang
	}
	res, summary, err := m.evaluate(ver, site.ID, onPath(&s), lang)
	if err != nil {
		return err
	}
	complete := s.Current == "" && ver.def.Complete(onPath(&s), s.Path)
	if in.Website != "" {
		// The honeypot: a bot filled the field people never see. It is told
		// what a person would be told, and nothing is stored or sent.
		honeypotHits.Inc()
		if !complete && !ver.def.Settings().PartialLeads {
			return errUnfinished
		}
		return leadCreated(c, leadID(s.ID), complete, res)
	}
	if s.Done {
		// A retry of a submission that went through: the same lead. Its
		// notice is published again, which adds nothing once it is stored,
		// and delivers it if the first attempt failed after the lead.
		l, err := m.deps.Store.GetLead(ctx, site.ID, s.LeadID)
		switch {
		case err == nil:
			if err := m.announce(ctx, l, now); err != nil {
				return err
			}
			return leadCreated(c, l.ID, true, res)
		case errors.Is(err, store.ErrNotFound) && s.Contact == nil:
			// The owner has deleted it (a visitor's data erased on
			// request, which forgets the session's contacts too): the
			// retry is answered, nothing comes back.
			return leadCreated(c, s.LeadID, true, res)
		case errors.Is(err, store.ErrNotFound):
			// The lead's write failed while the session's went through
			// (saveLead makes them at once): this retry stores it.
		default:
			return fmt.Errorf("quiz: read lead %s: %w", s.LeadID, err)
		}
	}
	contact, consent, err := checkContacts(in, ver.def, site.Site, ip, now)
	if err != nil {
		return m.refusedLead(ctx, site.ID, ip, err)
	}
	if !complete && !ver.def.Settings().PartialLeads {
		return errUnfinished
	}
	if s.LeadID == "" {
		// Only a new lead counts against the limits: a retry or the
		// completion of a partial lead is the same lead.
		if err := m.leadAllowed(ctx, site.ID, ip, s.VisitorID); err != nil {
			return err
		}
	}
	l := store.Lead{ID: leadID(s.ID), SiteID: site.ID, WidgetID: w.ID, Type: widgetType, Status: store.LeadNew,
		Partial: !complete, VisitorID: s.VisitorID, Contact: contact, Answers: ver.def.Describe(onPath(&s), s.Path, lang),
		QuizVersion: s.Version, SessionID: s.ID, Lang: lang, PageURL: s.PageURL, Referrer: s.Referrer,
		UTM: s.UTM, Hidden: s.Hidden, Source: s.Source, IP: ip, Consent: consent, CreatedAt: now, UpdatedAt: now}
	if complete {
		l.Result, l.Summary = &res, summary
	}
	if err := m.saveLead(ctx, site, &s, l, now); err != nil {
		return err
	}
	return leadCreated(c, l.ID, complete, res)
}

func leadCreated(c *fiber.Ctx, id string, complete bool, res store.LeadResult) error {
	out := fiber.Map{"lead_id": id, "partial": !complete, "result": nil}
	if complete {
		out["result"] = resultOf(res)
	}
	return c.Status(http.StatusCreated).JSON(out)
}

// saveLead stores l (new, or completing the session's partial lead) and
// marks the session, both at once: the two writes share the store's
// commit instead of waiting one after the other. If only the session's
// write goes through, it points to a lead that a retry of the form stores
// (postLead); if only the lead's, a retry finds it (CreateLead returns it).
// The owner is told once both are stored.
func (m *Module) saveLead(ctx context.Context, site *widgets.Site, s *store.QuizSession, l store.Lead, now time.Time) error {
	var (
		stored           store.Lead
		created          bool
		completed        bool
		leadErr, sessErr error
		updated          store.QuizSession
		wg               sync.WaitGroup
	)
	wg.Go(func() { stored, created, completed, leadErr = m.storeLead(ctx, site, l, now) })
	wg.Go(func() {
		updated, sessErr = m.deps.Store.UpdateQuizSession(ctx, site.ID, s.ID, func(x *store.QuizSession) error {
			x.LeadID, x.Contact, x.UpdatedAt = l.ID, &l.Contact, now
			x.Done = x.Done || !l.Partial
			return nil
		})
	})
	wg.Wait()
	if leadErr != nil {
		return leadErr
	}
	if sessErr != nil {
		return fmt.Errorf("quiz: mark session %s: %w", s.ID, sessErr)
	}
	*s = updated
	m.recent.put(updated)
	switch {
	case created && l.Partial:
		leadsStored.WithLabelValues("partial").Inc()
		m.tallies.lead(site, *s, true, now)
		return m.publish(ctx, notify.EventLeadStarted, l)
	case completed:
		leadsStored.WithLabelValues("complete").Inc()
		m.deps.Converted(ctx, site, l.WidgetID, l.VisitorID) // an A/B experiment counts the lead
		m.tallies.lead(site, *s, false, now)
	}
	if l.Partial {
		return nil
	}
	return m.announce(ctx, stored, now)
}

// storeLead stores l, or completes the partial lead stored under its id;
// completed says whether l became a complete lead now (not before).
func (m *Module) storeLead(ctx context.Context, site *widgets.Site, l store.Lead, now time.Time) (stored store.Lead, created, completed bool, err error) {
	stored, created, err = m.deps.Store.CreateLead(ctx, l)
	if err != nil {
		return stored, false, false, fmt.Errorf("quiz: store lead %s: %w", l.ID, err)
	}
	completed = created && !l.Partial
	if !created && stored.Partial && !l.Partial {
		if stored, err = m.deps.Store.UpdateLead(ctx, site.ID, l.ID, func(x *store.Lead) error {
			completed = x.Partial
			x.Partial, x.Contact, x.Answers, x.Result, x.Summary = false, l.Contact, l.Answers, l.Result, l.Summary
			x.Lang, x.IP, x.Consent, x.UpdatedAt = l.Lang, l.IP, l.Consent, now
			return nil
		}); err != nil {
			return stored, false, false, fmt.Errorf("quiz: complete lead %s: %w", l.ID, err)
		}
	}
	return stored, created, completed, nil
}

// questionsDone is called when an answer ends the questions: a
// completion for analytics when the last step was answered for the first
// time in the session (answering it again after going back is the same
// completion), and a partial lead becomes complete.
func (m *Module) questionsDone(ctx context.Context, site *widgets.Site, ver *version, s store.QuizSession, first bool, now time.Time) error {
	if first {
		m.tallies.completed(site, s, now)
	}
	if s.LeadID == "" || s.Done || !ver.def.Complete(onPath(&s), s.Path) {
		return nil
	}
	l, err := m.deps.Store.GetLead(ctx, site.ID, s.LeadID)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted by the owner, or its write failed (the visitor was
		// told, and a retry of the form stores it): nothing to complete.
		return nil
	}
	if err != nil {
		return fmt.Errorf("quiz: read partial lead %s: %w", s.LeadID, err)
	}
	res, summary, err := m.evaluate(ver, site.ID, onPath(&s), l.Lang)
	if err != nil {
		return err
	}
	l.Partial, l.Result, l.Summary = false, &res, summary
	l.Answers = ver.def.Describe(onPath(&s), s.Path, l.Lang)
	return m.saveLead(ctx, site, &s, l, now)
}

// announce tells the owner's channels and the other widgets about a
// complete lead; both are idempotent by the lead's id.
// evaluate is Evaluate for a visitor's request: a formula that gives no
// number for these answers is the owner's mistake, logged, and the visitor
// goes on with the rest of the result (see environment).
func (m *Module) evaluate(ver *version, siteID string, a Answers, lang string) (store.LeadResult, string, error) {
	res, summary, err := ver.def.Evaluate(a, lang)
	if errors.Is(err, ErrFormula) {
		m.deps.Log.Warn("quiz formula gave no number for a visitor's answers; its value is left out",
			slog.String("site_id", siteID), slog.Int("version", ver.n), slog.Any("err", err))
		err = nil
	}
	return res, summary, err
}

func (m *Module) announce(ctx context.Context, l store.Lead, now time.Time) error {
	if err := m.publish(ctx, notify.EventLeadSubmitted, l); err != nil {
		return err
	}
	if m.deps.Activities != nil {
		m.deps.Activities.Tell(ctx, widgets.Activity{SiteID: l.SiteID, Kind: widgets.ActivityLeadSubmitted, ID: l.ID, At: now})
	}
	return nil
}

func (m *Module) publish(ctx context.Context, typ string, l store.Lead) error {
	if m.deps.Notifier == nil {
		return nil
	}
	err := m.deps.Notifier.Publish(ctx, notify.Event{Type: typ, SiteID: l.SiteID, WidgetID: l.WidgetID, Key: l.ID,
		At: l.UpdatedAt, Lead: &l})
	if err != nil {
		return fmt.Errorf("quiz: publish %s of lead %s: %w", typ, l.ID, err)
	}
	return nil
}

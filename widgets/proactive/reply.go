package proactive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/contact"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// replyInput is a visitor's reply as the bubble sends it.
type replyInput struct {
	VisitorID string `json:"visitor_id"`
	// SubmissionID is made by the bubble once per reply and sent again on
	// a retry, so a retry is the same lead.
	SubmissionID  string            `json:"submission_id"`
	Text          string            `json:"text"`
	Contact       contactInput      `json:"contact"`
	Consent       bool              `json:"consent"`
	ConsentTextID string            `json:"consent_text_id"`
	Lang          string            `json:"lang"`
	PageURL       string            `json:"page_url"`
	Referrer      string            `json:"referrer"`
	UTM           map[string]string `json:"utm"`
	Website       string            `json:"website"` // the honeypot: people never see it, bots fill it
}

type contactInput struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// Bounds of a reply, in characters.
const (
	maxID      = 64
	maxReply   = 1000
	maxSummary = 200
	maxUTM     = 200
)

// utmKeys are the tags a lead keeps; others are dropped.
var utmKeys = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}

// postReply is POST /w/v1/{siteKey}/widgets/{wid}/replies: the visitor's
// reply, stored as a lead of type proactive before the 201; a retry with
// the same submission_id gets the same lead.
func (m *Module) postReply(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return api.NotFound("proactive message widget")
	}
	var in replyInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	ctx, ip, now := c.UserContext(), m.deps.ClientIP(c), m.deps.Now().UTC()
	// The message the lead records is the one the visitor was shown:
	// their A/B variant's, when the widget runs an experiment.
	s := m.deps.SettingsFor(ctx, site, w, in.VisitorID).(*Settings)
	if !s.Reply {
		return api.NotFound("reply field of this proactive message")
	}
	if err := checkIDs(in); err != nil {
		return m.refused(ctx, site.ID, ip, err)
	}
	id := leadID(w.ID, in.VisitorID, in.SubmissionID)
	if in.Website != "" {
		// A bot filled the field people never see: it is told what a
		// person would be told, and nothing is stored or sent.
		repliesRefused.WithLabelValues("honeypot").Inc()
		return created(c, id)
	}
	switch l, err := m.deps.Store.GetLead(ctx, site.ID, id); {
	case err == nil:
		// A retry of a reply that went through: its notice is published
		// again, which adds nothing once stored and delivers it if the
		// first attempt failed after the lead.
		if err := m.announce(ctx, l); err != nil {
			return err
		}
		return created(c, id)
	case !errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("proactive: read lead %s: %w", id, err)
	}
	l, err := m.leadOf(in, s, site, w.ID)
	if err != nil {
		return m.refused(ctx, site.ID, ip, err)
	}
	if err := m.replyAllowed(ctx, site.ID, ip, in.VisitorID); err != nil {
		// A twin of this request (a retry sent while the first was still
		// on its way) may have stored the lead meanwhile: that is the answer.
		if _, gerr := m.deps.Store.GetLead(ctx, site.ID, id); gerr == nil {
			return created(c, id)
		}
		return err
	}
	l.ID, l.IP, l.CreatedAt, l.UpdatedAt = id, ip, now, now
	if s.Consent.Required {
		l.Consent = s.Consent.Record(in.ConsentTextID, ip, now)
	}
	stored, isNew, err := m.deps.Store.CreateLead(ctx, l)
	if err != nil {
		return fmt.Errorf("proactive: store lead %s: %w", id, err)
	}
	if isNew {
		repliesStored.Inc()
		m.deps.Converted(ctx, site, w.ID, in.VisitorID)
	}
	if err := m.announce(ctx, stored); err != nil {
		return err
	}
	return created(c, id)
}

// leadOf checks the reply against the widget's settings and builds its
// lead (without id, address and times); errors name the field.
func (m *Module) leadOf(in replyInput, s *Settings, site *widgets.Site, widgetID string) (store.Lead, error) {
	text := strings.TrimSpace(in.Text)
	if err := validate.Text("text", text, true, maxReply); err != nil {
		return store.Lead{}, err
	}
	reach, err := contact.Check(contact.Input{Name: in.Contact.Name, Phone: in.Contact.Phone, Email: in.Contact.Email},
		askedFields(s.AskContact), site.Region)
	if err != nil {
		return store.Lead{}, validate.Prefix("contact", err)
	}
	if s.Consent.Required {
		if !in.Consent {
			return store.Lead{}, validate.Field("consent", "must be given: the visitor ticks the box to consent to the processing of their personal data")
		}
		if err := validate.Line("consent_text_id", in.ConsentTextID, false, maxID); err != nil {
			return store.Lead{}, err
		}
	}
	lang := in.Lang
	if lang != "" {
		if err := validate.OneOf("lang", lang, i18n.Langs...); err != nil {
			return store.Lead{}, err
		}
	} else {
		lang = i18n.Lang(site.Locale)
	}
	utm, err := checkUTM(in.UTM)
	if err != nil {
		return store.Lead{}, err
	}
	value, _ := json.Marshal(text)
	page, referrer := pageURL(in.PageURL), pageURL(in.Referrer)
	return store.Lead{SiteID: site.ID, WidgetID: widgetID, Type: widgetType, Status: store.LeadNew,
		VisitorID: in.VisitorID, Contact: reach, Lang: lang, PageURL: page, Referrer: referrer, UTM: utm,
		Source: source(utm, referrer, page), Summary: summaryOf(text),
		// The message the visitor answered, as they saw it, and the reply.
		Answers: []store.LeadAnswer{{Step: "reply", Title: s.Text.In(lang, site.Locale), Value: value, Text: text}},
	}, nil
}

// askedFields are the contact fields the reply form asks for.
func askedFields(ask string) []contact.Field {
	name := contact.Field{Name: "name"}
	switch ask {
	case "phone":
		return []contact.Field{name, {Name: "phone", Required: true}}
	case "email":
		return []contact.Field{name, {Name: "email", Required: true}}
	case "phone_or_email":
		// Neither is required alone; contact.Check wants one of them.
		return []contact.Field{name, {Name: "phone"}, {Name: "email"}}
	}
	return nil
}

func checkUTM(in map[string]string) (map[string]string, error) {
	var out map[string]string
	for _, k := range utmKeys {
		v := strings.TrimSpace(in[k])
		if v == "" {
			continue
		}
		if err := validate.Line("utm."+k, v, false, maxUTM); err != nil {
			return nil, err
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out, nil
}

// summaryOf is the reply's first line, clipped, for the inbox and the
// notification's headline.
func summaryOf(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) <= maxSummary {
		return line
	}
	r := []rune(line)
	return strings.TrimSpace(string(r[:maxSummary-1])) + "…"
}

func created(c *fiber.Ctx, id string) error {
	return c.Status(http.StatusCreated).JSON(fiber.Map{"lead_id": id})
}

func checkIDs(in replyInput) error {
	if err := validate.Line("visitor_id", in.VisitorID, true, maxID); err != nil {
		return err
	}
	return validate.Line("submission_id", in.SubmissionID, true, maxID)
}

// leadID is the lead's id from what the visitor's browser made: the same
// reply of the same visitor is the same lead, another visitor's
// submission id never reaches it.
func leadID(widgetID, visitorID, submissionID string) string {
	sum := sha256.Sum256([]byte(widgetID + "\x00" + visitorID + "\x00" + submissionID))
	return "ld_pa" + hex.EncodeToString(sum[:12])
}

// announce tells the owner's channels and the other widgets about a lead;
// both are idempotent by the lead's id.
func (m *Module) announce(ctx context.Context, l store.Lead) error {
	if m.deps.Notifier != nil {
		if err := m.deps.Notifier.Publish(ctx, notify.Event{Type: notify.EventLeadSubmitted, SiteID: l.SiteID,
			WidgetID: l.WidgetID, Key: l.ID, At: l.UpdatedAt, Lead: &l}); err != nil {
			return fmt.Errorf("proactive: publish lead %s: %w", l.ID, err)
		}
	}
	if m.deps.Activities != nil {
		m.deps.Activities.Tell(ctx, widgets.Activity{SiteID: l.SiteID, Kind: widgets.ActivityLeadSubmitted, ID: l.ID, At: l.CreatedAt})
	}
	return nil
}

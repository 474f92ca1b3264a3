package game

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/contact"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// drawInput is what the game's form sends.
type drawInput struct {
	VisitorID     string       `json:"visitor_id"`
	Contact       contactInput `json:"contact"`
	Consent       bool         `json:"consent"`
	ConsentTextID string       `json:"consent_text_id"`
	// Subscribe is the newsletter tick of contact "subscribe".
	Subscribe bool   `json:"subscribe"`
	Lang      string `json:"lang"`
	PageURL   string `json:"page_url"`
}

type contactInput struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email"`
}

// drawAnswer is the draw as the browser gets it.
type drawAnswer struct {
	DrawID string       `json:"draw_id"`
	Prize  *prizeAnswer `json:"prize"`
	Code   *string      `json:"code"`
	// CodePending: the prize's code pool had none left; the owner sends
	// the code by hand (the lead says so), and asking again gets one once
	// the pool is refilled.
	CodePending bool `json:"code_pending,omitempty"`
	// Already: this player drew before; this is that draw.
	Already bool `json:"already"`
}

type prizeAnswer struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

const maxID = 64

// draw is POST /w/v1/{siteKey}/games/{wid}/draw: the player's one draw of
// the campaign, made and stored by the server before the answer; the same
// visitor id or contact gets the same answer again, never a new draw.
func (m *Module) draw(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return api.NotFound("game widget")
	}
	var in drawInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	// The prizes drawn are the ones the visitor was shown: their A/B
	// variant's, when the game runs an experiment.
	s := m.deps.SettingsFor(c.UserContext(), site, w, in.VisitorID).(*Settings)
	lc, keys, err := checkDraw(in, s, site.Region)
	if err != nil {
		return err
	}
	ctx, ip, now := c.UserContext(), m.deps.ClientIP(c), m.deps.Now().UTC()
	d := store.GameDraw{SiteID: site.ID, WidgetID: w.ID, Campaign: s.Campaign, Keys: keys,
		ID: newDrawID(), Prizes: s.drawPrizes(), NoPrize: s.NoPrizeWeight, Rand: randUint64(), At: now}

	_, err = m.deps.Store.GameResultOf(ctx, site.ID, w.ID, s.Campaign, keys)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// A new player: the address's daily bound counts new draws only,
		// so a player who reloads the page is never refused their result.
		if err := m.ipAllowed(ctx, site.ID, w.ID, ip, s.IPLimit); err != nil {
			return err
		}
	case err != nil:
		return fmt.Errorf("game: read draw: %w", err)
	}
	// GameDraw returns the draw a key has (recording the keys it lacks),
	// or draws: a twin request that drew meanwhile is that draw too.
	res, drawn, err := m.deps.Store.GameDraw(ctx, d)
	if err != nil {
		return fmt.Errorf("game: draw: %w", err)
	}
	outcome := "repeat"
	if drawn {
		outcome = "none"
		if res.PrizeID != "" {
			outcome = "prize"
		}
	}
	draws.WithLabelValues(outcome).Inc()

	lang := in.Lang
	if lang == "" {
		lang = i18n.Lang(site.Locale)
	}
	ans := drawAnswer{DrawID: res.ID, Already: !drawn}
	prize, won := s.prize(res.PrizeID)
	if won {
		ans.Prize = &prizeAnswer{ID: prize.ID, Title: prize.Title.In(lang, site.Locale)}
		ans.Code, ans.CodePending, err = m.codeFor(ctx, site, w.ID, prize, res.ID)
		if err != nil {
			return err
		}
	} else if res.PrizeID != "" {
		// The owner removed the prize since it was drawn: the player keeps
		// it, named by its id.
		ans.Prize = &prizeAnswer{ID: res.PrizeID, Title: res.PrizeID}
	}
	l := m.leadOf(site, w.ID, s, in, lc, res, ans, ip, now)
	if err := m.keepLead(ctx, l); err != nil {
		return err
	}
	if drawn {
		m.deps.Converted(ctx, site, w.ID, in.VisitorID)
	}
	return c.JSON(ans)
}

// checkDraw checks the input against the settings and returns the
// contact the lead keeps and the player's keys: the visitor id and each
// contact, normalized (E.164 phone, lower-case e-mail), so that a player
// who clears the browser or comes from another device is the same player.
func checkDraw(in drawInput, s *Settings, region string) (store.LeadContact, []string, error) {
	if err := validate.Line("visitor_id", in.VisitorID, true, maxID); err != nil {
		return store.LeadContact{}, nil, err
	}
	if strings.ContainsFunc(in.VisitorID, func(r rune) bool { return r < ' ' }) {
		return store.LeadContact{}, nil, validate.Field("visitor_id", "must not hold control characters")
	}
	lc, err := contactOf(in, s, region)
	if err != nil {
		return store.LeadContact{}, nil, validate.Prefix("contact", err)
	}
	if s.Contact == "subscribe" && !in.Subscribe {
		return store.LeadContact{}, nil, validate.Field("subscribe", "must be ticked: this game is played for a subscription to the newsletter")
	}
	if s.Consent.Required {
		if !in.Consent {
			return store.LeadContact{}, nil, validate.Field("consent", "must be given: the visitor ticks the box to consent to the processing of their personal data")
		}
		if err := validate.Line("consent_text_id", in.ConsentTextID, false, maxID); err != nil {
			return store.LeadContact{}, nil, err
		}
	}
	if in.Lang != "" {
		if err := validate.OneOf("lang", in.Lang, i18n.Langs...); err != nil {
			return store.LeadContact{}, nil, err
		}
	}
	keys := []string{"v:" + in.VisitorID}
	if lc.Phone != "" {
		keys = append(keys, contactKey(lc.Phone))
	}
	if lc.Email != "" {
		keys = append(keys, contactKey(strings.ToLower(lc.Email)))
	}
	return lc, keys, nil
}

// contactKey keys a player by a normalized contact through its hash: the
// draws hold no phone or e-mail (the lead does, where erasure finds it).
func contactKey(normalized string) string {
	sum := sha256.Sum256([]byte("game-contact\x00" + normalized))
	return "c:" + hex.EncodeToString(sum[:16])
}

// contactOf checks what the game asks for (contact.Phone, contact.Email).
func contactOf(in drawInput, s *Settings, region string) (store.LeadContact, error) {
	var asked []contact.Field
	switch s.Contact {
	case "phone":
		asked = []contact.Field{{Name: "name"}, {Name: "phone", Required: true}}
	case "email", "subscribe":
		asked = []contact.Field{{Name: "name"}, {Name: "email", Required: true}}
	default: // phone_or_email: contact.Check asks for at least one
		asked = []contact.Field{{Name: "name"}, {Name: "phone"}, {Name: "email"}}
	}
	return contact.Check(contact.Input{Name: in.Contact.Name, Phone: in.Contact.Phone, Email: in.Contact.Email}, asked, region)
}

// codeFor is the winner's code: the prize's shared code, or one from its
// pool claimed for the draw (the claim is keyed by the draw, so asking
// again gives the same code). An empty or deleted pool leaves the code
// pending: the prize stands, and the owner sends it by hand.
func (m *Module) codeFor(ctx context.Context, site *widgets.Site, widgetID string, p Prize, drawID string) (*string, bool, error) {
	switch {
	case p.Code == nil:
		return nil, false, nil
	case p.Code.Shared != "":
		return &p.Code.Shared, false, nil
	}
	code, err := m.deps.Store.ClaimCode(ctx, site.ID, p.Code.PoolID, "game:"+drawID)
	switch {
	case err == nil:
		return &code, false, nil
	case errors.Is(err, store.ErrPoolEmpty), errors.Is(err, store.ErrNotFound):
		codesPending.Inc()
		m.deps.Log.Warn("game: a prize's code pool has no code left; the winner's code is pending",
			"site_id", site.ID, "widget_id", widgetID, "prize_id", p.ID, "pool_id", p.Code.PoolID, "draw_id", drawID)
		return nil, true, nil
	}
	return nil, false, fmt.Errorf("game: claim code for draw %s: %w", drawID, err)
}

// leadOf is the player's lead: the contact, and the prize as its summary.
func (m *Module) leadOf(site *widgets.Site, widgetID string, s *Settings, in drawInput, lc store.LeadContact,
	res store.GameResult, ans drawAnswer, ip string, now time.Time) store.Lead {
	summary := "Game: no prize"
	if ans.Prize != nil {
		prize, _ := s.prize(ans.Prize.ID)
		title := prize.Title.In(i18n.Lang(site.Locale), site.Locale)
		if title == "" {
			title = ans.Prize.ID
		}
		switch {
		case ans.Code != nil:
			summary = fmt.Sprintf("Game prize: %s (code %s)", title, *ans.Code)
		case ans.CodePending:
			summary = fmt.Sprintf("Game prize: %s (code pool empty: send the code by hand)", title)
		default:
			summary = "Game prize: " + title
		}
	}
	if s.Contact == "subscribe" {
		summary += "; subscribed to the newsletter"
	}
	l := store.Lead{ID: leadID(widgetID, s.Campaign, res.ID), SiteID: site.ID, WidgetID: widgetID, Type: widgetType,
		Status: store.LeadNew, VisitorID: in.VisitorID, Contact: lc, Summary: summary, Lang: in.Lang,
		PageURL: pageURL(in.PageURL), IP: ip, CreatedAt: now, UpdatedAt: now}
	if s.Consent.Required {
		l.Consent = s.Consent.Record(in.ConsentTextID, ip, now)
	}
	return l
}

// keepLead stores the lead once (its id is the draw's) and tells the
// owner's channels; both are idempotent, so a repeat or a retry after a
// failure finishes what the first request began.
func (m *Module) keepLead(ctx context.Context, l store.Lead) error {
	stored, created, err := m.deps.Store.CreateLead(ctx, l)
	if err != nil {
		return fmt.Errorf("game: store lead %s: %w", l.ID, err)
	}
	if created {
		leadsStored.Inc()
	}
	if m.deps.Notifier != nil {
		if err := m.deps.Notifier.Publish(ctx, notify.Event{Type: notify.EventLeadSubmitted, SiteID: stored.SiteID,
			WidgetID: stored.WidgetID, Key: stored.ID, At: stored.UpdatedAt, Lead: &stored}); err != nil {
			return fmt.Errorf("game: publish lead %s: %w", stored.ID, err)
		}
	}
	if created && m.deps.Activities != nil {
		m.deps.Activities.Tell(ctx, widgets.Activity{SiteID: stored.SiteID, Kind: widgets.ActivityLeadSubmitted, ID: stored.ID, At: stored.CreatedAt})
	}
	return nil
}

// leadID is the lead's id from the draw: one draw, one lead.
func leadID(widgetID, campaign, drawID string) string {
	sum := sha256.Sum256([]byte(widgetID + "\x00" + campaign + "\x00" + drawID))
	return "ld_gm" + hex.EncodeToString(sum[:12])
}

// newDrawID is a random id of a draw.
func newDrawID() string { return "dr_" + rand.Text()[:20] }

// randUint64 is the draw's random number, from crypto/rand: nobody, not
// even someone who sees many draws, can tell the next one.
func randUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return binary.BigEndian.Uint64(b[:])
}

// pageURL keeps the page the game was played on when it is an http(s)
// URL of reasonable length; anything else is dropped, never refused.
func pageURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || len(raw) > 2048 {
		return ""
	}
	return raw
}

package reviews

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// Bounds of a review, in characters.
const (
	maxText     = 2000
	maxVisitor  = 64
	pageSize    = 10
	maxPageSize = 50
)

// publicReview is a published review as visitors see it: the customer's
// words, the real date, the marks, the owner's answer.
type publicReview struct {
	ID       string        `json:"id"`
	Rating   int           `json:"rating"`
	Text     string        `json:"text"`
	Name     string        `json:"name"`
	About    string        `json:"about,omitempty"`
	Date     time.Time     `json:"date"`
	Verified bool          `json:"verified"`
	Imported bool          `json:"imported"`
	PhotoURL string        `json:"photo_url,omitempty"`
	Answer   *publicAnswer `json:"answer,omitempty"`
}

type publicAnswer struct {
	Text string    `json:"text"`
	Date time.Time `json:"date"`
}

func toPublic(siteKey string, r store.Review) publicReview {
	p := publicReview{ID: r.ID, Rating: r.Rating, Text: r.Text, Name: r.Name, About: r.About, Date: r.CreatedAt,
		Verified: r.Verified, Imported: r.Imported}
	if r.PhotoID != "" {
		p.PhotoURL = "/w/v1/" + siteKey + "/reviews/photos/" + r.PhotoID
	}
	if r.Answer != nil {
		p.Answer = &publicAnswer{Text: r.Answer.Text, Date: r.Answer.At}
	}
	return p
}

// encodeCursor and decodeCursor make a page's last review an opaque string.
func encodeCursor(r store.Review) string {
	return base64.RawURLEncoding.EncodeToString([]byte(r.CreatedAt.UTC().Format(time.RFC3339Nano) + " " + r.ID))
}

func decodeCursor(field, s string) (store.ReviewCursor, error) {
	if s == "" {
		return store.ReviewCursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	at, id, ok := strings.Cut(string(raw), " ")
	t, terr := time.Parse(time.RFC3339Nano, at)
	if err != nil || !ok || terr != nil || id == "" {
		return store.ReviewCursor{}, validate.Field(field, "is not a cursor this API gave")
	}
	return store.ReviewCursor{CreatedAt: t, ID: id}, nil
}

// listPublished is GET /w/v1/{siteKey}/widgets/{wid}/reviews: published
// reviews, newest first, with the average and count of all published ones.
// The first page (what the list, carousel and badge load) is rendered once
// per replica and served from memory until a review of the site changes
// (cache.go); pages after a cursor are read from the store each time.
// Browsers revalidate every time (no-cache) and get a 304 while nothing
// changed, so a published review or answer shows on the next page view.
func (m *Module) listPublished(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return api.NotFound("reviews widget")
	}
	s := w.Parsed.(*Settings)
	if s.Mode == "collect" {
		return api.NotFound("reviews shown by this widget")
	}
	about := s.About
	if about == "" {
		about = c.Query("about")
		if err := validate.Line("about", about, false, maxAbout); err != nil {
			return err
		}
	}
	after, err := decodeCursor("cursor", c.Query("cursor"))
	if err != nil {
		return err
	}
	load := func(ctx context.Context) ([]byte, error) {
		return m.renderPage(ctx, site.ID, site.Key, w.ID, s, about, after)
	}
	var p *page
	if after == (store.ReviewCursor{}) {
		p, err = m.pages.get(c.UserContext(), site.ID, w.ID, about, s, m.deps.Now(), load)
	} else {
		var body []byte
		if body, err = load(c.UserContext()); err == nil {
			p = newPage(body, s)
		}
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderETag, p.etag)
	if c.Get(fiber.HeaderIfNoneMatch) == p.etag {
		return c.SendStatus(http.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(p.body)
}

// publicPage is the body of GET …/widgets/{wid}/reviews.
type publicPage struct {
	Reviews        []publicReview `json:"reviews"`
	NextCursor     string         `json:"next_cursor"`
	Count          int            `json:"count"`
	Average        float64        `json:"average"`
	MinRatingShown int            `json:"min_rating_shown"`
}

// renderPage reads one page of the widget's published reviews after
// after and renders it as JSON.
func (m *Module) renderPage(ctx context.Context, siteID, siteKey, widgetID string, s *Settings, about string, after store.ReviewCursor) ([]byte, error) {
	list, err := m.deps.Store.ListReviews(ctx, siteID, store.ReviewFilter{WidgetID: widgetID, Status: store.ReviewPublished,
		About: about, MinRating: s.MinRatingShown, After: after, Limit: pageSize + 1})
	if err != nil {
		return nil, fmt.Errorf("reviews: list published of %s: %w", widgetID, err)
	}
	agg, err := m.deps.Store.ReviewAggregate(ctx, siteID, widgetID, about, about == "")
	if err != nil {
		return nil, fmt.Errorf("reviews: aggregate of %s: %w", widgetID, err)
	}
	out := publicPage{Reviews: make([]publicReview, 0, min(len(list), pageSize)), Count: agg.Count,
		Average: math.Round(agg.Average()*10) / 10, MinRatingShown: s.MinRatingShown}
	if len(list) > pageSize {
		list = list[:pageSize]
		out.NextCursor = encodeCursor(list[len(list)-1])
	}
	for _, r := range list {
		out.Reviews = append(out.Reviews, toPublic(siteKey, r))
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("reviews: render page of %s: %w", widgetID, err)
	}
	return body, nil
}

// reviewInput is the form as the widget sends it.
type reviewInput struct {
	Rating        int    `json:"rating"`
	Text          string `json:"text"`
	Name          string `json:"name"`
	About         string `json:"about"`
	VisitorID     string `json:"visitor_id"`
	Consent       bool   `json:"consent"`
	ConsentTextID string `json:"consent_text_id"`
	Lang          string `json:"lang"`
	PhotoID       string `json:"photo_id"`
	RequestToken  string `json:"request_token"`
	Website       string `json:"website"` // the honeypot: people never see it, bots fill it
}

func newID(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// postReview is POST /w/v1/{siteKey}/widgets/{wid}/reviews: a visitor's
// review, stored pending before the 201.
func (m *Module) postReview(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return api.NotFound("reviews widget")
	}
	s := w.Parsed.(*Settings)
	if s.Mode == "show" {
		return api.NotFound("review form of this widget")
	}
	var in reviewInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	ctx, ip, now := c.UserContext(), m.deps.ClientIP(c), m.deps.Now().UTC()
	id := newID("rv_")
	if in.Website != "" {
		// A bot filled the field people never see: it is told what a
		// person would be told, and nothing is stored or sent.
		reviewsRefused.WithLabelValues("honeypot").Inc()
		return c.Status(http.StatusCreated).JSON(fiber.Map{"review_id": id, "status": store.ReviewPending})
	}
	r, tok, err := m.checkReview(ctx, site, w, s, in, now)
	if err != nil {
		return m.refused(ctx, site.ID, ip, err)
	}
	if err := m.limiter().Hit(ctx, site.ID, "ip:"+ip, m.opts.Limits.ReviewsPerIP); err != nil {
		return err
	}
	if err := m.limiter().Hit(ctx, site.ID, "visitor:"+in.VisitorID, m.opts.Limits.ReviewsPerVisitor); err != nil {
		return err
	}
	r.ID, r.SiteID, r.IP, r.Status, r.CreatedAt, r.UpdatedAt = id, site.ID, ip, store.ReviewPending, now, now
	if s.Consent.Required {
		r.Consent = s.Consent.Record(in.ConsentTextID, ip, now)
	}
	if err := m.deps.Store.CreateReview(ctx, r, tok); err != nil {
		if errors.Is(err, store.ErrTokenUsed) {
			reviewsRefused.WithLabelValues("token_used").Inc()
			return &api.Error{Status: http.StatusConflict, Code: "token_used", Message: "this review link has been used for a review already"}
		}
		return fmt.Errorf("reviews: store review %s: %w", id, err)
	}
	origin := "form"
	if r.Verified {
		origin = "request"
	}
	reviewsStored.WithLabelValues(origin).Inc()
	m.deps.Log.Info("review stored", "site", site.ID, "widget", w.ID, "review", id, "rating", r.Rating, "verified", r.Verified)
	if err := m.announce(ctx, r); err != nil {
		// The review is stored: the owner still finds it in the inbox.
		m.deps.Log.Error("review notice not stored", "site", site.ID, "review", id, "err", err)
	}
	m.deps.Converted(ctx, site, w.ID, in.VisitorID)
	return c.Status(http.StatusCreated).JSON(fiber.Map{"review_id": id, "status": store.ReviewPending})
}

// checkReview validates the form and returns the review to store and the
// request token to use up ("" for none).
func (m *Module) checkReview(ctx context.Context, site *widgets.Site, w widgets.Widget, s *Settings, in reviewInput, now time.Time) (store.Review, string, error) {
	r := store.Review{WidgetID: w.ID, Rating: in.Rating, Text: strings.TrimSpace(in.Text), Name: strings.TrimSpace(in.Name),
		VisitorID: in.VisitorID, Lang: in.Lang}
	if err := validate.Line("visitor_id", in.VisitorID, true, maxVisitor); err != nil {
		return r, "", err
	}
	if in.Rating < 1 || in.Rating > 5 {
		return r, "", validate.Field("rating", "must be a whole number of stars from 1 to 5")
	}
	if err := validate.Text("text", r.Text, true, maxText); err != nil {
		return r, "", err
	}
	if err := validate.Line("name", r.Name, true, maxName); err != nil {
		return r, "", err
	}
	if in.Lang != "" {
		if err := validate.OneOf("lang", in.Lang, i18n.Langs...); err != nil {
			return r, "", err
		}
	}
	if s.Consent.Required && !in.Consent {
		return r, "", validate.Field("consent", "must be given: the visitor ticks the box to let the shop publish the review")
	}
	if err := validate.Line("consent_text_id", in.ConsentTextID, false, maxVisitor); err != nil {
		return r, "", err
	}
	r.About = s.About
	if r.About == "" {
		if err := validate.Line("about", in.About, false, maxAbout); err != nil {
			return r, "", err
		}
		r.About = in.About
	}
	token := ""
	switch {
	case in.RequestToken != "":
		cl, err := readToken(s.RequestSecret, w.ID, in.RequestToken, now)
		if err != nil {
			return r, "", validate.Field("request_token", "is not valid: the link is broken, expired or for another widget")
		}
		r.Verified, r.OrderID, token = true, cl.OrderID, cl.Nonce
		if cl.About != "" {
			r.About = cl.About
		}
	case s.OnlyWithRequest:
		return r, "", validate.Field("request_token", "is required: this widget takes reviews only through the link the shop sends after a purchase")
	}
	if in.PhotoID != "" {
		if !s.Photos {
			return r, "", validate.Field("photo_id", "is not accepted: this widget takes no photos")
		}
		_, owner, err := m.deps.Store.GetReviewPhoto(ctx, site.ID, in.PhotoID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && owner != "") {
			return r, "", validate.Field("photo_id", "names no photo uploaded for a new review")
		}
		if err != nil {
			return r, "", fmt.Errorf("reviews: read photo %s: %w", in.PhotoID, err)
		}
		r.PhotoID = in.PhotoID
	}
	return r, token, nil
}

package reviews

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// A request link carries a token: base64url(claims JSON) "." base64url(
// HMAC-SHA256 of the first part with the widget's request secret). The
// nonce makes it single use: the store marks it used in the step that
// stores the review (store.Reviews.CreateReview).
type claims struct {
	Widget  string `json:"w"`
	About   string `json:"a,omitempty"`
	OrderID string `json:"o"`
	Name    string `json:"n,omitempty"`
	Expires int64  `json:"e"` // Unix seconds
	Nonce   string `json:"j"`
}

// Bounds of a request.
const (
	defaultTTLDays = 30
	maxTTLDays     = 365
	maxOrderID     = 100
	maxName        = 80
	// tokenParam is the query parameter of the page URL that carries the token.
	tokenParam = "beckon_review"
)

func sign(secret, payload string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func makeToken(secret string, c claims) (string, error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	payload := base64.RawURLEncoding.EncodeToString(raw)
	return payload + "." + sign(secret, payload), nil
}

// errBadToken: forged, broken, expired or for another widget.
var errBadToken = errors.New("invalid review request token")

// readToken checks a token's signature, widget and expiry.
func readToken(secret, widgetID, token string, now time.Time) (claims, error) {
	payload, mac, ok := strings.Cut(token, ".")
	if !ok || len(token) > 1024 || !hmac.Equal([]byte(mac), []byte(sign(secret, payload))) {
		return claims{}, errBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return claims{}, errBadToken
	}
	var c claims
	if err := json.Unmarshal(raw, &c); err != nil || c.Widget != widgetID || c.Nonce == "" || now.Unix() >= c.Expires {
		return claims{}, errBadToken
	}
	return c, nil
}

type requestInput struct {
	About   string `json:"about"`
	OrderID string `json:"order_id"`
	Name    string `json:"name"`
	TTLDays int    `json:"ttl_days"`
	// PageURL is the page with the reviews form the link opens; default the
	// widget's request_page, else the site's first origin.
	PageURL string `json:"page_url"`
}

// createRequest is POST /api/v1/sites/{id}/widgets/{wid}/review-requests:
// a signed, single-use link for one order's buyer.
func (m *Module) createRequest(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, m.deps.Store, "leads:write")
	if err != nil {
		return err
	}
	w, s, err := m.ownWidget(c, site.ID, c.Params("wid"))
	if err != nil {
		return err
	}
	var in requestInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	if err := checkRequest(&in, s); err != nil {
		return err
	}
	page := in.PageURL
	if page == "" {
		page = s.RequestPage
	}
	if page == "" && len(site.Origins) > 0 {
		page = site.Origins[0] + "/"
	}
	if page == "" {
		return validate.Field("page_url", "is required: the site has no origin, so the link needs the page with the reviews form")
	}
	nonce := make([]byte, 16)
	rand.Read(nonce)
	expires := m.deps.Now().Add(time.Duration(in.TTLDays) * 24 * time.Hour).UTC().Truncate(time.Second)
	token, err := makeToken(s.RequestSecret, claims{Widget: w.ID, About: in.About, OrderID: in.OrderID, Name: in.Name,
		Expires: expires.Unix(), Nonce: hex.EncodeToString(nonce)})
	if err != nil {
		return fmt.Errorf("reviews: sign a request: %w", err)
	}
	u, _ := url.Parse(page)
	q := u.Query()
	q.Set(tokenParam, token)
	u.RawQuery = q.Encode()
	return c.Status(http.StatusCreated).JSON(fiber.Map{"url": u.String(), "token": token, "expires_at": expires})
}

func checkRequest(in *requestInput, s *Settings) error {
	if err := validate.Line("order_id", in.OrderID, true, maxOrderID); err != nil {
		return err
	}
	if err := validate.Line("name", in.Name, false, maxName); err != nil {
		return err
	}
	if s.About != "" && in.About != "" && in.About != s.About {
		return validate.Field("about", "must be %q or left out: this widget collects reviews of that only", s.About)
	}
	if in.About == "" {
		in.About = s.About
	}
	if err := validate.Line("about", in.About, false, maxAbout); err != nil {
		return err
	}
	if in.TTLDays == 0 {
		in.TTLDays = defaultTTLDays
	}
	if in.TTLDays < 1 || in.TTLDays > maxTTLDays {
		return validate.Field("ttl_days", "must be 1 to %d days", maxTTLDays)
	}
	return checkPage("page_url", in.PageURL)
}

// ownWidget is the site's reviews widget wid (enabled or not) with its
// settings, for the owner's calls.
func (m *Module) ownWidget(c *fiber.Ctx, siteID, wid string) (widgets.Widget, *Settings, error) {
	site, err := m.deps.Sites.ByID(c.UserContext(), siteID)
	if err != nil {
		return widgets.Widget{}, nil, api.NotFoundAs(err, "site")
	}
	w, ok := site.Widget(wid)
	if !ok || w.Type != widgetType {
		return widgets.Widget{}, nil, api.NotFound("reviews widget")
	}
	return w, w.Parsed.(*Settings), nil
}

type checkInput struct {
	RequestToken string `json:"request_token"`
}

// checkRequest is POST /w/v1/{siteKey}/widgets/{wid}/review-requests/check:
// whether a request link still takes a review, so the form says at once
// that it was used or has expired instead of after the visitor wrote.
func (m *Module) checkRequest(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok || w.Parsed.(*Settings).Mode == "show" {
		return api.NotFound("review form of this widget")
	}
	var in checkInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	cl, err := readToken(w.Parsed.(*Settings).RequestSecret, w.ID, in.RequestToken, m.deps.Now())
	if err != nil {
		return c.JSON(fiber.Map{"valid": false, "used": false})
	}
	used, err := m.deps.Store.ReviewTokenUsed(c.UserContext(), site.ID, cl.Nonce)
	if err != nil {
		return fmt.Errorf("reviews: check request token: %w", err)
	}
	return c.JSON(fiber.Map{"valid": !used, "used": used})
}

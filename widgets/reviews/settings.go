package reviews

import (
	"crypto/rand"
	"encoding/base64"
	"net/url"

	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/ownertext"
)

// Settings of a reviews widget, as stored; docs/API.md documents each
// field and its default.
type Settings struct {
	// Mode: show (published reviews only), collect (the form only) or both.
	Mode string `json:"mode"`
	// Layout of the reviews shown: list, carousel or badge ("4.7 ★ · 213").
	Layout string `json:"layout"`
	// Placement: floating (a badge in the corner that opens a panel) or
	// inline (in the page's element matched by Selector).
	Placement string `json:"placement"`
	// Position of the floating badge: bottom-left, bottom-right or
	// left-middle (clear of the corner buttons of other widgets).
	Position string         `json:"position"`
	Selector string         `json:"selector,omitempty"`
	Color    string         `json:"color"`
	Title    ownertext.Text `json:"title,omitempty"`
	// About is the product or page the widget collects and shows reviews
	// of ("sku-123", "/delivery"); "": the whole shop, reviews of anything.
	About string `json:"about,omitempty"`
	// MinRatingShown hides reviews rated lower from the list (never from
	// the average and count); 1 shows all. The widget says when it filters.
	MinRatingShown int `json:"min_rating_shown"`
	// JSONLD puts schema.org AggregateRating and up to 10 Reviews of the
	// published reviews in the page's head; JSONLDName names what is rated
	// ("": the page's title).
	JSONLD     bool   `json:"json_ld"`
	JSONLDName string `json:"json_ld_name,omitempty"`
	// OnlyWithRequest refuses reviews without a valid request link.
	OnlyWithRequest bool `json:"only_with_request"`
	// Photos lets visitors attach one photo.
	Photos bool `json:"photos"`
	// RequestPage is the page with the form that request links open;
	// default: the site's first origin.
	RequestPage  string           `json:"request_page,omitempty"`
	Consent      consent.Settings `json:"consent"`
	NotifyURL    string           `json:"notify_url"`
	NotifySecret string           `json:"notify_secret"`
	// RequestSecret signs request links; generated once and kept (Keep).
	RequestSecret string `json:"request_secret,omitempty"`

	allowPrivate bool
}

var (
	_ widgets.Settings  = (*Settings)(nil)
	_ widgets.Defaulter = (*Settings)(nil)
	_ widgets.Keeper    = (*Settings)(nil)
	_ widgets.Webhooker = (*Settings)(nil)
)

// Defaults, named so docs and code cannot drift.
const (
	DefaultMode      = "both"
	DefaultLayout    = "list"
	DefaultPlacement = "floating"
	DefaultPosition  = "bottom-left"
	DefaultColor     = "#2563eb"
	maxTitle         = 120
	maxAbout         = 200
)

var (
	modes      = []string{"both", "show", "collect"}
	layouts    = []string{"list", "carousel", "badge"}
	placements = []string{"floating", "inline"}
	positions  = []string{"bottom-left", "bottom-right", "left-middle"}
)

// Defaults implements widgets.Defaulter: photos are on unless the owner
// says false, negative reviews are shown unless the owner filters.
func (s *Settings) Defaults(store.Site) {
	s.Photos = true
	s.MinRatingShown = 1
	// A review is published with the name given: the visitor agrees to it.
	s.Consent.Required = true
}

// Keep implements widgets.Keeper: the request secret stays when an update
// leaves it out, so links already sent keep working.
func (s *Settings) Keep(previous widgets.Settings) {
	if old, ok := previous.(*Settings); ok && s.RequestSecret == "" {
		s.RequestSecret = old.RequestSecret
	}
}

// Normalize implements widgets.Settings.
func (s *Settings) Normalize(site store.Site) error {
	locale := i18n.Lang(site.Locale)
	fill := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	fill(&s.Mode, DefaultMode)
	fill(&s.Layout, DefaultLayout)
	fill(&s.Placement, DefaultPlacement)
	fill(&s.Position, DefaultPosition)
	fill(&s.Color, DefaultColor)
	for _, c := range []struct {
		field, v string
		allowed  []string
	}{{"mode", s.Mode, modes}, {"layout", s.Layout, layouts}, {"placement", s.Placement, placements}, {"position", s.Position, positions}} {
		if err := validate.OneOf(c.field, c.v, c.allowed...); err != nil {
			return err
		}
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if err := validate.Line("selector", s.Selector, s.Placement == "inline", 200); err != nil {
		return err
	}
	if err := ownertext.Normalize("title", &s.Title, locale, false, true, maxTitle); err != nil {
		return err
	}
	if err := validate.Line("about", s.About, false, maxAbout); err != nil {
		return err
	}
	if s.MinRatingShown < 1 || s.MinRatingShown > 5 {
		return validate.Field("min_rating_shown", "must be 1 to 5 (1 shows every review)")
	}
	if err := validate.Line("json_ld_name", s.JSONLDName, false, 200); err != nil {
		return err
	}
	if err := checkPage("request_page", s.RequestPage); err != nil {
		return err
	}
	if s.Consent.Text == nil {
		s.Consent.Text = map[string]string{}
	}
	for _, l := range i18n.Langs {
		if s.Consent.Text[l] == "" {
			s.Consent.Text[l] = i18n.Fill(consentDefault(l), map[string]string{"operator": orDefault(s.Consent.Operator, site.Name)})
		}
	}
	if err := s.Consent.Normalize(site, "consent", consent.Lead); err != nil {
		return err
	}
	secret, err := notify.CheckWebhook(s.NotifyURL, s.NotifySecret, s.allowPrivate)
	if err != nil {
		return err
	}
	s.NotifySecret = secret
	if s.RequestSecret == "" {
		b := make([]byte, 32)
		rand.Read(b)
		s.RequestSecret = base64.RawURLEncoding.EncodeToString(b)
	}
	if len(s.RequestSecret) < 16 {
		// Anyone who guesses it can sign links: "verified" would mean nothing.
		return validate.Field("request_secret", "must be at least 16 characters; leave it out to keep the one Beckon generated")
	}
	return validate.Line("request_secret", s.RequestSecret, true, 100)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// checkPage accepts "" or an http(s) URL.
func checkPage(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(raw) > 2048 {
		return validate.Field(field, "must be an https:// URL of the page with the reviews form, up to 2048 characters")
	}
	return nil
}

// Webhook implements widgets.Webhooker.
func (s *Settings) Webhook() (url, secret string, ok bool) {
	return s.NotifyURL, s.NotifySecret, s.NotifyURL != ""
}

// public is what browsers get: no webhook, no request secret.
type public struct {
	Mode            string         `json:"mode"`
	Layout          string         `json:"layout"`
	Placement       string         `json:"placement"`
	Position        string         `json:"position"`
	Selector        string         `json:"selector,omitempty"`
	Color           string         `json:"color"`
	Title           ownertext.Text `json:"title,omitempty"`
	About           string         `json:"about,omitempty"`
	MinRatingShown  int            `json:"min_rating_shown"`
	JSONLD          bool           `json:"json_ld"`
	JSONLDName      string         `json:"json_ld_name,omitempty"`
	OnlyWithRequest bool           `json:"only_with_request"`
	Photos          bool           `json:"photos"`
	Consent         consent.Public `json:"consent"`
}

// Public implements widgets.Settings.
func (s *Settings) Public() any {
	return public{Mode: s.Mode, Layout: s.Layout, Placement: s.Placement, Position: s.Position, Selector: s.Selector, Color: s.Color,
		Title: s.Title, About: s.About, MinRatingShown: s.MinRatingShown, JSONLD: s.JSONLD, JSONLDName: s.JSONLDName,
		OnlyWithRequest: s.OnlyWithRequest, Photos: s.Photos, Consent: s.Consent.Public()}
}

package popup

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/ownertext"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// Bounds of owner texts, in characters.
const (
	maxTitle  = 200
	maxBody   = 1000
	maxButton = 60
)

// Settings of a pop-up widget, as stored; docs/API.md documents each field
// and its default.
type Settings struct {
	Layout string         `json:"layout"` // modal, slide_in or bar
	Color  string         `json:"color"`  // accent colour of the button, #rrggbb
	Title  ownertext.Text `json:"title,omitempty"`
	Text   ownertext.Text `json:"text,omitempty"`
	Image  string         `json:"image,omitempty"` // https URL
	// ImageRatio is the image's width:height ("16:9"): its box is kept
	// before the image loads, so nothing moves when it arrives.
	ImageRatio string `json:"image_ratio"`
	// Button and Form are what the pop-up offers; at most one of them.
	Button *Button `json:"button,omitempty"`
	Form   *Form   `json:"form,omitempty"`
	// Triggers open the pop-up by themselves (time on page, exit intent,
	// …); nil: only the page API opens it (beckon('open','<id>')).
	Triggers *triggers.Settings `json:"triggers,omitempty"`
}

var (
	_ widgets.Settings  = (*Settings)(nil)
	_ widgets.CodeGiver = (*Settings)(nil)
)

// Button is the pop-up's one button and what it does.
type Button struct {
	Label  ownertext.Text `json:"label,omitempty"`
	Action string         `json:"action"`           // link, widget or code
	URL    string         `json:"url,omitempty"`    // link: where it goes
	Widget string         `json:"widget,omitempty"` // widget: the id of the site's widget it opens
	// Code: one code every visitor gets (Code), or one per visitor from
	// the site's pool (Pool); the claim route hands them out, the public
	// config never carries them.
	Code string `json:"code,omitempty"`
	Pool string `json:"pool,omitempty"`
	// PoolEmpty is what visitors see once the pool has no code left: hide
	// (the pop-up does not appear) or text (EmptyText instead of a code).
	PoolEmpty string         `json:"pool_empty"`
	EmptyText ownertext.Text `json:"empty_text,omitempty"`
}

// Form is the small lead form.
type Form struct {
	Fields  []Field          `json:"fields"`
	Button  ownertext.Text   `json:"button,omitempty"`
	Success ownertext.Text   `json:"success,omitempty"` // shown once the lead is stored
	Consent consent.Settings `json:"consent"`
}

// Field is one contact field of the form.
type Field struct {
	Name     string `json:"name"` // name, phone or email
	Required bool   `json:"required"`
}

// Defaults, named so docs and code cannot drift.
const (
	DefaultLayout     = "modal"
	DefaultColor      = "#2563eb"
	DefaultImageRatio = "16:9"
	DefaultPoolEmpty  = "hide"
)

// Values the settings accept.
var (
	layouts    = []string{"modal", "slide_in", "bar"}
	actions    = []string{"link", "widget", "code"}
	poolEmpty  = []string{"hide", "text"}
	fieldNames = []string{"name", "phone", "email"}
	ratioRe    = regexp.MustCompile(`^([1-9][0-9]{0,3}):([1-9][0-9]{0,3})$`)
	widgetIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Normalize implements widgets.Settings: fills defaults and checks every
// field; errors name the JSON path (form.fields[1].name).
func (s *Settings) Normalize(site store.Site) error {
	locale := i18n.Lang(site.Locale)
	if s.Layout == "" {
		s.Layout = DefaultLayout
	}
	if err := validate.OneOf("layout", s.Layout, layouts...); err != nil {
		return err
	}
	if s.Color == "" {
		s.Color = DefaultColor
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if err := ownertext.Normalize("title", &s.Title, locale, false, true, maxTitle); err != nil {
		return err
	}
	if err := ownertext.Normalize("text", &s.Text, locale, false, false, maxBody); err != nil {
		return err
	}
	if err := checkHTTPS("image", s.Image); err != nil {
		return err
	}
	if s.ImageRatio == "" {
		s.ImageRatio = DefaultImageRatio
	}
	if !ratioRe.MatchString(s.ImageRatio) {
		return validate.Field("image_ratio", `must be width:height, such as "16:9" or "1:1"`)
	}
	if s.Title == nil && s.Text == nil && s.Image == "" && s.Button == nil && s.Form == nil {
		return validate.Field("title", "is required: a pop-up shows at least a title, a text, an image, a button or a form")
	}
	if s.Button != nil && s.Form != nil {
		return validate.Field("form", "cannot go with a button: a pop-up offers a button or a form, not both")
	}
	if s.Button != nil {
		if err := s.Button.normalize(locale); err != nil {
			return validate.Prefix("button", err)
		}
	}
	if s.Form != nil {
		if err := s.Form.normalize(site, locale); err != nil {
			return validate.Prefix("form", err)
		}
	}
	if s.Triggers != nil {
		return s.Triggers.Normalize("triggers")
	}
	return nil
}

func (b *Button) normalize(locale string) error {
	if err := ownertext.Normalize("label", &b.Label, locale, true, true, maxButton); err != nil {
		return err
	}
	if err := validate.OneOf("action", b.Action, actions...); err != nil {
		return err
	}
	// Only what the action uses may be set: a URL left on a code button
	// would look to the owner as if it did something.
	unused := map[string]bool{"url": b.URL != "", "widget": b.Widget != "", "code": b.Code != "", "pool": b.Pool != ""}
	switch b.Action {
	case "link":
		if err := checkLink("url", b.URL); err != nil {
			return err
		}
		unused["url"] = false
	case "widget":
		if !widgetIDRe.MatchString(b.Widget) {
			return validate.Field("widget", "is required: the id of the site's widget to open (letters, digits, _ and -)")
		}
		unused["widget"] = false
	case "code":
		if err := b.normalizeCode(locale); err != nil {
			return err
		}
		unused["code"], unused["pool"] = false, false
	}
	for _, f := range []string{"url", "widget", "code", "pool"} {
		if unused[f] {
			return validate.Field(f, "is not used by action %q", b.Action)
		}
	}
	return nil
}

func (b *Button) normalizeCode(locale string) error {
	switch {
	case b.Code == "" && b.Pool == "":
		return validate.Field("code", `is required for action "code": a code every visitor gets, or "pool" with the id of a code pool`)
	case b.Code != "" && b.Pool != "":
		return validate.Field("pool", `cannot go with "code": the pop-up gives one shared code or codes from a pool`)
	}
	if err := validate.Line("code", b.Code, false, 64); err != nil {
		return err
	}
	if err := validate.Line("pool", b.Pool, false, 64); err != nil {
		return err
	}
	if b.PoolEmpty == "" {
		b.PoolEmpty = DefaultPoolEmpty
	}
	if err := validate.OneOf("pool_empty", b.PoolEmpty, poolEmpty...); err != nil {
		return err
	}
	return ownertext.Normalize("empty_text", &b.EmptyText, locale, b.PoolEmpty == "text" && b.Pool != "", false, maxBody)
}

func (f *Form) normalize(site store.Site, locale string) error {
	if len(f.Fields) == 0 {
		f.Fields = []Field{{Name: "name"}, {Name: "phone", Required: true}}
	}
	seen, reachable := map[string]bool{}, false
	for i, fl := range f.Fields {
		field := fmt.Sprintf("fields[%d].name", i)
		if err := validate.OneOf(field, fl.Name, fieldNames...); err != nil {
			return err
		}
		if seen[fl.Name] {
			return validate.Field(field, "%q is asked twice", fl.Name)
		}
		seen[fl.Name] = true
		reachable = reachable || fl.Name != "name"
	}
	if !reachable {
		return validate.Field("fields", "must ask for a phone or an e-mail: a lead needs a way to reach the visitor")
	}
	if err := ownertext.Normalize("button", &f.Button, locale, false, true, maxButton); err != nil {
		return err
	}
	if err := ownertext.Normalize("success", &f.Success, locale, false, false, maxBody); err != nil {
		return err
	}
	return f.Consent.Normalize(site, "consent", consent.Lead)
}

// checkHTTPS accepts an empty value or an absolute https URL of at most
// 2048 characters, the only kind a page served over https can show.
func checkHTTPS(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(raw) > 2048 {
		return validate.Field(field, "must be an https:// URL of an image, up to 2048 characters")
	}
	return nil
}

// checkLink accepts an http(s) URL or a path on the site ("/sale"); never
// javascript: or data:, which would run in the owner's page.
func checkLink(field, raw string) error {
	bad := validate.Field(field, `must be an https:// or http:// URL, or a path on the site such as "/sale", up to 2048 characters`)
	if raw == "" || len(raw) > 2048 || strings.ContainsAny(raw, " \t\r\n") {
		return bad
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad
	}
	if strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") && u.Scheme == "" {
		return nil
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return bad
	}
	return nil
}

// Codes implements widgets.CodeGiver: a code button gives the shared code
// or codes from its pool.
func (s *Settings) Codes() (widgets.CodeOffer, bool) {
	if s.Button == nil || s.Button.Action != "code" {
		return widgets.CodeOffer{}, false
	}
	return widgets.CodeOffer{Shared: s.Button.Code, PoolID: s.Button.Pool}, true
}

// Public implements widgets.Settings. The code and the pool stay on the
// server: a visitor gets a code from the claim route, once the pop-up is
// shown, so the page's source does not give it away.
func (s *Settings) Public() any {
	p := publicSettings{Layout: s.Layout, Color: s.Color, Title: s.Title, Text: s.Text, Image: s.Image, ImageRatio: s.ImageRatio, Triggers: s.Triggers}
	if b := s.Button; b != nil {
		p.Button = &publicButton{Label: b.Label, Action: b.Action, URL: b.URL, Widget: b.Widget, PoolEmpty: b.PoolEmpty, EmptyText: b.EmptyText}
	}
	if f := s.Form; f != nil {
		p.Form = &publicForm{Fields: f.Fields, Button: f.Button, Success: f.Success, Consent: f.Consent.Public()}
	}
	return p
}

type publicSettings struct {
	Layout     string         `json:"layout"`
	Color      string         `json:"color"`
	Title      ownertext.Text `json:"title,omitempty"`
	Text       ownertext.Text `json:"text,omitempty"`
	Image      string         `json:"image,omitempty"`
	ImageRatio string         `json:"image_ratio"`
	Button     *publicButton  `json:"button,omitempty"`
	Form       *publicForm    `json:"form,omitempty"`
	// Triggers is public whole: the engine in the browser needs every field.
	Triggers *triggers.Settings `json:"triggers,omitempty"`
}

type publicButton struct {
	Label     ownertext.Text `json:"label"`
	Action    string         `json:"action"`
	URL       string         `json:"url,omitempty"`
	Widget    string         `json:"widget,omitempty"`
	PoolEmpty string         `json:"pool_empty,omitempty"`
	EmptyText ownertext.Text `json:"empty_text,omitempty"`
}

type publicForm struct {
	Fields  []Field        `json:"fields"`
	Button  ownertext.Text `json:"button,omitempty"`
	Success ownertext.Text `json:"success,omitempty"`
	Consent consent.Public `json:"consent"`
}

// TriggerBlock is the widget's trigger block (triggers.Carrier).
func (s *Settings) TriggerBlock() *triggers.Settings { return s.Triggers }

// Package socialproof is the live social-proof widget's backend: real
// events in (the events API, shops' webhooks), notices and live visitor
// counts out to browsers.
package socialproof

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// Settings of a social-proof widget.
type Settings struct {
	Position        string                       `json:"position"` // bottom-left or bottom-right
	Theme           string                       `json:"theme"`    // light or dark
	DelaySeconds    int                          `json:"delay_seconds"`
	DisplaySeconds  int                          `json:"display_seconds"`
	IntervalSeconds int                          `json:"interval_seconds"`
	MaxPerVisit     int                          `json:"max_per_visit"`
	NameDisplay     string                       `json:"name_display"` // first_name, first_initial or someone
	MaxAgeHours     int                          `json:"max_age_hours"`
	IncludePages    []string                     `json:"include_pages"`
	ExcludePages    []string                     `json:"exclude_pages"`
	Mobile          bool                         `json:"mobile"`
	Templates       map[string]map[string]string `json:"templates,omitempty"` // type → language → text
	Viewers         Viewers                      `json:"viewers"`
	BeckonEvents    BeckonEvents                 `json:"beckon_events"`
	Inbound         *Inbound                     `json:"inbound,omitempty"`
}

// Viewers is the live "N people are viewing" badge.
type Viewers struct {
	Enabled     bool   `json:"enabled"`
	Threshold   int    `json:"threshold"`     // below it nothing is shown
	Scope       string `json:"scope"`         // page or site
	RoundDownTo int    `json:"round_down_to"` // 0, 5 or 10
}

// BeckonEvents are Beckon's own events the widget may show.
type BeckonEvents struct {
	CallbackConnected bool `json:"callback_connected"`
	LeadSubmitted     bool `json:"lead_submitted"`
}

// Inbound is the widget's shop webhook (inbound.go).
type Inbound struct {
	Platform       string            `json:"platform"`                 // woocommerce, tilda, insales or custom
	Secret         string            `json:"secret"`                   // in the webhook's URL path; generated when empty
	SigningSecret  string            `json:"signing_secret,omitempty"` // WooCommerce: the webhook's secret, for its HMAC header
	Mapping        map[string]string `json:"mapping,omitempty"`        // event field → paths; over the platform's preset
	PaidStatuses   []string          `json:"paid_statuses,omitempty"`
	CancelStatuses []string          `json:"cancel_statuses,omitempty"`
}

// Defaults implements widgets.Defaulter: 0 and false are choices an owner
// may make (no delay, no notices on phones, no viewer badge), so the
// defaults are set before the owner's JSON is decoded over them.
func (s *Settings) Defaults(site store.Site) {
	s.DelaySeconds = 5
	s.DisplaySeconds = 6
	s.IntervalSeconds = 10
	s.MaxPerVisit = 5
	s.MaxAgeHours = 168
	s.Mobile = true
	s.Viewers = Viewers{Enabled: true, Threshold: 3, Scope: "page"}
}

// Keep implements widgets.Keeper: settings saved without inbound.secret
// keep the stored one. The secret is part of the webhook URL the owner
// pasted into the shop; a save that leaves it out (the owner changed a
// template) must not move that URL behind their back. A new secret comes
// only with a new webhook, or when the owner sends one.
func (s *Settings) Keep(previous widgets.Settings) {
	old, ok := previous.(*Settings)
	if !ok || old.Inbound == nil || s.Inbound == nil || s.Inbound.Secret != "" {
		return
	}
	s.Inbound.Secret = old.Inbound.Secret
}

// Limits of the settings.
const (
	maxPageRules   = 50
	maxTemplateLen = 200
	maxAgeHours    = 720 // 30 days
)

// eventTypes are the kinds of events, each with its own template.
var eventTypes = []string{"purchase", "signup", "review", "custom"}

var placeholder = regexp.MustCompile(`\{[^{}]*\}`)

// Normalize implements widgets.Settings.
func (s *Settings) Normalize(site store.Site) error {
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&s.Position, "bottom-left")
	def(&s.Theme, "light")
	def(&s.NameDisplay, "first_name")
	def(&s.Viewers.Scope, "page")
	if s.IncludePages == nil {
		s.IncludePages = []string{}
	}
	if s.ExcludePages == nil {
		s.ExcludePages = []string{}
	}
	checks := []error{
		validate.OneOf("position", s.Position, "bottom-left", "bottom-right"),
		validate.OneOf("theme", s.Theme, "light", "dark"),
		between("delay_seconds", s.DelaySeconds, 0, 3600),
		between("display_seconds", s.DisplaySeconds, 2, 120),
		between("interval_seconds", s.IntervalSeconds, 0, 3600),
		between("max_per_visit", s.MaxPerVisit, 0, 100),
		validate.OneOf("name_display", s.NameDisplay, "first_name", "first_initial", "someone"),
		between("max_age_hours", s.MaxAgeHours, 1, maxAgeHours),
		pageRules("include_pages", s.IncludePages),
		pageRules("exclude_pages", s.ExcludePages),
		s.checkTemplates(),
		between("viewers.threshold", s.Viewers.Threshold, 1, 100000),
		validate.OneOf("viewers.scope", s.Viewers.Scope, "page", "site"),
		roundDown(s.Viewers.RoundDownTo),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if s.Inbound != nil {
		return validate.Prefix("inbound", s.Inbound.normalize())
	}
	return nil
}

func between(field string, v, lo, hi int) error {
	if v < lo || v > hi {
		return validate.Field(field, "must be between %d and %d", lo, hi)
	}
	return nil
}

func roundDown(v int) error {
	if v != 0 && v != 5 && v != 10 {
		return validate.Field("viewers.round_down_to", "must be 0 (exact), 5 or 10")
	}
	return nil
}

// pageRules checks path prefixes and globs as the bundle reads them:
// "/catalog", "/blog/*/reviews", "*.html".
func pageRules(field string, rules []string) error {
	if len(rules) > maxPageRules {
		return validate.Field(field, "at most %d rules are allowed", maxPageRules)
	}
	for i, r := range rules {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := validate.Line(f, r, true, 200); err != nil {
			return err
		}
		if !strings.HasPrefix(r, "/") && !strings.HasPrefix(r, "*") {
			return validate.Field(f, "must be a path such as /catalog or a glob such as /blog/* or *.html")
		}
	}
	return nil
}

// checkTemplates allows the event types, the languages and the
// placeholders {name}, {city} and {product} only, so a typo shows up on
// save rather than as "{nmae}" on the owner's site.
func (s *Settings) checkTemplates() error {
	for typ, texts := range s.Templates {
		if err := validate.OneOf("templates", typ, eventTypes...); err != nil {
			return validate.Field("templates."+typ, "unknown event type; use %s", strings.Join(eventTypes, ", "))
		}
		if err := validate.LocalizedLine("templates."+typ, texts, maxTemplateLen); err != nil {
			return err
		}
		for lang, text := range texts {
			for _, p := range placeholder.FindAllString(text, -1) {
				if p != "{name}" && p != "{city}" && p != "{product}" {
					return validate.Field("templates."+typ+"."+lang, "unknown placeholder %s; use {name}, {city} or {product}", p)
				}
			}
		}
	}
	return nil
}

// PublicSettings are what browsers get: the look and the timing, never the
// inbound webhook's secrets or mapping, nor Beckon-event switches.
type PublicSettings struct {
	Position        string                       `json:"position"`
	Theme           string                       `json:"theme"`
	DelaySeconds    int                          `json:"delay_seconds"`
	DisplaySeconds  int                          `json:"display_seconds"`
	IntervalSeconds int                          `json:"interval_seconds"`
	MaxPerVisit     int                          `json:"max_per_visit"`
	MaxAgeHours     int                          `json:"max_age_hours"`
	IncludePages    []string                     `json:"include_pages"`
	ExcludePages    []string                     `json:"exclude_pages"`
	Mobile          bool                         `json:"mobile"`
	Templates       map[string]map[string]string `json:"templates,omitempty"`
	Viewers         Viewers                      `json:"viewers"`
}

// Public implements widgets.Settings.
func (s *Settings) Public() any {
	return PublicSettings{Position: s.Position, Theme: s.Theme, DelaySeconds: s.DelaySeconds,
		DisplaySeconds: s.DisplaySeconds, IntervalSeconds: s.IntervalSeconds, MaxPerVisit: s.MaxPerVisit,
		MaxAgeHours: s.MaxAgeHours, IncludePages: s.IncludePages, ExcludePages: s.ExcludePages,
		Mobile: s.Mobile, Templates: s.Templates, Viewers: s.Viewers}
}

var secretChars = regexp.MustCompile(`^[A-Za-z0-9_-]{24,128}$`)

// newSecret is 32 hex characters from 16 random bytes.
func newSecret() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// normalize fills the platform's preset statuses and a secret, and
// checks the mapping's fields and paths.
func (in *Inbound) normalize() error {
	if err := validate.OneOf("platform", in.Platform, platformNames()...); err != nil {
		return err
	}
	if in.Secret == "" {
		in.Secret = newSecret()
	}
	if !secretChars.MatchString(in.Secret) {
		return validate.Field("secret", "must be 24 to 128 letters, digits, '-' or '_' (it is part of the webhook's URL); leave it out to have one generated")
	}
	if in.Platform == "woocommerce" && in.SigningSecret == "" {
		return validate.Field("signing_secret", "is required for WooCommerce: copy the webhook's Secret from WooCommerce → Settings → Advanced → Webhooks, so its signatures can be checked")
	}
	if err := validate.Line("signing_secret", in.SigningSecret, false, 200); err != nil {
		return err
	}
	for field, paths := range in.Mapping {
		f := "mapping." + field
		if !mappable[field] {
			return validate.Field(f, "unknown field; mappable are id, type, name, city, product, url, image, text, time and status")
		}
		if err := checkPaths(f, paths); err != nil {
			return err
		}
	}
	preset := presets[in.Platform]
	if in.Platform == "custom" && in.Mapping["id"] == "" {
		return validate.Field("mapping.id", "is required for a custom platform: the path of the order's id in its payload")
	}
	if len(in.PaidStatuses) == 0 {
		in.PaidStatuses = preset.paid
	}
	if len(in.CancelStatuses) == 0 {
		in.CancelStatuses = preset.cancel
	}
	if in.mappingOf()["status"] != "" && len(in.PaidStatuses) == 0 {
		return validate.Field("paid_statuses", "is required with mapping.status: the statuses of a paid order, such as [\"paid\"]")
	}
	for _, list := range []struct {
		field    string
		statuses []string
	}{{"paid_statuses", in.PaidStatuses}, {"cancel_statuses", in.CancelStatuses}} {
		if len(list.statuses) > 20 {
			return validate.Field(list.field, "at most 20 statuses are allowed")
		}
		for i, st := range list.statuses {
			if err := validate.Line(fmt.Sprintf("%s[%d]", list.field, i), st, true, 50); err != nil {
				return err
			}
		}
	}
	return nil
}

// Package consent is the checkbox by which a visitor agrees to the
// processing of their personal data, as 152-FZ (art. 9) and Ukraine's
// 2297-VI (art. 12) want it: a text per widget that names the operator,
// the purpose and the data; its own checkbox, about nothing but the data
// (what the form asks for is the form's business); a link to the owner's
// policy. Every widget that takes personal data (the callback form, the
// quiz's contact form) uses it, and each request keeps the exact text its
// visitor was shown.
package consent

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"time"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Purpose names the default text: what the data is processed for.
type Purpose string

// Purposes with a default text in i18n/consent.json.
const (
	Callback Purpose = "callback" // phone and name, to call back
	Lead     Purpose = "lead"     // contacts and answers, to reply to a request
)

var catalog = i18n.MustLoad[map[Purpose]string]("consent")

// Bounds, in characters.
const (
	maxOperator = 200
	maxText     = 1000
	maxVersion  = 40
	maxURL      = 2048
)

// Settings are a widget's consent checkbox, as the owner configures it.
type Settings struct {
	Required bool              `json:"required"`
	Text     map[string]string `json:"text"`          // per language; a language left out gets the default
	Operator string            `json:"operator"`      // who processes the data, named in the default text; default: the site's name
	Version  string            `json:"version"`       // stored with each request
	URL      string            `json:"url,omitempty"` // the owner's privacy policy, linked from the form
	// Purpose chooses the default text. Normalize sets it to the widget's
	// (an owner's value is replaced), and it is stored with the settings,
	// which are read back without normalizing; empty reads as Callback,
	// the purpose of settings stored before it existed.
	Purpose Purpose `json:"purpose,omitempty"`
}

// Normalize fills in the defaults (the operator is the site, version "1"
// once required) and checks the values; field prefixes error paths
// ("consent", "form.consent").
func (c *Settings) Normalize(site store.Site, field string, purpose Purpose) error {
	c.Purpose = purpose
	if err := validate.LocalizedText(field+".text", c.Text, maxText); err != nil {
		return err
	}
	if c.Operator == "" {
		c.Operator = site.Name
	}
	if err := validate.Line(field+".operator", c.Operator, c.Required, maxOperator); err != nil {
		return err
	}
	if c.Required && c.Version == "" {
		c.Version = "1"
	}
	if err := validatePolicyURL(field+".url", c.URL); err != nil {
		return err
	}
	return validate.Text(field+".version", c.Version, false, maxVersion)
}

// Texts is the consent text in each language: the owner's, else the
// default for the purpose, naming the operator.
func (c Settings) Texts() map[string]string {
	purpose := c.Purpose
	if purpose == "" {
		purpose = Callback
	}
	out := make(map[string]string, len(i18n.Langs))
	for _, lang := range i18n.Langs {
		if t := c.Text[lang]; t != "" {
			out[lang] = t
			continue
		}
		out[lang] = i18n.Fill(catalog[lang][purpose], map[string]string{"operator": c.Operator})
	}
	return out
}

// TextID names one exact consent text: the first 16 hex digits of its
// SHA-256. The widget sends it back with the request, so the record says
// which text the visitor saw even after the owner edits it.
func TextID(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:8])
}

// Public is the consent as browsers get it: the texts in every language
// and the id of each.
type Public struct {
	Settings
	TextIDs map[string]string `json:"text_ids"`
}

// Public returns what the widget shows; without a required checkbox only
// the policy link.
func (c Settings) Public() Public {
	if !c.Required {
		return Public{Settings: Settings{Required: false, URL: c.URL}}
	}
	p := Public{Settings: c, TextIDs: map[string]string{}}
	p.Text = c.Texts()
	for lang, t := range p.Text {
		p.TextIDs[lang] = TextID(t)
	}
	return p
}

// Record is what a request keeps of the consent its visitor gave: the
// owner's version label and the exact text (by the id the widget sent).
// A text edited since the page loaded is no longer known here: the id
// alone stays, which still names the text that was shown.
func (c Settings) Record(textID, ip string, now time.Time) *store.Consent {
	r := &store.Consent{Version: c.Version, TextID: textID, At: now, IP: ip}
	for lang, t := range c.Texts() {
		if textID != "" && TextID(t) == textID {
			r.Lang, r.Text = lang, t
		}
	}
	return r
}

// validatePolicyURL accepts an empty value or an absolute https URL that a
// visitor's browser can open from the form.
func validatePolicyURL(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(raw) > maxURL {
		return validate.Field(field, "must be an https:// URL of the privacy policy, up to 2048 characters, e.g. https://shop.example/privacy")
	}
	return nil
}

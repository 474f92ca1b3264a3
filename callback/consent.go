package callback

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Consent to the processing of personal data, as 152-FZ (art. 9) and
// Ukraine's 2297-VI (art. 12) want it: a text per widget that names the
// operator, the purpose and the data; its own checkbox, about nothing but
// the data (the callback itself is what the form asks for); a link to the
// owner's policy (URL). Each request keeps the exact text it was shown.

type consentTexts struct {
	Default string `json:"default"` // {operator}; [words] link to the policy
}

var consentCatalog = i18n.MustLoad[consentTexts]("consent")

// maxOperator bounds the operator's name, characters.
const maxOperator = 200

func (s *Settings) normalizeConsent(site store.Site) error {
	c := &s.Consent
	if err := validate.LocalizedText("consent.text", c.Text, 1000); err != nil {
		return err
	}
	if c.Operator == "" {
		c.Operator = site.Name
	}
	if err := validate.Line("consent.operator", c.Operator, c.Required, maxOperator); err != nil {
		return err
	}
	if c.Required && c.Version == "" {
		c.Version = "1"
	}
	if err := validatePolicyURL("consent.url", c.URL); err != nil {
		return err
	}
	return validate.Text("consent.version", c.Version, false, 40)
}

// Texts is the consent text in each language: the owner's, else the
// default naming the operator.
func (c Consent) Texts() map[string]string {
	out := make(map[string]string, len(i18n.Langs))
	for _, lang := range i18n.Langs {
		if t := c.Text[lang]; t != "" {
			out[lang] = t
			continue
		}
		out[lang] = i18n.Fill(consentCatalog[lang].Default, map[string]string{"operator": c.Operator})
	}
	return out
}

// ConsentTextID names one exact consent text: the first 16 hex digits of
// its SHA-256. The widget sends it back with the request, so the record
// says which text the visitor saw even after the owner edits it.
func ConsentTextID(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:8])
}

// PublicConsent is the consent as browsers get it: the texts in every
// language and the id of each.
type PublicConsent struct {
	Consent
	TextIDs map[string]string `json:"text_ids"`
}

func (c Consent) public() PublicConsent {
	if !c.Required {
		return PublicConsent{Consent: Consent{Required: false, URL: c.URL}}
	}
	p := PublicConsent{Consent: c, TextIDs: map[string]string{}}
	p.Text = c.Texts()
	for lang, t := range p.Text {
		p.TextIDs[lang] = ConsentTextID(t)
	}
	return p
}

// record is what a request keeps of the consent its visitor gave: the
// owner's version label and the exact text (by the id the widget sent).
// A text edited since the page loaded is no longer known here: the id
// alone stays, which still names the text that was shown.
func (c Consent) record(textID, ip string, now time.Time) *store.Consent {
	r := &store.Consent{Version: c.Version, TextID: textID, At: now, IP: ip}
	for lang, t := range c.Texts() {
		if textID != "" && ConsentTextID(t) == textID {
			r.Lang, r.Text = lang, t
		}
	}
	return r
}

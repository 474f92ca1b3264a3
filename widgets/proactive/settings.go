package proactive

import (
	"regexp"

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
	maxName   = 60
	maxText   = 300
	maxLabel  = 40
	maxButton = 60
	maxThanks = 300
	maxURL    = 2048
)

// Settings of a proactive message, as stored; docs/API.md documents each
// field and its default.
type Settings struct {
	Name  ownertext.Text `json:"name"`            // who the message is from ("Анна, консультант")
	Photo string         `json:"photo,omitempty"` // https URL; initials of Name otherwise
	Text  ownertext.Text `json:"text"`
	// Label tells the visitor the message is automated. It is always shown
	// next to the name and cannot be empty: nobody is led to believe a
	// person is typing. Languages the owner leaves out get Beckon's text.
	Label ownertext.Text `json:"label"`
	// TypingIndicator shows a short "…" before the text (still labelled).
	TypingIndicator bool    `json:"typing_indicator"`
	Action          *Action `json:"action"`
	// Reply shows a reply field under the message; a reply is a lead.
	Reply      bool             `json:"reply"`
	AskContact string           `json:"ask_contact"` // none, phone, email or phone_or_email
	Thanks     ownertext.Text   `json:"thanks,omitempty"`
	Position   string           `json:"position"` // bottom-right or bottom-left
	Color      string           `json:"color"`
	Consent    consent.Settings `json:"consent"`
	// Triggers are required: a proactive message appears only when one
	// fires (or the page calls beckon('open'|'show')).
	Triggers *triggers.Settings `json:"triggers"`
}

// Action is what the message's button does.
type Action struct {
	Type     string         `json:"type"`                // reply, callback, quiz, popup or link
	WidgetID string         `json:"widget_id,omitempty"` // callback, quiz, popup: the site's widget it opens
	URL      string         `json:"url,omitempty"`       // link
	Label    ownertext.Text `json:"label,omitempty"`     // the button; default per type
}

var (
	_ widgets.Settings  = (*Settings)(nil)
	_ widgets.Defaulter = (*Settings)(nil)
	_ triggers.Carrier  = (*Settings)(nil)
)

// Defaults, named so docs and code cannot drift.
const (
	DefaultPosition   = "bottom-right"
	DefaultColor      = "#2563eb"
	DefaultAskContact = "phone_or_email"
	DefaultAction     = "reply"
)

// Values the settings accept.
var (
	positions   = []string{"bottom-right", "bottom-left"}
	actionTypes = []string{"reply", "callback", "quiz", "popup", "link"}
	askContacts = []string{"none", "phone", "email", "phone_or_email"}
	widgetIDRe  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// texts is the widget's catalogue; Go reads the default label from it.
var texts = i18n.MustLoad[map[string]string]("proactive_widget")

// Defaults implements widgets.Defaulter: reply is on unless the owner
// turns it off (an explicit false must stay false).
func (s *Settings) Defaults(store.Site) { s.Reply = true }

// Normalize implements widgets.Settings: fills defaults and checks every
// field; errors name the JSON path (action.widget_id).
func (s *Settings) Normalize(site store.Site) error {
	locale := i18n.Lang(site.Locale)
	if err := ownertext.Normalize("name", &s.Name, locale, true, true, maxName); err != nil {
		return err
	}
	if err := checkHTTPS("photo", s.Photo); err != nil {
		return err
	}
	if err := ownertext.Normalize("text", &s.Text, locale, true, false, maxText); err != nil {
		return err
	}
	if err := s.normalizeLabel(locale); err != nil {
		return err
	}
	if s.Action == nil {
		s.Action = &Action{Type: DefaultAction}
	}
	if err := s.Action.normalize(locale); err != nil {
		return validate.Prefix("action", err)
	}
	if s.Action.Type == "reply" && !s.Reply {
		return validate.Field("reply", `cannot be false with the action "reply": the message would offer nothing`)
	}
	if s.AskContact == "" {
		s.AskContact = DefaultAskContact
	}
	if err := validate.OneOf("ask_contact", s.AskContact, askContacts...); err != nil {
		return err
	}
	if err := ownertext.Normalize("thanks", &s.Thanks, locale, false, false, maxThanks); err != nil {
		return err
	}
	if s.Position == "" {
		s.Position = DefaultPosition
	}
	if err := validate.OneOf("position", s.Position, positions...); err != nil {
		return err
	}
	if s.Color == "" {
		s.Color = DefaultColor
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if err := s.Consent.Normalize(site, "consent", consent.Lead); err != nil {
		return err
	}
	if s.Consent.Required && s.AskContact == "none" {
		return validate.Field("consent.required", `has no form to go with: ask_contact is "none", so replies carry no contacts`)
	}
	if s.Triggers == nil {
		return validate.Field("triggers", `is required: a proactive message appears only when a trigger fires, e.g. {"on":[{"type":"time_on_page","seconds":20}]}`)
	}
	return s.Triggers.Normalize("triggers")
}

// normalizeLabel keeps the owner's label per language and gives every
// language left out Beckon's own; an empty label is refused.
func (s *Settings) normalizeLabel(locale string) error {
	if s.Label != nil {
		if err := ownertext.Normalize("label", &s.Label, locale, true, true, maxLabel); err != nil {
			if e, ok := err.(*validate.Error); ok && e.Field == "label" {
				return validate.Field("label", "cannot be empty: visitors are always told the message is automated; leave it out for the default")
			}
			return err
		}
	}
	if s.Label == nil {
		s.Label = ownertext.Text{}
	}
	for _, lang := range i18n.Langs {
		if s.Label[lang] == "" {
			s.Label[lang] = texts[lang]["label"]
		}
	}
	return nil
}

func (a *Action) normalize(locale string) error {
	if err := validate.OneOf("type", a.Type, actionTypes...); err != nil {
		return err
	}
	if err := ownertext.Normalize("label", &a.Label, locale, false, true, maxButton); err != nil {
		return err
	}
	switch a.Type {
	case "callback", "quiz", "popup":
		if !widgetIDRe.MatchString(a.WidgetID) {
			return validate.Field("widget_id", "is required for the action %q: the id of the site's %s widget to open", a.Type, a.Type)
		}
		if a.URL != "" {
			return validate.Field("url", "is not used by the action %q", a.Type)
		}
	case "link":
		if err := checkLink("url", a.URL); err != nil {
			return err
		}
		if a.WidgetID != "" {
			return validate.Field("widget_id", `is not used by the action "link"`)
		}
	case "reply":
		if a.WidgetID != "" || a.URL != "" || a.Label != nil {
			field := map[bool]string{true: "widget_id", false: "url"}[a.WidgetID != ""]
			if a.Label != nil {
				field = "label"
			}
			return validate.Field(field, `is not used by the action "reply": the reply field is the action`)
		}
	}
	return nil
}

// Public implements widgets.Settings: everything but the consent's
// internals goes to browsers.
func (s *Settings) Public() any {
	return publicSettings{Name: s.Name, Photo: s.Photo, Text: s.Text, Label: s.Label, TypingIndicator: s.TypingIndicator,
		Action: s.Action, Reply: s.Reply, AskContact: s.AskContact, Thanks: s.Thanks, Position: s.Position, Color: s.Color,
		Consent: s.Consent.Public(), Triggers: s.Triggers}
}

type publicSettings struct {
	Name            ownertext.Text     `json:"name"`
	Photo           string             `json:"photo,omitempty"`
	Text            ownertext.Text     `json:"text"`
	Label           ownertext.Text     `json:"label"`
	TypingIndicator bool               `json:"typing_indicator"`
	Action          *Action            `json:"action"`
	Reply           bool               `json:"reply"`
	AskContact      string             `json:"ask_contact"`
	Thanks          ownertext.Text     `json:"thanks,omitempty"`
	Position        string             `json:"position"`
	Color           string             `json:"color"`
	Consent         consent.Public     `json:"consent"`
	Triggers        *triggers.Settings `json:"triggers"`
}

// TriggerBlock is the widget's trigger block (triggers.Carrier).
func (s *Settings) TriggerBlock() *triggers.Settings { return s.Triggers }

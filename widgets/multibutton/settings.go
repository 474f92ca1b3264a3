// Package multibutton is the multi-button widget: one floating button that
// opens a fan of the site's ways to reach it (its callback, quiz and pop-up
// widgets, a phone number, e-mail, messengers, links), in the owner's
// order, and counts the visitors' clicks per channel.
package multibutton

import (
	"slices"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/ownertext"
)

// Bounds of the settings.
const (
	minChannels = 1
	maxChannels = 12
	maxLabel    = 60 // characters of a label
)

// Defaults, named so docs and code cannot drift.
const (
	DefaultColor    = "#2563eb"
	DefaultPosition = "bottom-right"
	DefaultIcon     = "chat"
)

// Settings of a multi-button widget, as stored; docs/API.md documents each
// field and its default.
type Settings struct {
	// Channels are the fan's items, in the order the visitor sees them
	// (the first nearest the button).
	Channels []Channel      `json:"channels"`
	Label    ownertext.Text `json:"label,omitempty"` // the button's name; default from i18n
	Color    string         `json:"color"`
	Position string         `json:"position"` // bottom-right or bottom-left
	Icon     string         `json:"icon"`     // one of Icons

	// siteWidgets lists the site's stored widgets, so that Normalize can
	// check that a widget channel names one; set by Module.NewSettings.
	siteWidgets widgetLister
}

// Channel is one item of the fan. Widget channels (callback, quiz, popup)
// name a widget of the site; the others reach the site's owner through a
// link built from Value.
type Channel struct {
	Type     string         `json:"type"`
	WidgetID string         `json:"widget_id,omitempty"`
	Value    string         `json:"value,omitempty"`
	Label    ownertext.Text `json:"label,omitempty"` // default from i18n; required for link
	Icon     string         `json:"icon,omitempty"`  // default: the type's own
}

var (
	_ widgets.Settings = (*Settings)(nil)
	_ widgets.Host     = (*Settings)(nil)
)

// Values the settings accept.
var (
	positions = []string{"bottom-right", "bottom-left"}
	// widgetTypes are the channel types that open another widget of the site.
	widgetTypes = []string{"callback", "quiz", "popup"}
	// linkTypes are the channel types that are a link.
	linkTypes = []string{"phone", "email", "telegram", "whatsapp", "viber", "vk", "max", "link"}
	// Icons are the glyphs the bundle carries (embed/src/widgets/multibutton/icons.ts).
	Icons = []string{"chat", "phone", "callback", "quiz", "popup", "email", "telegram", "whatsapp",
		"viber", "vk", "max", "link", "map", "cart", "info"}
)

// Normalize implements widgets.Settings: fills defaults and checks every
// field; errors name the JSON path (channels[2].value).
func (s *Settings) Normalize(site store.Site) error {
	locale := i18n.Lang(site.Locale)
	if s.Color == "" {
		s.Color = DefaultColor
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if s.Position == "" {
		s.Position = DefaultPosition
	}
	if err := validate.OneOf("position", s.Position, positions...); err != nil {
		return err
	}
	if s.Icon == "" {
		s.Icon = DefaultIcon
	}
	if err := validate.OneOf("icon", s.Icon, Icons...); err != nil {
		return err
	}
	if err := ownertext.Normalize("label", &s.Label, locale, false, true, maxLabel); err != nil {
		return err
	}
	if len(s.Channels) < minChannels || len(s.Channels) > maxChannels {
		return validate.Field("channels", "must list %d to %d channels, not %d", minChannels, maxChannels, len(s.Channels))
	}
	var siteWidgets []store.Widget
	for i := range s.Channels {
		c := &s.Channels[i]
		field := fieldOf(i)
		if slices.Contains(widgetTypes, c.Type) && siteWidgets == nil && s.siteWidgets != nil {
			list, err := s.siteWidgets(site.ID)
			if err != nil {
				return err
			}
			siteWidgets = list
		}
		if err := c.normalize(field, site, locale, siteWidgets); err != nil {
			return err
		}
		for j := range i {
			if s.Channels[j].key() == c.key() {
				return validate.Field(field, "repeats channels[%d]", j)
			}
		}
	}
	return nil
}

// Hosted implements widgets.Host: the widgets the fan opens draw no
// floating button of their own.
func (s *Settings) Hosted() []string {
	var ids []string
	for _, c := range s.Channels {
		if c.WidgetID != "" {
			ids = append(ids, c.WidgetID)
		}
	}
	return ids
}

// PublicChannel is a channel as browsers get it: the link is built.
type PublicChannel struct {
	Type     string         `json:"type"`
	WidgetID string         `json:"widget_id,omitempty"`
	Href     string         `json:"href,omitempty"`
	Label    ownertext.Text `json:"label,omitempty"`
	Icon     string         `json:"icon"`
}

// PublicSettings are the settings browsers get.
type PublicSettings struct {
	Channels []PublicChannel `json:"channels"`
	Label    ownertext.Text  `json:"label,omitempty"`
	Color    string          `json:"color"`
	Position string          `json:"position"`
	Icon     string          `json:"icon"`
}

// Public implements widgets.Settings: nothing here is secret; each link
// channel carries its href, so the bundle builds no URL itself.
func (s *Settings) Public() any {
	p := PublicSettings{Label: s.Label, Color: s.Color, Position: s.Position, Icon: s.Icon, Channels: []PublicChannel{}}
	for _, c := range s.Channels {
		icon := c.Icon
		if icon == "" {
			icon = c.Type
		}
		p.Channels = append(p.Channels, PublicChannel{Type: c.Type, WidgetID: c.WidgetID, Href: c.href(), Label: c.Label, Icon: icon})
	}
	return p
}

// Package callback is the callback bridge: the widget's settings, and (in
// coming work) intake, the durable queue, workers, the call state machine and
// the telephony providers.
package callback

import (
	"fmt"

	"github.com/nyaruka/phonenumbers"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Settings of a callback widget.
type Settings struct {
	Position   string            `json:"position"`    // bottom-right (default) or bottom-left
	Color      string            `json:"color"`       // button colour, #rrggbb
	ButtonText map[string]string `json:"button_text"` // per language; the widget has defaults
	Managers   []Manager         `json:"managers"`    // private: never sent to browsers
}

// Manager is a person whose phone rings first.
type Manager struct {
	Name  string `json:"name"`
	Phone string `json:"phone"` // E.164 once normalised
}

// Public is what browsers see: the look, never the managers.
type Public struct {
	Position   string            `json:"position"`
	Color      string            `json:"color"`
	ButtonText map[string]string `json:"button_text,omitempty"`
}

// Normalize fills defaults, checks the settings and rewrites managers'
// phones to E.164 using the site's region.
func (s *Settings) Normalize(site store.Site) error {
	if s.Position == "" {
		s.Position = "bottom-right"
	}
	if s.Color == "" {
		s.Color = "#16a34a"
	}
	if err := validate.OneOf("position", s.Position, "bottom-right", "bottom-left"); err != nil {
		return err
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if err := validate.LocalizedText("button_text", s.ButtonText, 40); err != nil {
		return err
	}
	for i := range s.Managers {
		m := &s.Managers[i]
		field := fmt.Sprintf("managers[%d]", i)
		if err := validate.Text(field+".name", m.Name, true, 100); err != nil {
			return err
		}
		num, err := phonenumbers.Parse(m.Phone, site.Region)
		if err != nil || !phonenumbers.IsValidNumber(num) {
			return validate.Field(field+".phone", "is not a valid phone number for region %s", site.Region)
		}
		m.Phone = phonenumbers.Format(num, phonenumbers.E164)
	}
	if s.Managers == nil {
		s.Managers = []Manager{}
	}
	return nil
}

// Public implements widgets.Settings.
func (s *Settings) Public() any {
	return Public{Position: s.Position, Color: s.Color, ButtonText: s.ButtonText}
}

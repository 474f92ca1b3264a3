package widgets

import (
	"encoding/json"
	"errors"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Settings is what a widget type's settings struct implements.
type Settings interface {
	// Normalize fills defaults and checks the settings for site; errors are
	// *validate.Error naming the field relative to the settings object.
	Normalize(site store.Site) error
	// Public is the part sent to browsers in the site's public config.
	Public() any
}

// Defaulter is implemented by settings with a default that differs from a
// value the owner may choose on purpose (visitor_retries: 2 by default, 0
// allowed). Defaults fills them in before the owner's JSON is decoded over
// them, so a field left out gets its default and an explicit 0 stays 0.
type Defaulter interface {
	Defaults(site store.Site)
}

// Webhooker is implemented by settings that name where the owner's
// webhooks go (notify_url and notify_secret); ok is false when they name
// none.
type Webhooker interface {
	Webhook() (url, secret string, ok bool)
}

// Normalize decodes raw settings of m's type strictly, validates them for
// site and returns them with defaults filled in. Errors are
// *validate.Error with the field under "settings".
func Normalize(m Module, raw json.RawMessage, site store.Site) (json.RawMessage, error) {
	s := m.NewSettings()
	if len(raw) == 0 || string(raw) == "null" {
		raw = json.RawMessage("{}")
	}
	if d, ok := s.(Defaulter); ok {
		d.Defaults(site)
	}
	if err := validate.DecodeJSON(raw, s); err != nil {
		var se *validate.SyntaxError
		if errors.As(err, &se) {
			return nil, validate.Prefix("settings", &validate.Error{Field: se.Field, Message: se.Message})
		}
		return nil, err
	}
	if err := s.Normalize(site); err != nil {
		return nil, validate.Prefix("settings", err)
	}
	return json.Marshal(s)
}

// Parse decodes settings stored by Normalize.
func Parse(m Module, stored json.RawMessage) (Settings, error) {
	s := m.NewSettings()
	if err := json.Unmarshal(stored, s); err != nil {
		return nil, err
	}
	return s, nil
}

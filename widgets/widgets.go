// Package widgets knows every widget type Beckon serves: it validates a
// type's settings and says which part of them visitors' browsers may see. The
// types themselves live in their own packages (callback, countdown, quiz,
// socialproof); adding a type is one line in Types.
package widgets

import (
	"encoding/json"
	"errors"
	"sort"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets/countdown"
	"github.com/beckonhq/beckon/widgets/quiz"
	"github.com/beckonhq/beckon/widgets/socialproof"
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

// Type validates and projects the settings of one widget type.
type Type struct {
	newSettings func() Settings
}

func typeOf[T any, PT interface {
	*T
	Settings
}]() Type {
	return Type{newSettings: func() Settings { return PT(new(T)) }}
}

// Types maps the API's type names to their settings.
var Types = map[string]Type{
	"callback":     typeOf[callback.Settings](),
	"countdown":    typeOf[countdown.Settings](),
	"quiz":         typeOf[quiz.Settings](),
	"social_proof": typeOf[socialproof.Settings](),
}

// Names lists the known type names, sorted.
func Names() []string {
	names := make([]string, 0, len(Types))
	for n := range Types {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Normalize decodes raw settings strictly, validates them for site and
// returns them with defaults filled in. Errors are *validate.Error with the
// field under "settings".
func (t Type) Normalize(raw json.RawMessage, site store.Site) (json.RawMessage, error) {
	s := t.newSettings()
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

// Public returns the browser-visible part of stored settings.
func (t Type) Public(stored json.RawMessage) (any, error) {
	s := t.newSettings()
	if err := json.Unmarshal(stored, s); err != nil {
		return nil, err
	}
	return s.Public(), nil
}

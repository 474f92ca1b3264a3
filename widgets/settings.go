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

// Keeper is implemented by settings that keep part of the stored settings
// when an update leaves it out: a value Beckon generated that the owner
// never typed (the social proof webhook's secret, part of a URL pasted
// into a shop). Keep is called on the decoded update, before Normalize,
// with the settings stored until now.
type Keeper interface {
	Keep(previous Settings)
}

// Webhooker is implemented by settings that name where the owner's
// webhooks go (notify_url and notify_secret); ok is false when they name
// none.
type Webhooker interface {
	Webhook() (url, secret string, ok bool)
}

// CodeGiver is implemented by settings of widgets that hand visitors a promo
// code (the pop-up): POST /w/v1/{siteKey}/widgets/{wid}/claim serves them.
// ok is false when the widget, as configured, gives no code.
type CodeGiver interface {
	Codes() (offer CodeOffer, ok bool)
}

// CodeOffer is how a widget gives codes: one code shared by every visitor,
// or unique codes from a site's pool, one per visitor.
type CodeOffer struct {
	// Shared is the one code every visitor gets; PoolID is ignored then.
	Shared string
	// PoolID names the site's code pool (POST /api/v1/sites/{id}/code-pools).
	PoolID string
	// ClaimsPerIP bounds the claims from one client address to one pool per
	// hour, so a script inventing visitor IDs cannot drain the pool; 0 is
	// the default (codepools.DefaultClaimsPerIP).
	ClaimsPerIP int
}

// Host is implemented by settings of a widget that shows other widgets'
// launchers (the multi-button): the widgets it names lose their own
// floating button on the page, and /config marks each with "hosted_by"
// and the host's id, so a page never shows two buttons in one corner.
type Host interface {
	Hosted() []string
}

// Normalize decodes raw settings of m's type strictly, validates them for
// site and returns them with defaults filled in. Errors are
// *validate.Error with the field under "settings".
func Normalize(m Module, raw json.RawMessage, site store.Site) (json.RawMessage, error) {
	return NormalizeUpdate(m, raw, nil, site)
}

// NormalizeUpdate is Normalize for new settings replacing previous (the
// stored ones; nil for a new widget): settings that are a Keeper keep
// what the update leaves out.
func NormalizeUpdate(m Module, raw, previous json.RawMessage, site store.Site) (json.RawMessage, error) {
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
	if k, ok := s.(Keeper); ok && len(previous) > 0 {
		if old, err := Parse(m, previous); err == nil {
			k.Keep(old)
		}
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

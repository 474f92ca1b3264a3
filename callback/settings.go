// Package callback is the callback bridge: the widget's settings, intake
// checks, the durable queue's worker, the call state machine and the
// telephony providers behind one interface.
package callback

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/contact"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// Settings of a callback widget. Defaults are filled by Normalize and
// documented in docs/API.md.
type Settings struct {
	// Look.
	Position   string            `json:"position"`    // bottom-right (default) or bottom-left
	Color      string            `json:"color"`       // button colour, #rrggbb
	ButtonText map[string]string `json:"button_text"` // per language; the widget has defaults
	Title      map[string]string `json:"title"`       // the panel's heading; the widget has defaults

	// Who is rung, and how.
	Managers           []Manager `json:"managers"` // private: never sent to browsers
	Strategy           string    `json:"strategy"` // in_order (default) or all_at_once
	ManagerRingSeconds int       `json:"manager_ring_seconds"`
	VisitorRingSeconds int       `json:"visitor_ring_seconds"`
	VisitorRetries     int       `json:"visitor_retries"`     // further tries when the visitor does not answer
	RetryDelaySeconds  int       `json:"retry_delay_seconds"` // between tries
	MachineDetection   *bool     `json:"machine_detection"`   // on the visitor's leg, where the provider offers it
	CallerID           string    `json:"caller_id"`           // the number the visitor sees; the provider's default when empty
	Record             bool      `json:"record"`
	WorkingHours       []Hours   `json:"working_hours"` // empty: always open
	SlotMinutes        int       `json:"slot_minutes"`  // "call me at …" granularity

	// Consent (152-FZ style): an unticked checkbox the visitor must tick.
	Consent consent.Settings `json:"consent"`

	// Abuse limits, per rolling hour unless named otherwise.
	AllowedCallingCodes []int     `json:"allowed_calling_codes"` // default: the site's region's code
	Limits              Limits    `json:"limits"`
	Blocklist           Blocklist `json:"blocklist"`

	// Missed-callback notification to the site's own endpoint.
	NotifyURL    string `json:"notify_url"`
	NotifySecret string `json:"notify_secret"` // whsec_…; generated when a URL is set without one

	// Triggers open the panel by themselves (time on page, exit intent,
	// the owner's push…; docs/TRIGGERS.md); nil: only the button and the
	// page API open it.
	Triggers *triggers.Settings `json:"triggers,omitempty"`

	// allowPrivate is the operator's BECKON_WEBHOOK_ALLOW_PRIVATE, set by
	// the module that made the value (Module.NewSettings).
	allowPrivate bool
}

// Manager is a person whose phone rings first.
type Manager struct {
	Name     string  `json:"name"`
	Phone    string  `json:"phone"`    // E.164 once normalised
	Priority int     `json:"priority"` // lower rings first
	Hours    []Hours `json:"hours"`    // empty: the widget's working hours
	// Email is the manager's dashboard account, optional: the dashboard
	// shows a manager the calls they took and the ones nobody took yet.
	Email string `json:"email,omitempty"`
}

// Hours is one span of working time in the site's timezone.
type Hours struct {
	Days []int  `json:"days"` // 0=Sunday … 6=Saturday; empty: every day
	From string `json:"from"` // HH:MM
	To   string `json:"to"`   // HH:MM, after From
}

// Limits bound how often one number, address or visitor may ask, and how
// many requests a site takes per day.
type Limits struct {
	PerNumber       int `json:"per_number"`        // same number, this site, per hour
	PerNumberGlobal int `json:"per_number_global"` // same number, all sites, per hour
	PerIP           int `json:"per_ip"`            // per hour
	PerVisitor      int `json:"per_visitor"`       // per hour
	DailyBudget     int `json:"daily_budget"`      // requests per day (site's timezone)
}

// Blocklist refuses numbers, number prefixes and visitor ids.
type Blocklist struct {
	Numbers  []string `json:"numbers"`  // E.164 once normalised
	Prefixes []string `json:"prefixes"` // e.g. +7900
	Visitors []string `json:"visitors"`
}

// Defaults, named so docs and code cannot drift.
const (
	DefaultManagerRingSeconds = 20
	DefaultVisitorRingSeconds = 30
	DefaultVisitorRetries     = 2
	DefaultRetryDelaySeconds  = 60
	DefaultSlotMinutes        = 30
	DefaultPerNumber          = 3
	DefaultPerNumberGlobal    = 6
	DefaultPerIP              = 10
	DefaultPerVisitor         = 5
	DefaultDailyBudget        = 500
)

// Public is what browsers see: the look and the consent text, never the
// managers, limits or lists.
type Public struct {
	Position     string            `json:"position"`
	Color        string            `json:"color"`
	ButtonText   map[string]string `json:"button_text,omitempty"`
	Title        map[string]string `json:"title,omitempty"`
	Consent      consent.Public    `json:"consent"`
	CallingCodes []int             `json:"calling_codes"` // accepted country calling codes
	// Triggers is public whole: the engine in the browser needs every field.
	Triggers *triggers.Settings `json:"triggers,omitempty"`
}

// Normalize fills defaults, checks the settings and rewrites phones to
// E.164 using the site's region.
func (s *Settings) Normalize(site store.Site) error {
	s.fillDefaults(site)
	if err := validate.OneOf("position", s.Position, "bottom-right", "bottom-left"); err != nil {
		return err
	}
	if s.Triggers != nil {
		if err := s.Triggers.Normalize("triggers"); err != nil {
			return err
		}
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if err := validate.LocalizedLine("button_text", s.ButtonText, 40); err != nil {
		return err
	}
	if err := validate.LocalizedLine("title", s.Title, 80); err != nil {
		return err
	}
	if err := s.normalizeManagers(site); err != nil {
		return err
	}
	if err := validate.OneOf("strategy", s.Strategy, "in_order", "all_at_once"); err != nil {
		return err
	}
	for _, r := range []struct {
		field    string
		v, lo, h int
	}{
		{"manager_ring_seconds", s.ManagerRingSeconds, 5, 120},
		{"visitor_ring_seconds", s.VisitorRingSeconds, 5, 120},
		{"visitor_retries", s.VisitorRetries, 0, 5},
		{"retry_delay_seconds", s.RetryDelaySeconds, 10, 3600},
		{"slot_minutes", s.SlotMinutes, 5, 240},
		{"limits.per_number", s.Limits.PerNumber, 1, 1000},
		{"limits.per_number_global", s.Limits.PerNumberGlobal, 1, 1000},
		{"limits.per_ip", s.Limits.PerIP, 1, 100000},
		{"limits.per_visitor", s.Limits.PerVisitor, 1, 1000},
		{"limits.daily_budget", s.Limits.DailyBudget, 1, 1000000},
	} {
		if r.v < r.lo || r.v > r.h {
			return validate.Field(r.field, "must be between %d and %d", r.lo, r.h)
		}
	}
	if s.CallerID != "" {
		p, err := e164(s.CallerID, site.Region)
		if err != nil {
			return validate.Field("caller_id", "is not a valid phone number for region %s", site.Region)
		}
		s.CallerID = p
	}
	if err := validateHours("working_hours", s.WorkingHours); err != nil {
		return err
	}
	if err := s.Consent.Normalize(site, "consent", consent.Callback); err != nil {
		return err
	}
	for i, code := range s.AllowedCallingCodes {
		switch phonenumbers.GetRegionCodeForCountryCode(code) {
		case phonenumbers.UNKNOWN_REGION:
			return validate.Field(fmt.Sprintf("allowed_calling_codes[%d]", i), "%d is not a country calling code", code)
		case phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
			// The intake refuses these numbers anyway (see nonGeographic):
			// an allowlist that names them would promise what never happens.
			return validate.Field(fmt.Sprintf("allowed_calling_codes[%d]", i),
				"+%d is the code of no country (satellite phones, international networks): such numbers are never called back", code)
		}
	}
	if err := s.normalizeBlocklist(site); err != nil {
		return err
	}
	return s.normalizeNotify()
}

// Defaults implements widgets.Defaulter: settings where 0 is a valid
// choice get their default before the owner's JSON is read over them.
func (s *Settings) Defaults(site store.Site) {
	s.VisitorRetries = DefaultVisitorRetries
}

func (s *Settings) fillDefaults(site store.Site) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	if s.Position == "" {
		s.Position = "bottom-right"
	}
	if s.Color == "" {
		s.Color = "#16a34a"
	}
	if s.Strategy == "" {
		s.Strategy = "in_order"
	}
	def(&s.ManagerRingSeconds, DefaultManagerRingSeconds)
	def(&s.VisitorRingSeconds, DefaultVisitorRingSeconds)
	def(&s.RetryDelaySeconds, DefaultRetryDelaySeconds)
	def(&s.SlotMinutes, DefaultSlotMinutes)
	def(&s.Limits.PerNumber, DefaultPerNumber)
	def(&s.Limits.PerNumberGlobal, DefaultPerNumberGlobal)
	def(&s.Limits.PerIP, DefaultPerIP)
	def(&s.Limits.PerVisitor, DefaultPerVisitor)
	def(&s.Limits.DailyBudget, DefaultDailyBudget)
	if s.MachineDetection == nil {
		on := true
		s.MachineDetection = &on
	}
	if len(s.AllowedCallingCodes) == 0 {
		if code := phonenumbers.GetCountryCodeForRegion(site.Region); code != 0 {
			s.AllowedCallingCodes = []int{code}
		}
	}
	if s.Managers == nil {
		s.Managers = []Manager{}
	}
	// Empty lists, not null, so GET shows what the defaults mean.
	if s.WorkingHours == nil {
		s.WorkingHours = []Hours{}
	}
	for _, list := range []*[]string{&s.Blocklist.Numbers, &s.Blocklist.Prefixes, &s.Blocklist.Visitors} {
		if *list == nil {
			*list = []string{}
		}
	}
}

func (s *Settings) normalizeManagers(site store.Site) error {
	for i := range s.Managers {
		m := &s.Managers[i]
		field := fmt.Sprintf("managers[%d]", i)
		if err := validate.Line(field+".name", m.Name, true, 100); err != nil {
			return err
		}
		p, err := e164(m.Phone, site.Region)
		if err != nil {
			return validate.Field(field+".phone", "is not a valid phone number for region %s", site.Region)
		}
		m.Phone = p
		if m.Email != "" {
			e, err := contact.Email(strings.TrimSpace(m.Email), false)
			if err != nil {
				return validate.Prefix(field, err)
			}
			m.Email = strings.ToLower(e)
		}
		if err := validateHours(field+".hours", m.Hours); err != nil {
			return err
		}
	}
	// Lower priority first; equal priorities keep the owner's order.
	slices.SortStableFunc(s.Managers, func(a, b Manager) int { return a.Priority - b.Priority })
	return nil
}

func (s *Settings) normalizeBlocklist(site store.Site) error {
	for i, n := range s.Blocklist.Numbers {
		p, err := e164(n, site.Region)
		if err != nil {
			return validate.Field(fmt.Sprintf("blocklist.numbers[%d]", i), "is not a valid phone number for region %s", site.Region)
		}
		s.Blocklist.Numbers[i] = p
	}
	for i, p := range s.Blocklist.Prefixes {
		if len(p) < 2 || p[0] != '+' || strings.Trim(p[1:], "0123456789") != "" {
			return validate.Field(fmt.Sprintf("blocklist.prefixes[%d]", i), "must be + and digits, e.g. +7900")
		}
	}
	for i, v := range s.Blocklist.Visitors {
		if err := validate.Line(fmt.Sprintf("blocklist.visitors[%d]", i), v, true, 64); err != nil {
			return err
		}
	}
	return nil
}

func validateHours(field string, hours []Hours) error {
	for i, h := range hours {
		f := fmt.Sprintf("%s[%d]", field, i)
		from, err1 := time.Parse("15:04", h.From)
		to, err2 := time.Parse("15:04", h.To)
		if err1 != nil || err2 != nil || !to.After(from) {
			return validate.Field(f, "needs from and to as HH:MM with to after from")
		}
		for _, d := range h.Days {
			if d < 0 || d > 6 {
				return validate.Field(f+".days", "days are 0 (Sunday) to 6 (Saturday)")
			}
		}
	}
	return nil
}

// Public implements widgets.Settings.
func (s *Settings) Public() any {
	return Public{Position: s.Position, Color: s.Color, ButtonText: s.ButtonText, Title: s.Title,
		Consent: s.Consent.Public(), CallingCodes: s.AllowedCallingCodes, Triggers: s.Triggers}
}

// TriggerBlock is the widget's trigger block (triggers.Carrier).
func (s *Settings) TriggerBlock() *triggers.Settings { return s.Triggers }

// e164 parses a phone number as typed in region and formats it as E.164.
func e164(raw, region string) (string, error) {
	num, err := phonenumbers.Parse(raw, region)
	if err != nil {
		return "", err
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", fmt.Errorf("not a valid number")
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

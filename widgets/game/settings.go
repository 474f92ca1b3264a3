package game

import (
	"fmt"
	"regexp"

	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/ownertext"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// Bounds of the settings.
const (
	maxPrizes   = 12
	maxWeight   = 1_000_000
	maxStock    = 10_000_000
	maxTitle    = 200
	maxText     = 1000
	maxLabel    = 60
	maxIPLimit  = 1000
	maxColors   = 12
	maxCampaign = 64
)

// Defaults, named so docs and code cannot drift.
const (
	DefaultKind     = "wheel"
	DefaultCampaign = "1"
	DefaultContact  = "phone"
	DefaultColor    = "#e11d48"
	DefaultIPLimit  = 5
	DefaultLauncher = "bottom-left"
)

// defaultSectorColors alternate around the wheel.
var defaultSectorColors = []string{"#fde68a", "#bfdbfe"}

var (
	kinds    = []string{"wheel", "scratch"}
	contacts = []string{"phone", "email", "phone_or_email", "subscribe"}
	// launchers: a corner of the window, a tab on the right edge, or none
	// (the page API, triggers or a multi-button open the game).
	launchers = []string{"bottom-left", "bottom-right", "right", "none"}
	idRe      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Settings of a game widget, as stored; docs/API.md documents each field
// and its default.
type Settings struct {
	Kind string `json:"kind"` // wheel or scratch
	// Campaign names the current round: a player draws once per campaign,
	// and a new campaign starts with every prize's full stock.
	Campaign string  `json:"campaign"`
	Prizes   []Prize `json:"prizes"`
	// NoPrizeWeight is the weight of "no prize"; a prize out of stock adds
	// its weight to it (see docs/GAME.md).
	NoPrizeWeight int `json:"no_prize_weight"`
	// Contact is what the player leaves to play: phone, email, either, or
	// subscribe (an e-mail and a tick to get the newsletter).
	Contact string           `json:"contact"`
	Consent consent.Settings `json:"consent"`
	// IPLimit bounds new draws per address and day.
	IPLimit int `json:"ip_limit"`
	// ShowStockLeft puts the number of each limited prize left in the
	// chances; off, the chances say "limited".
	ShowStockLeft bool           `json:"show_stock_left"`
	Title         ownertext.Text `json:"title,omitempty"`
	Text          ownertext.Text `json:"text,omitempty"`
	Button        ownertext.Text `json:"button,omitempty"`
	Color         string         `json:"color"`
	SectorColors  []string       `json:"sector_colors"`
	// Launcher places the button that opens the game.
	Launcher string `json:"launcher"`
	// Triggers open the game by themselves; nil: its launcher button and
	// the page API open it.
	Triggers *triggers.Settings `json:"triggers,omitempty"`
}

// Prize is one prize of the game.
type Prize struct {
	ID     string         `json:"id"`
	Title  ownertext.Text `json:"title"`
	Weight int            `json:"weight"`
	// Stock is how many the campaign gives; null: unlimited.
	Stock *int       `json:"stock"`
	Code  *PrizeCode `json:"code,omitempty"`
}

// PrizeCode is the promo code a winner gets: one shared by all, or one
// per winner from a code pool of the site.
type PrizeCode struct {
	Shared string `json:"shared,omitempty"`
	PoolID string `json:"pool_id,omitempty"`
}

var (
	_ widgets.Settings  = (*Settings)(nil)
	_ widgets.Defaulter = (*Settings)(nil)
	_ triggers.Carrier  = (*Settings)(nil)
)

// Defaults implements widgets.Defaulter: ip_limit 0 is the owner's "no
// limit" and must stay 0.
func (s *Settings) Defaults(store.Site) { s.IPLimit = DefaultIPLimit }

// Normalize implements widgets.Settings: fills defaults and checks every
// field; errors name the JSON path (prizes[2].weight).
func (s *Settings) Normalize(site store.Site) error {
	locale := i18n.Lang(site.Locale)
	if s.Kind == "" {
		s.Kind = DefaultKind
	}
	if err := validate.OneOf("kind", s.Kind, kinds...); err != nil {
		return err
	}
	if s.Campaign == "" {
		s.Campaign = DefaultCampaign
	}
	if !idRe.MatchString(s.Campaign) {
		return validate.Field("campaign", "must be 1 to %d letters, digits, _ or -", maxCampaign)
	}
	if err := s.normalizePrizes(locale); err != nil {
		return err
	}
	if s.NoPrizeWeight < 0 || s.NoPrizeWeight > maxWeight {
		return validate.Field("no_prize_weight", "must be 0 to %d", maxWeight)
	}
	if s.totalWeight() == 0 {
		return validate.Field("prizes", "need a weight above 0 somewhere: with every weight 0 nothing can be drawn")
	}
	if s.Contact == "" {
		s.Contact = DefaultContact
	}
	if err := validate.OneOf("contact", s.Contact, contacts...); err != nil {
		return err
	}
	if err := s.Consent.Normalize(site, "consent", consent.Lead); err != nil {
		return err
	}
	if s.IPLimit < 0 || s.IPLimit > maxIPLimit {
		return validate.Field("ip_limit", "must be 0 (no limit) to %d draws per address and day", maxIPLimit)
	}
	if err := ownertext.Normalize("title", &s.Title, locale, false, true, maxTitle); err != nil {
		return err
	}
	if err := ownertext.Normalize("text", &s.Text, locale, false, false, maxText); err != nil {
		return err
	}
	if err := ownertext.Normalize("button", &s.Button, locale, false, true, maxLabel); err != nil {
		return err
	}
	if s.Color == "" {
		s.Color = DefaultColor
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if len(s.SectorColors) == 0 {
		s.SectorColors = defaultSectorColors
	}
	if len(s.SectorColors) > maxColors {
		return validate.Field("sector_colors", "may hold at most %d colours", maxColors)
	}
	for i, c := range s.SectorColors {
		if err := validate.Color(fmt.Sprintf("sector_colors[%d]", i), c); err != nil {
			return err
		}
	}
	if s.Launcher == "" {
		s.Launcher = DefaultLauncher
	}
	if err := validate.OneOf("launcher", s.Launcher, launchers...); err != nil {
		return err
	}
	if s.Triggers != nil {
		return s.Triggers.Normalize("triggers")
	}
	return nil
}

func (s *Settings) normalizePrizes(locale string) error {
	if len(s.Prizes) == 0 || len(s.Prizes) > maxPrizes {
		return validate.Field("prizes", "must hold 1 to %d prizes", maxPrizes)
	}
	seen := map[string]bool{}
	for i := range s.Prizes {
		if err := s.Prizes[i].normalize(locale, seen); err != nil {
			return validate.Prefix(fmt.Sprintf("prizes[%d]", i), err)
		}
	}
	return nil
}

func (p *Prize) normalize(locale string, seen map[string]bool) error {
	if !idRe.MatchString(p.ID) {
		return validate.Field("id", "is required: 1 to 64 letters, digits, _ or -")
	}
	if seen[p.ID] {
		return validate.Field("id", "%q names two prizes", p.ID)
	}
	seen[p.ID] = true
	if err := ownertext.Normalize("title", &p.Title, locale, true, true, maxTitle); err != nil {
		return err
	}
	if p.Weight < 0 || p.Weight > maxWeight {
		return validate.Field("weight", "must be 0 to %d", maxWeight)
	}
	if p.Stock != nil && (*p.Stock < 0 || *p.Stock > maxStock) {
		return validate.Field("stock", "must be 0 to %d, or null for unlimited", maxStock)
	}
	if p.Code == nil {
		return nil
	}
	c := p.Code
	switch {
	case c.Shared == "" && c.PoolID == "":
		return validate.Field("code", `must be {"shared":"CODE"} or {"pool_id":"…"}, or left out for a prize without a code`)
	case c.Shared != "" && c.PoolID != "":
		return validate.Field("code.pool_id", `cannot go with "shared": a prize gives one shared code or codes from a pool`)
	case c.Shared != "" && !store.ValidCode(c.Shared):
		return validate.Field("code.shared", "must be 1 to %d printable characters without spaces", store.MaxCodeLen)
	case c.PoolID != "" && !idRe.MatchString(c.PoolID):
		return validate.Field("code.pool_id", "must be the id of one of the site's code pools")
	}
	return nil
}

func (s *Settings) totalWeight() int {
	total := s.NoPrizeWeight
	for _, p := range s.Prizes {
		total += p.Weight
	}
	return total
}

// prize finds a prize by id.
func (s *Settings) prize(id string) (Prize, bool) {
	for _, p := range s.Prizes {
		if p.ID == id {
			return p, true
		}
	}
	return Prize{}, false
}

// drawPrizes are the prizes as the store draws them.
func (s *Settings) drawPrizes() []store.GamePrize {
	out := make([]store.GamePrize, len(s.Prizes))
	for i, p := range s.Prizes {
		out[i] = store.GamePrize{ID: p.ID, Weight: p.Weight, Stock: p.Stock}
	}
	return out
}

// TriggerBlock is the widget's trigger block (triggers.Carrier).
func (s *Settings) TriggerBlock() *triggers.Settings { return s.Triggers }

// Public implements widgets.Settings. Codes, pools, weights and stock stay
// on the server: the chances route tells the odds as they are now.
func (s *Settings) Public() any {
	p := publicSettings{Kind: s.Kind, Campaign: s.Campaign, NoPrize: s.NoPrizeWeight > 0, Contact: s.Contact,
		Consent: s.Consent.Public(), Title: s.Title, Text: s.Text, Button: s.Button, Color: s.Color,
		SectorColors: s.SectorColors, Launcher: s.Launcher, Triggers: s.Triggers}
	for _, pr := range s.Prizes {
		p.Prizes = append(p.Prizes, publicPrize{ID: pr.ID, Title: pr.Title})
	}
	return p
}

type publicSettings struct {
	Kind     string        `json:"kind"`
	Campaign string        `json:"campaign"`
	Prizes   []publicPrize `json:"prizes"`
	// NoPrize says whether the wheel has "no prize" sectors.
	NoPrize      bool               `json:"no_prize"`
	Contact      string             `json:"contact"`
	Consent      consent.Public     `json:"consent"`
	Title        ownertext.Text     `json:"title,omitempty"`
	Text         ownertext.Text     `json:"text,omitempty"`
	Button       ownertext.Text     `json:"button,omitempty"`
	Color        string             `json:"color"`
	SectorColors []string           `json:"sector_colors"`
	Launcher     string             `json:"launcher"`
	Triggers     *triggers.Settings `json:"triggers,omitempty"`
}

type publicPrize struct {
	ID    string         `json:"id"`
	Title ownertext.Text `json:"title"`
}

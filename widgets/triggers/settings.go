// Package triggers is the trigger block any widget's settings may carry:
// when the widget opens by itself (time on page, exit intent, scroll depth,
// …), on which pages, for which visitors, and how often. The server only
// checks and fills the block; the engine that watches the page is the lazy
// browser bundle embed/src/triggers (docs/TRIGGERS.md).
//
// A widget embeds it as
//
//	Triggers *triggers.Settings `json:"triggers,omitempty"`
//
// calls Normalize("triggers") from its own Normalize when it is not nil,
// and copies the pointer into its public settings: the whole block is
// public, the engine needs every field.
package triggers

import (
	"strconv"
	"strings"

	"github.com/beckonhq/beckon/validate"
)

// Settings is the trigger block. On is any-of (the first trigger that fires
// shows the widget); Pages, Device, Visitor and UTMSource are all-of
// conditions; Caps bound how often one visitor sees the widget.
type Settings struct {
	On        []Trigger `json:"on"`
	Pages     Pages     `json:"pages"`
	Device    string    `json:"device"`  // any, desktop or phone
	Visitor   string    `json:"visitor"` // any, new or returning
	UTMSource []string  `json:"utm_source"`
	Caps      Caps      `json:"caps"`
	// Priority orders interrupting widgets that fire together: the higher
	// one shows, the other waits (docs/TRIGGERS.md).
	Priority int `json:"priority"`
}

// Carrier is implemented by settings that carry a trigger block: the
// server finds the block without knowing the widget type (the live
// connection's push, trigger analytics).
type Carrier interface {
	// TriggerBlock is the block, nil when the widget has none.
	TriggerBlock() *Settings
}

// Of is the trigger block of a widget's settings; nil when it carries none.
func Of(s any) *Settings {
	if c, ok := s.(Carrier); ok {
		return c.TriggerBlock()
	}
	return nil
}

// Has reports whether the block has a trigger of type typ; false for nil.
func (s *Settings) Has(typ string) bool {
	if s == nil {
		return false
	}
	for _, t := range s.On {
		if t.Type == typ {
			return true
		}
	}
	return false
}

// Trigger is one event that shows the widget. Only the field its type
// uses may be set.
type Trigger struct {
	Type    string `json:"type"`
	Seconds int    `json:"seconds,omitempty"` // time_on_page, time_on_site, idle
	Percent int    `json:"percent,omitempty"` // scroll
	Count   int    `json:"count,omitempty"`   // pages_viewed
}

// Pages limits the pages the widget may open on. A pattern starts with
// "/" and is matched against the page's path: without "*" it is a prefix
// of whole path segments ("/sale" is /sale and /sale/winter, not
// /salepoint), with "*" a glob where "*" stands for any characters
// (slashes too) and the whole path must match.
type Pages struct {
	Include []string `json:"include"` // empty: every page
	Exclude []string `json:"exclude"` // wins over include
}

// Caps bound how often one visitor sees the widget; only showings that
// happened count. Nil pointers are filled by Normalize.
type Caps struct {
	// PerVisit is how many times the widget may show in one visit (a
	// visit ends after 30 minutes without a page view); 0: no limit.
	PerVisit *int `json:"per_visit"`
	// EveryDays is the days that must pass after a showing before the
	// next; 0: no such wait.
	EveryDays int `json:"every_days"`
	// AfterConversion is "never" (a visitor who converted — left a lead,
	// asked for a call — never sees it again) or "again".
	AfterConversion string `json:"after_conversion"`
	// MaxDismissals stops showing the widget to a visitor who closed it
	// this many times without converting; 0: no limit.
	MaxDismissals *int `json:"max_dismissals"`
}

// Trigger types.
const (
	TimeOnPage  = "time_on_page"
	TimeOnSite  = "time_on_site"
	ExitIntent  = "exit_intent"
	Scroll      = "scroll"
	Idle        = "idle"
	PagesViewed = "pages_viewed"
	Manual      = "manual"
	// Push is the owner's push through the live connection
	// (docs/TRIGGERS.md): the engine treats it like a manual trigger that
	// the server, not the page, pulls.
	Push = "push"
)

// Defaults, named so docs and code cannot drift.
const (
	DefaultPerVisit        = 1
	DefaultMaxDismissals   = 2
	DefaultDevice          = "any"
	DefaultVisitor         = "any"
	DefaultAfterConversion = "never"
)

// Limits of the block.
const (
	maxTriggers    = 10
	maxPatterns    = 50
	maxPatternLen  = 300
	maxSources     = 20
	maxSourceLen   = 100
	maxPerVisit    = 100
	maxEveryDays   = 365
	maxDismissals  = 100
	maxPriority    = 100
	maxPagesViewed = 1000
)

// measure is what the trigger types need: which field, its range.
type measure struct {
	field    string
	min, max int
}

var measures = map[string]*measure{
	TimeOnPage:  {"seconds", 1, 3600},
	TimeOnSite:  {"seconds", 1, 86400},
	ExitIntent:  nil,
	Scroll:      {"percent", 1, 100},
	Idle:        {"seconds", 1, 3600},
	PagesViewed: {"count", 1, maxPagesViewed},
	Manual:      nil,
	Push:        nil,
}

var typeNames = []string{TimeOnPage, TimeOnSite, ExitIntent, Scroll, Idle, PagesViewed, Manual, Push}

// Normalize checks the block and fills its defaults. field is the block's
// own path in the widget's settings (usually "triggers"); errors are
// *validate.Error naming the offending field under it, such as
// "triggers.on[1].seconds".
func (s *Settings) Normalize(field string) error {
	if len(s.On) == 0 {
		return validate.Field(field+".on", "must name at least one trigger (%s)", strings.Join(typeNames, ", "))
	}
	if len(s.On) > maxTriggers {
		return validate.Field(field+".on", "may name at most %d triggers", maxTriggers)
	}
	for i := range s.On {
		if err := s.On[i].normalize(field + ".on[" + strconv.Itoa(i) + "]"); err != nil {
			return err
		}
	}
	if err := s.Pages.Normalize(field + ".pages"); err != nil {
		return err
	}
	if s.Device == "" {
		s.Device = DefaultDevice
	}
	if err := validate.OneOf(field+".device", s.Device, "any", "desktop", "phone"); err != nil {
		return err
	}
	if s.Visitor == "" {
		s.Visitor = DefaultVisitor
	}
	if err := validate.OneOf(field+".visitor", s.Visitor, "any", "new", "returning"); err != nil {
		return err
	}
	if err := s.normalizeSources(field + ".utm_source"); err != nil {
		return err
	}
	if err := s.Caps.normalize(field + ".caps"); err != nil {
		return err
	}
	if s.Priority < 0 || s.Priority > maxPriority {
		return validate.Field(field+".priority", "must be from 0 to %d", maxPriority)
	}
	return nil
}

// Known reports whether typ is a trigger type (trigger analytics accept
// only these).
func Known(typ string) bool {
	_, ok := measures[typ]
	return ok
}

// Public is what browsers get: the whole block, normalized.
func (s *Settings) Public() any { return s }

func (t *Trigger) normalize(field string) error {
	m, ok := measures[t.Type]
	if !ok {
		return validate.Field(field+".type", "must be one of %s", strings.Join(typeNames, ", "))
	}
	var used int
	for _, v := range []struct {
		name  string
		value int
	}{{"seconds", t.Seconds}, {"percent", t.Percent}, {"count", t.Count}} {
		if m != nil && m.field == v.name {
			used = v.value
		} else if v.value != 0 {
			return validate.Field(field+"."+v.name, "is not used by the %s trigger", t.Type)
		}
	}
	if m != nil && (used < m.min || used > m.max) {
		return validate.Field(field+"."+m.field, "must be from %d to %d", m.min, m.max)
	}
	return nil
}

// Normalize checks the patterns and fills empty lists; field is the
// path of the pages object itself ("triggers.pages", or "pages" in the
// body of a push), named in the errors.
func (p *Pages) Normalize(field string) error {
	if p.Include == nil {
		p.Include = []string{}
	}
	if p.Exclude == nil {
		p.Exclude = []string{}
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"include", p.Include}, {"exclude", p.Exclude}} {
		name, list := l.name, l.list
		if len(list) > maxPatterns {
			return validate.Field(field+"."+name, "may hold at most %d patterns", maxPatterns)
		}
		for i, pat := range list {
			f := field + "." + name + "[" + strconv.Itoa(i) + "]"
			if !strings.HasPrefix(pat, "/") {
				return validate.Field(f, "must be a path starting with / (like /catalog/* or /sale)")
			}
			if err := validate.Line(f, pat, true, maxPatternLen); err != nil {
				return err
			}
			if strings.ContainsAny(pat, " ?#") {
				return validate.Field(f, "must be a path without spaces, query or fragment")
			}
		}
	}
	return nil
}

func (s *Settings) normalizeSources(field string) error {
	if s.UTMSource == nil {
		s.UTMSource = []string{}
	}
	if len(s.UTMSource) > maxSources {
		return validate.Field(field, "may hold at most %d sources", maxSources)
	}
	for i, src := range s.UTMSource {
		f := field + "[" + strconv.Itoa(i) + "]"
		if err := validate.Line(f, src, true, maxSourceLen); err != nil {
			return err
		}
		// utm_source is compared without regard to case: the engine lowers
		// both sides, so the stored form is lower case too.
		s.UTMSource[i] = strings.ToLower(strings.TrimSpace(src))
	}
	return nil
}

func (c *Caps) normalize(field string) error {
	if c.PerVisit == nil {
		c.PerVisit = ptr(DefaultPerVisit)
	}
	if v := *c.PerVisit; v < 0 || v > maxPerVisit {
		return validate.Field(field+".per_visit", "must be from 0 (no limit) to %d", maxPerVisit)
	}
	if c.EveryDays < 0 || c.EveryDays > maxEveryDays {
		return validate.Field(field+".every_days", "must be from 0 (no wait) to %d", maxEveryDays)
	}
	if c.AfterConversion == "" {
		c.AfterConversion = DefaultAfterConversion
	}
	if err := validate.OneOf(field+".after_conversion", c.AfterConversion, "never", "again"); err != nil {
		return err
	}
	if c.MaxDismissals == nil {
		c.MaxDismissals = ptr(DefaultMaxDismissals)
	}
	if v := *c.MaxDismissals; v < 0 || v > maxDismissals {
		return validate.Field(field+".max_dismissals", "must be from 0 (no limit) to %d", maxDismissals)
	}
	return nil
}

func ptr(v int) *int { return &v }

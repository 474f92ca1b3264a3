// Package countdown is the countdown timer widget's backend.
package countdown

import (
	"net/url"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// Settings of a countdown widget. Mode decides which of Deadline,
// DurationSeconds or Time/Weekdays apply.
type Settings struct {
	Mode            string            `json:"mode"`                       // fixed, evergreen or recurring
	Deadline        string            `json:"deadline,omitempty"`         // fixed, RFC 3339
	DurationSeconds int               `json:"duration_seconds,omitempty"` // evergreen
	CooldownSeconds int               `json:"cooldown_seconds"`           // evergreen: 0, the deadline never restarts; else a new cycle may begin this long after expiry
	Time            string            `json:"time,omitempty"`             // recurring, HH:MM in the site's timezone
	Weekdays        []int             `json:"weekdays,omitempty"`         // recurring, 0=Sunday; empty: every day
	Placement       string            `json:"placement"`                  // top_bar, bottom_bar, inline, floating
	TopBar          string            `json:"top_bar"`                    // top_bar placement: push (the page moves down below the bar) or overlay
	Selector        string            `json:"selector,omitempty"`         // inline: CSS selector of the host element
	Color           string            `json:"color"`
	Title           map[string]string `json:"title,omitempty"`
	OnExpire        string            `json:"on_expire"` // hide, message or redirect
	ExpiredMessage  map[string]string `json:"expired_message,omitempty"`
	RedirectURL     string            `json:"redirect_url,omitempty"`
	// Triggers keep a bar or a floating card hidden until one fires
	// (docs/TRIGGERS.md). An inline timer is part of the page's content
	// and takes none; a top bar that appears later overlays the page,
	// never pushes it (that would shift the page under the visitor).
	Triggers *triggers.Settings `json:"triggers,omitempty"`
}

const maxDuration = 366 * 24 * 60 * 60

// Normalize implements widgets.Settings.
func (s *Settings) Normalize(site store.Site) error {
	if s.Placement == "" {
		s.Placement = "top_bar"
	}
	if s.TopBar == "" {
		s.TopBar = "push"
		if s.Triggers != nil {
			s.TopBar = "overlay"
		}
	}
	if s.Color == "" {
		s.Color = "#dc2626"
	}
	if s.OnExpire == "" {
		s.OnExpire = "hide"
	}
	switch s.Mode {
	case "fixed":
		// A string parsed here, not a time.Time decoded by encoding/json,
		// so a bad value is reported as settings.deadline.
		d, err := time.Parse(time.RFC3339, s.Deadline)
		if err != nil {
			return validate.Field("deadline", "must be an RFC 3339 time such as 2026-12-31T23:59:00+03:00 in fixed mode")
		}
		s.Deadline = d.Format(time.RFC3339)
	case "evergreen":
		if s.DurationSeconds < 1 || s.DurationSeconds > maxDuration {
			return validate.Field("duration_seconds", "must be between 1 and %d in evergreen mode", maxDuration)
		}
		if s.CooldownSeconds < 0 || s.CooldownSeconds > maxDuration {
			return validate.Field("cooldown_seconds", "must be between 0 (never restart) and %d", maxDuration)
		}
	case "recurring":
		if _, err := time.Parse("15:04", s.Time); err != nil {
			return validate.Field("time", "must be HH:MM (24-hour) in recurring mode")
		}
		for _, d := range s.Weekdays {
			if d < 0 || d > 6 {
				return validate.Field("weekdays", "days are 0 (Sunday) to 6 (Saturday)")
			}
		}
	default:
		return validate.OneOf("mode", s.Mode, "fixed", "evergreen", "recurring")
	}
	if err := validate.OneOf("placement", s.Placement, "top_bar", "bottom_bar", "inline", "floating"); err != nil {
		return err
	}
	if err := validate.OneOf("top_bar", s.TopBar, "push", "overlay"); err != nil {
		return err
	}
	if s.Placement == "inline" {
		if err := validate.Line("selector", s.Selector, true, 200); err != nil {
			return err
		}
	}
	if s.Triggers != nil {
		if err := s.normalizeTriggers(); err != nil {
			return err
		}
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if err := validate.LocalizedLine("title", s.Title, 120); err != nil {
		return err
	}
	if err := validate.OneOf("on_expire", s.OnExpire, "hide", "message", "redirect"); err != nil {
		return err
	}
	if err := validate.LocalizedText("expired_message", s.ExpiredMessage, 200); err != nil {
		return err
	}
	if s.OnExpire == "redirect" {
		u, err := url.Parse(s.RedirectURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return validate.Field("redirect_url", "must be an absolute http(s) URL when on_expire is redirect")
		}
	}
	return nil
}

// Public implements widgets.Settings: nothing in a timer's settings is secret.
func (s *Settings) Public() any { return s }

// TriggerBlock is the widget's trigger block (triggers.Carrier).
func (s *Settings) TriggerBlock() *triggers.Settings { return s.Triggers }

// normalizeTriggers checks the block and what it may go with.
func (s *Settings) normalizeTriggers() error {
	switch {
	case s.Placement == "inline":
		return validate.Field("triggers", "only a bar or a floating timer shows by triggers; an inline timer is part of the page (use placement top_bar, bottom_bar or floating)")
	case s.Placement == "top_bar" && s.TopBar == "push":
		return validate.Field("top_bar", "must be overlay when the bar has triggers: a bar that appears later would push the page under the visitor")
	}
	return s.Triggers.Normalize("triggers")
}

// Package socialproof is the live social proof widget's backend.
package socialproof

import (
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Settings of a social proof widget.
type Settings struct {
	Position       string `json:"position"`        // bottom-left (default) or bottom-right
	DisplaySeconds int    `json:"display_seconds"` // how long one notice stays
	GapSeconds     int    `json:"gap_seconds"`     // pause between notices
	ShowViewers    bool   `json:"show_viewers"`    // "17 people are viewing this"
}

// Normalize implements widgets.Settings.
func (s *Settings) Normalize(site store.Site) error {
	if s.Position == "" {
		s.Position = "bottom-left"
	}
	if s.DisplaySeconds == 0 {
		s.DisplaySeconds = 6
	}
	if s.GapSeconds == 0 {
		s.GapSeconds = 10
	}
	if err := validate.OneOf("position", s.Position, "bottom-left", "bottom-right"); err != nil {
		return err
	}
	if s.DisplaySeconds < 1 || s.DisplaySeconds > 60 {
		return validate.Field("display_seconds", "must be between 1 and 60")
	}
	if s.GapSeconds < 1 || s.GapSeconds > 3600 {
		return validate.Field("gap_seconds", "must be between 1 and 3600")
	}
	return nil
}

// Public implements widgets.Settings.
func (s *Settings) Public() any { return s }

// Package quiz is the quiz widget's backend.
package quiz

import (
	"fmt"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Settings of a quiz widget.
type Settings struct {
	Title     string     `json:"title"`
	Color     string     `json:"color"`
	Questions []Question `json:"questions"`
}

// Question is one step of the quiz.
type Question struct {
	Text    string   `json:"text"`
	Options []string `json:"options"`
}

// Normalize implements widgets.Settings.
func (s *Settings) Normalize(site store.Site) error {
	if s.Color == "" {
		s.Color = "#2563eb"
	}
	if err := validate.Line("title", s.Title, true, 200); err != nil {
		return err
	}
	if err := validate.Color("color", s.Color); err != nil {
		return err
	}
	if len(s.Questions) == 0 {
		return validate.Field("questions", "at least one question is required")
	}
	for i, q := range s.Questions {
		field := fmt.Sprintf("questions[%d]", i)
		if err := validate.Line(field+".text", q.Text, true, 300); err != nil {
			return err
		}
		if len(q.Options) < 2 {
			return validate.Field(field+".options", "at least two options are required")
		}
		for j, o := range q.Options {
			if err := validate.Line(fmt.Sprintf("%s.options[%d]", field, j), o, true, 200); err != nil {
				return err
			}
		}
	}
	return nil
}

// Public implements widgets.Settings.
func (s *Settings) Public() any { return s }

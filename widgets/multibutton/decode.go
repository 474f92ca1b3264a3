package multibutton

import (
	"encoding/json"
	"errors"

	"github.com/beckonhq/beckon/validate"
)

// UnmarshalJSON decodes the settings strictly, each channel on its own, so
// that an unknown or mistyped field of a channel is named with its path
// (channels[2].number), which the JSON decoder alone cannot give.
func (s *Settings) UnmarshalJSON(data []byte) error {
	type plain Settings // without this method
	var in struct {
		plain
		Channels []json.RawMessage `json:"channels"`
	}
	in.plain = plain(*s)
	if err := validate.DecodeJSON(data, &in); err != nil {
		return fieldError("", err)
	}
	*s = Settings(in.plain)
	s.Channels = nil
	if in.Channels == nil {
		return nil
	}
	s.Channels = make([]Channel, len(in.Channels))
	for i, raw := range in.Channels {
		if err := validate.DecodeJSON(raw, &s.Channels[i]); err != nil {
			return fieldError(fieldOf(i), err)
		}
	}
	return nil
}

// fieldError turns a decoding error into a *validate.Error under parent.
func fieldError(parent string, err error) error {
	var se *validate.SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	field := se.Field
	if parent != "" {
		field = parent + "." + field
		if se.Field == "" {
			field = parent
		}
	}
	return &validate.Error{Field: field, Message: se.Message}
}

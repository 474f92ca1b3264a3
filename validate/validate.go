// Package validate turns bad input into errors that name the offending field,
// so every API answers "settings.color: must be a colour like #16a34a" instead
// of a generic failure.
package validate

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Error is a value that parsed but is not acceptable (HTTP 422).
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Field returns an *Error for field.
func Field(field, format string, args ...any) *Error {
	return &Error{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Prefix puts parent in front of the field of a validation error, so a
// widget's "color" becomes the API's "settings.color". Other errors pass.
func Prefix(parent string, err error) error {
	var ve *Error
	if !errors.As(err, &ve) {
		return err
	}
	field := parent
	if ve.Field != "" {
		field += "." + ve.Field
	}
	return &Error{Field: field, Message: ve.Message}
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Color checks a CSS colour in the #rrggbb form (the only one the widgets
// and the e-mail GIF renderer both understand).
func Color(field, value string) error {
	if !hexColor.MatchString(value) {
		return Field(field, "must be a colour like #16a34a")
	}
	return nil
}

// OneOf checks that value is one of allowed.
func OneOf(field, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return Field(field, "must be one of %s", strings.Join(allowed, ", "))
}

// Locales are the languages every user-visible text exists in.
var Locales = []string{"ru", "uk", "en"}

// LocalizedText checks a {"ru": "...", "uk": "...", "en": "..."} map of
// texts that may span lines (see Text).
func LocalizedText(field string, texts map[string]string, maxRunes int) error {
	return localized(field, texts, maxRunes, Text)
}

// LocalizedLine checks a {"ru": "...", "uk": "...", "en": "..."} map of
// one-line texts: titles, button labels (see Line).
func LocalizedLine(field string, texts map[string]string, maxRunes int) error {
	return localized(field, texts, maxRunes, Line)
}

func localized(field string, texts map[string]string, maxRunes int, check func(string, string, bool, int) error) error {
	for locale, text := range texts {
		if err := OneOf(field, locale, Locales...); err != nil {
			return Field(field+"."+locale, "unknown language; use ru, uk or en")
		}
		if err := check(field+"."+locale, text, true, maxRunes); err != nil {
			return err
		}
	}
	return nil
}

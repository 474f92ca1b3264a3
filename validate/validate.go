// Package validate turns bad input into errors that name the offending field,
// so every API answers "settings.color: must be a colour like #16a34a" instead
// of a generic failure.
package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
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

// SyntaxError is a body that is not the JSON we expect (HTTP 400).
type SyntaxError struct {
	Field   string
	Message string
}

func (e *SyntaxError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// DecodeJSON strictly decodes one JSON value into v: unknown fields, wrong
// types, trailing data and malformed JSON become a *SyntaxError naming the
// field where one can be named.
func DecodeJSON(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &SyntaxError{Message: "request body is empty; a JSON object is expected"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &SyntaxError{Message: "unexpected data after the JSON value"}
	}
	return nil
}

func describe(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &SyntaxError{Message: fmt.Sprintf("malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())}
	case errors.As(err, &typ):
		if typ.Field == "" {
			return &SyntaxError{Message: "must be a JSON " + jsonKind(typ.Type.Kind().String())}
		}
		return &SyntaxError{Field: typ.Field, Message: "must be " + article(jsonKind(typ.Type.Kind().String()))}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &SyntaxError{Message: "malformed JSON: unexpected end of input"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &SyntaxError{Field: name, Message: "unknown field"}
	}
	var ve *Error
	if errors.As(err, &ve) { // from a custom UnmarshalJSON
		return &SyntaxError{Field: ve.Field, Message: ve.Message}
	}
	return &SyntaxError{Message: "malformed JSON: " + err.Error()}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct":
		return "object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "integer"
	case "float32", "float64":
		return "number"
	}
	return goKind
}

func article(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

// Text checks a required or optional piece of user text.
func Text(field, value string, required bool, maxRunes int) error {
	if strings.TrimSpace(value) == "" {
		if required {
			return Field(field, "is required")
		}
		return nil
	}
	if !utf8.ValidString(value) {
		return Field(field, "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(value); n > maxRunes {
		return Field(field, "is %d characters long; at most %d are allowed", n, maxRunes)
	}
	return nil
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

// LocalizedText checks a {"ru": "...", "uk": "...", "en": "..."} map.
func LocalizedText(field string, texts map[string]string, maxRunes int) error {
	for locale, text := range texts {
		if err := OneOf(field, locale, Locales...); err != nil {
			return Field(field+"."+locale, "unknown language; use ru, uk or en")
		}
		if err := Text(field+"."+locale, text, true, maxRunes); err != nil {
			return err
		}
	}
	return nil
}

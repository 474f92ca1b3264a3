package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"
)

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
	// encoding/json silently turns invalid UTF-8 and lone surrogate escapes
	// into U+FFFD, so they are caught here, before decoding, or never.
	if err := checkUTF8(data); err != nil {
		return err
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
		return wrongType(typ.Field, typ.Type.Kind())
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
	// Only encoding/json's own diagnostics are left to come here.
	return &SyntaxError{Message: fmt.Sprintf("malformed JSON: %s", err.Error())}
}

// wrongType says which JSON type field (or, unnamed, the whole body)
// takes, given the kind of the Go value it decodes into. Each is a whole
// sentence, so each can be translated.
func wrongType(field string, kind reflect.Kind) *SyntaxError {
	whole := field == ""
	switch kind {
	case reflect.String:
		if whole {
			return &SyntaxError{Message: "must be a JSON string"}
		}
		return &SyntaxError{Field: field, Message: "must be a string"}
	case reflect.Bool:
		if whole {
			return &SyntaxError{Message: "must be a JSON boolean"}
		}
		return &SyntaxError{Field: field, Message: "must be a boolean"}
	case reflect.Slice, reflect.Array:
		if whole {
			return &SyntaxError{Message: "must be a JSON array"}
		}
		return &SyntaxError{Field: field, Message: "must be an array"}
	case reflect.Map, reflect.Struct:
		if whole {
			return &SyntaxError{Message: "must be a JSON object"}
		}
		return &SyntaxError{Field: field, Message: "must be an object"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if whole {
			return &SyntaxError{Message: "must be a JSON integer"}
		}
		return &SyntaxError{Field: field, Message: "must be an integer"}
	case reflect.Float32, reflect.Float64:
		if whole {
			return &SyntaxError{Message: "must be a JSON number"}
		}
		return &SyntaxError{Field: field, Message: "must be a number"}
	}
	// Decoding into other kinds (an interface takes any value) does not
	// fail on a type; this is here so nothing is left unsaid.
	if whole {
		return &SyntaxError{Message: "is not of the JSON type expected here"}
	}
	return &SyntaxError{Field: field, Message: "is not of the JSON type expected here"}
}

// checkUTF8 refuses a body that is not valid UTF-8, or whose strings carry a
// \uD800-\uDFFF escape that is not half of a surrogate pair: both would
// reach the store as U+FFFD instead of what the client meant.
func checkUTF8(data []byte) error {
	if !utf8.Valid(data) {
		at := 0
		for at < len(data) {
			r, size := utf8.DecodeRune(data[at:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			at += size
		}
		return &SyntaxError{Message: fmt.Sprintf("request body is not valid UTF-8 (byte %d); send JSON encoded as UTF-8", at)}
	}
	for i := 0; i < len(data); i++ {
		next := bytes.IndexByte(data[i:], '\\')
		if next < 0 || i+next+1 >= len(data) {
			return nil
		}
		i += next + 1 // the escaped character; a backslash outside a string is the decoder's to report
		if data[i] != 'u' {
			continue
		}
		hi, ok := hex4(data, i+1)
		if !ok || hi < 0xD800 || hi > 0xDFFF {
			continue
		}
		lo, ok := hex4(data, i+7)
		if hi > 0xDBFF || i+6 >= len(data) || data[i+5] != '\\' || data[i+6] != 'u' || !ok || lo < 0xDC00 || lo > 0xDFFF {
			return &SyntaxError{Message: fmt.Sprintf("request body has an unpaired UTF-16 surrogate escape at byte %d; it is not a character", i-1)}
		}
		i += 10 // past the low half
	}
	return nil
}

// hex4 reads four hex digits at data[at:].
func hex4(data []byte, at int) (rune, bool) {
	if at+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[at : at+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

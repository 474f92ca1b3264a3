package validate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text checks a required or optional piece of user text that may span lines
// (a consent text, a message). It refuses what a reader cannot see but a
// program acts on: control characters other than tab and line breaks, bidi
// overrides and isolates (they reorder what a manager or owner reads), and
// text made only of invisible characters (a name that looks empty).
func Text(field, value string, required bool, maxRunes int) error {
	return checkText(field, value, required, maxRunes, false)
}

// Line checks one line of human text: a name, a title, an id. Besides what
// Text refuses, a line break or tab is refused, so "Ivan\r\nPress 1" cannot
// add a line to a whisper, a log line or a CSV row.
func Line(field, value string, required bool, maxRunes int) error {
	return checkText(field, value, required, maxRunes, true)
}

func checkText(field, value string, required bool, maxRunes int, singleLine bool) error {
	if value == "" {
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
	visible := false
	for i, r := range value {
		switch {
		case singleLine && isLineBreakOrTab(r):
			return Field(field, "must be a single line: line break or tab at character %d", runeIndex(value, i)+1)
		case !singleLine && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			return Field(field, "contains the control character %s at character %d", codePoint(r), runeIndex(value, i)+1)
		case isBidiControl(r):
			return Field(field, "contains the bidi control %s at character %d; it would reorder the text readers see", codePoint(r), runeIndex(value, i)+1)
		case !isInvisible(r):
			visible = true
		}
	}
	switch {
	case visible:
		return nil
	case strings.TrimSpace(value) != "":
		return Field(field, "has only invisible characters; write something readers can see")
	case required:
		return Field(field, "is required")
	}
	return nil // blank, and optional: as good as absent
}

func isLineBreakOrTab(r rune) bool {
	switch r {
	case '\n', '\r', '\t', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// isBidiControl: embeddings, overrides (U+202A-U+202E) and isolates
// (U+2066-U+2069). The marks (LRM, RLM, ALM) are left alone: right-to-left
// text needs them and they cannot reorder a whole run.
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// isInvisible: white space, format characters (zero-width space, joiners,
// the BOM, marks), default-ignorable code points (Hangul fillers and the
// like), variation selectors, and the blank braille pattern, all of which
// render as nothing or as a blank.
func isInvisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) ||
		r == 0x2800 || r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0
}

// codePoint names r as Unicode does, U+202E.
func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// runeIndex turns a byte offset of s into a character index, for messages.
func runeIndex(s string, byteOffset int) int {
	return utf8.RuneCountInString(s[:byteOffset])
}

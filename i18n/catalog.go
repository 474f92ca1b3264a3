package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
)

// The catalogue: one JSON file per part of Beckon, {"en": {...}, "ru":
// {...}, "uk": {...}}. Widget bundles import their files at build time
// (embed/src/widgets/*/texts.ts), so a text exists once for Go and browsers.
//
//go:embed *.json
var files embed.FS

// Load decodes catalogue file name (without .json) into one T per
// language. A field T does not know, or a language missing, is an error:
// texts must not drift silently.
func Load[T any](name string) (map[string]T, error) {
	raw, err := files.ReadFile(name + ".json")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	var byLang map[string]json.RawMessage
	if err := json.Unmarshal(raw, &byLang); err != nil {
		return nil, fmt.Errorf("i18n: %s.json: %w", name, err)
	}
	out := make(map[string]T, len(Langs))
	for _, lang := range Langs {
		msg, ok := byLang[lang]
		if !ok {
			return nil, fmt.Errorf("i18n: %s.json has no %q texts", name, lang)
		}
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.DisallowUnknownFields()
		var t T
		if err := dec.Decode(&t); err != nil {
			return nil, fmt.Errorf("i18n: %s.json %s: %w", name, lang, err)
		}
		out[lang] = t
	}
	if len(byLang) != len(Langs) {
		return nil, fmt.Errorf("i18n: %s.json has languages besides %v", name, Langs)
	}
	return out, nil
}

// MustLoad is Load for package variables: the catalogue is compiled in, so
// an error is a programming error that every test run shows.
func MustLoad[T any](name string) map[string]T {
	m, err := Load[T](name)
	if err != nil {
		panic(err)
	}
	return m
}

// Names lists the catalogue's files, without .json.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		if n := e.Name(); len(n) > 5 && n[len(n)-5:] == ".json" {
			out = append(out, n[:len(n)-5])
		}
	}
	return out
}

// Raw is a catalogue file as it is stored, for checks over every text.
func Raw(name string) ([]byte, error) { return files.ReadFile(name + ".json") }

package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The API refuses in English ("must be from 1 to 10"): it is a contract
// that scripts match on. People reading the dashboard get the same refusal
// in their language. The files in refusals/ map each English message, as
// its Go source writes it (a fmt format), to its ru and uk texts; a test
// keeps every refusal in the code translated. Translations may reorder the
// values with fmt's explicit indexes (%[2]d). An entry may also have an en
// text: the plainer words a dashboard reader gets for the commonest
// refusals ("Fill this in."), where the API's own English is terse.
//
//go:embed refusals/*.json
var refusalFiles embed.FS

// refusal is one English format and what it reads as in ru and uk.
type refusal struct {
	format string
	match  *regexp.Regexp
	texts  map[string]string
}

// Refusal tells message, an English refusal of the API, to a dashboard
// reader of lang. A message with no text in lang comes back as it is.
func Refusal(lang, message string) string {
	if lang != "ru" && lang != "uk" && lang != "en" {
		return message
	}
	for _, r := range loadRefusals() {
		m := r.match.FindStringSubmatch(message)
		if m == nil {
			continue
		}
		if t, ok := r.texts[lang]; ok {
			return fill(t, m[1:])
		}
		return message
	}
	return message
}

// RefusalFormats are the English formats the catalogue translates, for
// the test that compares them with the code.
func RefusalFormats() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range loadRefusals() {
		out[r.format] = r.texts
	}
	return out
}

var loadRefusals = sync.OnceValue(func() []refusal {
	rs, err := readRefusals()
	if err != nil {
		panic(err)
	}
	return rs
})

func readRefusals() ([]refusal, error) {
	names, err := refusalFiles.ReadDir("refusals")
	if err != nil {
		return nil, fmt.Errorf("i18n: refusals: %w", err)
	}
	seen := map[string]string{}
	var out []refusal
	for _, e := range names {
		raw, err := refusalFiles.ReadFile(path.Join("refusals", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("i18n: refusals: %w", err)
		}
		var byFormat map[string]map[string]string
		if err := json.Unmarshal(raw, &byFormat); err != nil {
			return nil, fmt.Errorf("i18n: refusals/%s: %w", e.Name(), err)
		}
		for format, texts := range byFormat {
			if other, dup := seen[format]; dup {
				return nil, fmt.Errorf("i18n: refusals/%s: %q is also in %s", e.Name(), format, other)
			}
			seen[format] = e.Name()
			if err := checkRefusal(format, texts); err != nil {
				return nil, fmt.Errorf("i18n: refusals/%s: %w", e.Name(), err)
			}
			out = append(out, refusal{format: format, match: formatPattern(format), texts: texts})
		}
	}
	// The most specific format first: "is required" must not be read as
	// "is required%s" would be, nor "%s not found" win over "site not found".
	sort.Slice(out, func(i, j int) bool {
		li, lj := literalLen(out[i].format), literalLen(out[j].format)
		if li != lj {
			return li > lj
		}
		return out[i].format < out[j].format
	})
	return out, nil
}

// checkRefusal wants both translations (and the optional en text), each
// using exactly the values of the English format (each once, in any order).
func checkRefusal(format string, texts map[string]string) error {
	n := len(verbs.FindAllString(format, -1))
	for _, lang := range []string{"ru", "uk", "en"} {
		t, ok := texts[lang]
		if lang == "en" && !ok {
			continue
		}
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("%q has no %s text", format, lang)
		}
		used := make([]bool, n)
		next := 0
		for _, v := range verbs.FindAllStringSubmatch(t, -1) {
			i := next
			if v[1] != "" {
				k, _ := strconv.Atoi(v[1])
				i = k - 1
			}
			if i < 0 || i >= n || used[i] {
				return fmt.Errorf("%q in %s: %s names a value the English text does not have, or one twice", format, lang, v[0])
			}
			used[i] = true
			next = i + 1
		}
		for i, u := range used {
			if !u {
				return fmt.Errorf("%q in %s leaves out value %d", format, lang, i+1)
			}
		}
	}
	for lang := range texts {
		if lang != "ru" && lang != "uk" && lang != "en" {
			return fmt.Errorf("%q: %s is not a language refusals are told in (ru, uk, en)", format, lang)
		}
	}
	return nil
}

// verbs finds the fmt verbs refusals use, with an optional explicit index.
var verbs = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?[dsqvgf]`)

// formatPattern turns a format into a regexp that matches the messages it
// makes, capturing each value as printed.
func formatPattern(format string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	rest := strings.ReplaceAll(format, "%%", "\x00")
	for {
		loc := verbs.FindStringIndex(rest)
		if loc == nil {
			b.WriteString(quoteLiteral(rest))
			break
		}
		b.WriteString(quoteLiteral(rest[:loc[0]]))
		switch rest[loc[1]-1] {
		case 'd':
			b.WriteString(`(-?\d+)`)
		case 'q':
			b.WriteString(`("(?:[^"\\]|\\.)*")`)
		case 'g', 'f':
			b.WriteString(`(-?[0-9.e+-]+)`)
		default:
			b.WriteString(`(.*?)`)
		}
		rest = rest[loc[1]:]
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func quoteLiteral(s string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(s), "\x00", "%")
}

// literalLen is how much of a format is fixed text.
func literalLen(format string) int { return len(verbs.ReplaceAllString(format, "")) }

// fill puts the values, as the English message printed them, into a
// translation's verbs.
func fill(text string, values []string) string {
	next := 0
	out := verbs.ReplaceAllStringFunc(text, func(v string) string {
		i := next
		if m := verbs.FindStringSubmatch(v); m[1] != "" {
			k, _ := strconv.Atoi(m[1])
			i = k - 1
		}
		next = i + 1
		if i < len(values) {
			return values[i]
		}
		return v
	})
	return strings.ReplaceAll(out, "%%", "%")
}

package socialproof

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"github.com/beckonhq/beckon/validate"
)

// A mapping value names where an event field is in a shop's payload, in a
// grammar small enough to read at a glance (no library: a JSONPath
// implementation would be a hundred times the code for what shops need):
//
//	billing.city                    a path: keys, and array indexes as numbers
//	line_items[0].name              the same as line_items.0.name
//	billing.city|shipping.city      alternatives: the first that is not empty
//	billing.first_name+billing.last_name   joined with a space
//
// For status every alternative is read (InSales keeps payment and
// fulfilment in two fields).

var pathChars = regexp.MustCompile(`^[A-Za-z0-9_\-\[\]\.]+$`)

// checkPaths checks a mapping value's syntax.
func checkPaths(field, paths string) error {
	if err := validate.Line(field, paths, true, 300); err != nil {
		return err
	}
	for _, alt := range strings.Split(paths, "|") {
		for _, p := range strings.Split(alt, "+") {
			if !pathChars.MatchString(p) || strings.Contains(p, "..") || strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") {
				return validate.Field(field, "%q is not a path such as billing.city or line_items[0].name; separate alternatives with | and joined fields with +", p)
			}
		}
	}
	return nil
}

// lookup reads one path from a decoded payload; anything but a string,
// number or boolean reads as "".
func lookup(doc any, path string) string {
	path = strings.NewReplacer("[", ".", "]", "").Replace(path)
	v := doc
	for _, key := range strings.Split(path, ".") {
		switch cur := v.(type) {
		case map[string]any:
			v = cur[key]
		case []any:
			i := -1
			if n, err := json.Number(key).Int64(); err == nil && n >= 0 && n < int64(len(cur)) {
				i = int(n)
			}
			if i < 0 {
				return ""
			}
			v = cur[i]
		default:
			return ""
		}
	}
	switch val := v.(type) {
	case string:
		return strings.TrimSpace(val)
	case json.Number:
		return val.String()
	case bool:
		if val {
			return "true"
		}
		return "false"
	}
	return ""
}

// read is a mapping value's text: the first alternative with a value,
// its paths' values joined by spaces.
func read(doc any, paths string) string {
	for _, alt := range strings.Split(paths, "|") {
		var parts []string
		for _, p := range strings.Split(alt, "+") {
			if v := lookup(doc, p); v != "" {
				parts = append(parts, v)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, " ")
		}
	}
	return ""
}

// readAll is every alternative's value (for statuses).
func readAll(doc any, paths string) []string {
	var vals []string
	for _, alt := range strings.Split(paths, "|") {
		if v := read(doc, alt); v != "" {
			vals = append(vals, v)
		}
	}
	return vals
}

// decodePayload reads a JSON body, or a form (Tilda's default) whose
// bracketed names become nested keys (payment[products][0][name] is
// payment.products.0.name) and whose values holding JSON are decoded
// (Tilda may send payment as a JSON string).
func decodePayload(body []byte) (any, bool) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		var doc any
		if dec.Decode(&doc) != nil {
			return nil, false
		}
		return doc, true
	}
	form, err := url.ParseQuery(string(trimmed))
	if err != nil || len(form) == 0 {
		return nil, false
	}
	doc := map[string]any{}
	for name, vals := range form {
		keys := strings.Split(strings.NewReplacer("[", ".", "]", "").Replace(name), ".")
		m := doc
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[k] = next
			}
			m = next
		}
		m[keys[len(keys)-1]] = formValue(vals[0])
	}
	return doc, true
}

func formValue(v string) any {
	t := strings.TrimSpace(v)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		dec := json.NewDecoder(strings.NewReader(t))
		dec.UseNumber()
		var doc any
		if dec.Decode(&doc) == nil {
			return doc
		}
	}
	return v
}

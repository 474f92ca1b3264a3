// Package notifytest holds helpers for tests of what notify sends.
package notifytest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Shape lists the JSON paths of body's values with their kinds (string,
// number, bool, null), sorted, each once: two payloads of one event have
// the same shape whatever their values. Maps keyed by the owner's own
// names (utm, hidden, values) count as one key "*", and an answer's value
// is of any kind (its step's).
func Shape(t testing.TB, body []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if strings.HasSuffix(path, ".utm") || strings.HasSuffix(path, ".hidden") || strings.HasSuffix(path, ".values") {
					k = "*"
				}
				walk(path+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(path+"[]", c)
			}
		default:
			kind := kindOf(x)
			if strings.HasSuffix(path, ".value") {
				kind = "any"
			}
			out = append(out, path+":"+kind)
		}
	}
	walk("", v)
	slices.Sort(out)
	return slices.Compact(out)
}

// kindOf names the JSON kind of a scalar decoded into any.
func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

package server_test

import (
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// docRow is one row of a settings table in docs/API.md: the names in its
// first column and the text of its default column.
type docRow struct {
	names []string
	def   string
}

var (
	docHeading   = regexp.MustCompile("^### `([a-z_]+)`$")
	docTableRow  = regexp.MustCompile(`^\|(.+?)\|(.+?)\|`)
	docCodeSpans = regexp.MustCompile("`([^`]+)`")
)

// documentedDefaults reads docs/API.md: the Sites table's "no (`default`)"
// cells, and each widget type's settings table under "## Widgets".
func documentedDefaults(t *testing.T) (site []docRow, types map[string][]docRow) {
	t.Helper()
	doc, err := os.ReadFile("../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	types = map[string][]docRow{}
	section, typ := "", ""
	for _, line := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			section, typ = line, ""
			continue
		case docHeading.MatchString(line):
			typ = docHeading.FindStringSubmatch(line)[1]
			continue
		}
		m := docTableRow.FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(strings.TrimSpace(m[1]), "---") {
			continue
		}
		var names []string
		for _, n := range docCodeSpans.FindAllStringSubmatch(m[1], -1) {
			names = append(names, n[1])
		}
		if len(names) == 0 { // the header row
			continue
		}
		row := docRow{names: names, def: strings.TrimSpace(m[2])}
		switch {
		case section == "## Sites":
			site = append(site, row)
		case section == "## Widgets" && typ != "":
			types[typ] = append(types[typ], row)
		}
	}
	return site, types
}

// literal reads a documented default as a JSON value: the first code span
// (`true`, `[]`, `{"required":false}`; a bare word such as `in_order` is a
// string) or a bare number or boolean at the start of the cell. ok is false
// for prose ("the site's region's").
func literal(cell string) (v any, ok bool) {
	if strings.HasPrefix(cell, "`") {
		code := docCodeSpans.FindStringSubmatch(cell)[1]
		if json.Unmarshal([]byte(code), &v) != nil {
			v = code
		}
		return v, true
	}
	word, _, _ := strings.Cut(strings.NewReplacer(",", " ", ";", " ", ":", " ").Replace(cell), " ")
	if json.Unmarshal([]byte(word), &v) == nil {
		return v, true
	}
	return nil, false
}

// matches compares a documented default with what the API returned. An
// object default names only the keys it promises; others may be present.
func matches(want, got any) bool {
	if w, ok := want.(map[string]any); ok {
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			if !matches(wv, g[k]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

// at follows a dotted path ("limits.per_number") into a decoded object; a
// missing key reads as null.
func at(obj map[string]any, path string) any {
	var v any = obj
	for _, key := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[key]
	}
	return v
}

// requiredSettings are the least settings of the types that cannot be
// created with {}; everything else is left to the defaults.
var requiredSettings = map[string]map[string]any{
	"countdown":   {"mode": "evergreen", "duration_seconds": 900},
	"quiz":        {"steps": []any{map[string]any{"id": "wish", "type": "text", "title": "What would you like?"}}},
	"popup":       {"title": "Free delivery this week"},
	"game":        {"prizes": []any{map[string]any{"id": "ten", "title": "10% off", "weight": 1, "stock": nil}}},
	"multibutton": {"channels": []any{map[string]any{"type": "phone", "value": "+7 495 123-45-67"}}},
	"proactive":   {"name": "Anna", "text": "Looking for a boiler?", "triggers": map[string]any{"on": []any{map[string]any{"type": "manual"}}}},
}

// servedTypes are the widget types of the modules a server offers
// (widgets/standard, which cmd/beckon and servertest serve), in their order.
func servedTypes() []string {
	var types []string
	for _, m := range servertest.Modules(servertest.Config(), sim.New(servertest.FastCalls)) {
		types = append(types, m.Type())
	}
	return types
}

// proseDefaults are the documented defaults that are not one literal value,
// each with the value it means for a site in region RU.
var proseDefaults = map[string]any{
	"callback.allowed_calling_codes": []any{7.0},
}

// TestDocumentedDefaultsAreApplied creates a site and each widget type with
// only what is required, through the admin API, and checks that GET returns
// every default docs/API.md promises: the doc's tables are the test's input,
// so the doc and the code cannot drift apart.
func TestDocumentedDefaultsAreApplied(t *testing.T) {
	siteRows, typeRows := documentedDefaults(t)
	if len(siteRows) < 5 {
		t.Fatalf("docs/API.md: found %d rows in the Sites table; has its layout changed?", len(siteRows))
	}
	served := servedTypes()
	for _, typ := range served {
		if len(typeRows[typ]) == 0 {
			t.Errorf("widget type %q is served, but docs/API.md has no settings table for it (### `%s` under ## Widgets)", typ, typ)
		}
	}
	for typ := range typeRows {
		if !slices.Contains(served, typ) {
			t.Errorf("docs/API.md documents widget type %q, which the server does not serve", typ)
		}
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		r := ts.Admin("POST", "/api/v1/sites", map[string]any{"name": "Shop", "origins": []string{"https://shop.example"}})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		siteID := r.JSON(t)["id"].(string)
		got := ts.Admin("GET", "/api/v1/sites/"+siteID, nil).JSON(t)
		for _, row := range siteRows {
			def, ok := strings.CutPrefix(row.def, "no (")
			if !ok {
				continue // required
			}
			want, _ := literal(strings.TrimSuffix(def, ")"))
			if !matches(want, got[row.names[0]]) {
				t.Errorf("site %s: docs/API.md says %v, GET says %v", row.names[0], want, got[row.names[0]])
			}
		}
		// The widgets' checks read the site's region: make it RU.
		servertest.ExpectStatus(t, ts.Admin("PATCH", "/api/v1/sites/"+siteID, map[string]any{"region": "RU"}), http.StatusOK)

		for _, typ := range served {
			rows := typeRows[typ]
			if rows == nil {
				continue // reported above
			}
			body := requiredSettings[typ]
			if body == nil {
				body = map[string]any{}
			}
			r := ts.Admin("POST", "/api/v1/sites/"+siteID+"/widgets", map[string]any{"type": typ, "settings": body})
			if r.Status != http.StatusCreated {
				t.Errorf("a %s widget with settings %v is refused (%d %s); add the least it needs to requiredSettings", typ, body, r.Status, r.Body)
				continue
			}
			r = ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+r.JSON(t)["id"].(string), nil)
			servertest.ExpectStatus(t, r, http.StatusOK)
			settings, _ := r.JSON(t)["settings"].(map[string]any)
			for _, row := range rows {
				for _, name := range row.names {
					checkDocumentedSetting(t, ts, siteID, typ, name, row.def, body, settings)
				}
			}
		}
	})
}

func checkDocumentedSetting(t *testing.T, ts *servertest.Server, siteID, typ, name, def string, body, settings map[string]any) {
	t.Helper()
	field := typ + "." + name
	switch want, isLiteral := literal(def); {
	case def == "required":
		// Leaving it out must be refused, naming it.
		without := map[string]any{}
		for k, v := range body {
			if k != name {
				without[k] = v
			}
		}
		r := ts.Admin("POST", "/api/v1/sites/"+siteID+"/widgets", map[string]any{"type": typ, "settings": without})
		if r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != "settings."+name {
			t.Errorf("%s is documented as required, but leaving it out gives %d %s", field, r.Status, r.Body)
		}
	case def == "":
		// Depends on another setting (a countdown's mode): no default.
	case isLiteral:
		if got := at(settings, name); !matches(want, got) {
			t.Errorf("%s: docs/API.md says the default is %s, GET returns %v", field, def, got)
		}
	default:
		want, known := proseDefaults[field]
		if !known {
			t.Errorf("%s: docs/API.md gives the default %q, which is not a JSON value this test can check; write it as one (`…`) or add it to proseDefaults", field, def)
			return
		}
		if got := at(settings, name); !matches(want, got) {
			t.Errorf("%s: docs/API.md says %q (%v here), GET returns %v", field, def, want, got)
		}
	}
}

// TestChosenZeroIsKept: where 0 is a valid choice with another default
// (visitor_retries), an owner's explicit 0 is stored as 0, on create and on
// update, while leaving it out gives the default.
func TestChosenZeroIsKept(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		siteID := ts.CreateSite("Shop")["id"].(string)
		w := ts.CreateWidget(siteID, map[string]any{"type": "callback", "settings": map[string]any{"visitor_retries": 0}})
		retries := func() any {
			r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/widgets/"+w["id"].(string), nil)
			return at(r.JSON(t), "settings.visitor_retries")
		}
		if got := retries(); got != 0.0 {
			t.Fatalf("visitor_retries 0 stored as %v", got)
		}
		patch := func(settings map[string]any) {
			servertest.ExpectStatus(t, ts.Admin("PATCH", "/api/v1/sites/"+siteID+"/widgets/"+w["id"].(string), map[string]any{"settings": settings}), http.StatusOK)
		}
		patch(map[string]any{"color": "#000000"})
		if got := retries(); got != 2.0 {
			t.Fatalf("settings without visitor_retries: %v, want the default 2", got)
		}
		patch(map[string]any{"visitor_retries": 0})
		if got := retries(); got != 0.0 {
			t.Fatalf("visitor_retries 0 by PATCH stored as %v", got)
		}
	})
}

// TestAPIDocCallbackExampleIsARequest: the visitor's request shown in
// docs/API.md names only fields the intake reads, with the right types.
func TestAPIDocCallbackExampleIsARequest(t *testing.T) {
	doc, err := os.ReadFile("../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(doc), "```json\n")[1:] {
		example, _, _ := strings.Cut(block, "```")
		if !strings.HasPrefix(example, `{"phone"`) {
			continue
		}
		var req callback.Request
		if err := validate.DecodeJSON([]byte(example), &req); err != nil {
			t.Fatalf("docs/API.md's callback request example: %v\n%s", err, example)
		}
		return
	}
	t.Fatal(`docs/API.md has no callback request example ({"phone"…) any more`)
}

package quiz

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

var ruSite = store.Site{Name: "Ремонт Плюс", Locale: "ru", Region: "RU"}

// normalize reads settings as the admin API does (defaults first, strict
// JSON, then Normalize).
func normalize(t testing.TB, site store.Site, raw string) (*Settings, error) {
	t.Helper()
	s := &Settings{}
	s.Defaults(site)
	if err := validate.DecodeJSON([]byte(raw), s); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return s, s.Normalize(site)
}

func mustNormalize(t testing.TB, site store.Site, raw string) *Settings {
	t.Helper()
	s, err := normalize(t, site, raw)
	if err != nil {
		t.Fatalf("settings refused: %v\n%s", err, raw)
	}
	return s
}

func toJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNormalizeFillsDefaults(t *testing.T) {
	s := mustNormalize(t, ruSite, `{"steps":[{"id":"wish","type":"text","title":"Что хотите сделать?"}]}`)
	got := toJSON(t, s)
	want := map[string]any{
		"color":          DefaultColor,
		"offer_callback": true,
		"partial_leads":  false,
		"launcher":       nil,
		"formulas":       []any{},
		"results":        []any{},
		"notify_url":     "",
	}
	for k, v := range want {
		if b1, b2 := mustJSON(v), mustJSON(got[k]); b1 != b2 {
			t.Errorf("%s = %s, want %s", k, b2, b1)
		}
	}
	form := got["form"].(map[string]any)
	if form["position"] != "end" || mustJSON(form["fields"]) != `[{"name":"name","required":false},{"name":"phone","required":true}]` {
		t.Errorf("form defaults: %v", form)
	}
	step := got["steps"].([]any)[0].(map[string]any)
	if step["required"] != true || step["max_length"] != 500.0 || mustJSON(step["title"]) != `{"ru":"Что хотите сделать?"}` {
		t.Errorf("step defaults: %v", step)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A plain text is in the site's language; texts per language stay as given.
func TestPlainTextTakesTheSiteLanguage(t *testing.T) {
	uk := store.Site{Name: "Ремонт", Locale: "uk", Region: "UA"}
	s := mustNormalize(t, uk, `{"steps":[{"id":"a","type":"text","title":"Що зробити?","hint":{"en":"Anything","ru":" "}}]}`)
	if got := mustJSON(s.Steps[0].Title); got != `{"uk":"Що зробити?"}` {
		t.Errorf("title %s", got)
	}
	if got := mustJSON(s.Steps[0].Hint); got != `{"en":"Anything"}` {
		t.Errorf("hint %s (a blank language is dropped)", got)
	}
	if got := s.Steps[0].Title.In("en", "uk"); got != "Що зробити?" {
		t.Errorf("an English visitor of a Ukrainian site reads %q", got)
	}
}

// Settings that Normalize returned are accepted again unchanged: a stored
// version compiles into the same quiz (ParseDefinition relies on it).
func TestNormalizeIsStable(t *testing.T) {
	s := mustNormalize(t, ruSite, renovationJSON)
	first, _ := json.Marshal(s)
	again := mustNormalize(t, ruSite, string(first))
	second, _ := json.Marshal(again)
	if string(first) != string(second) {
		t.Fatalf("normalized twice differs:\n%s\n%s", first, second)
	}
}

func TestNotifySecretGeneratedForAURL(t *testing.T) {
	s := mustNormalize(t, ruSite, `{"steps":[{"id":"a","type":"text","title":"Q"}],"notify_url":"https://hooks.example.com/quiz"}`)
	url, secret, ok := s.Webhook()
	if !ok || url != "https://hooks.example.com/quiz" || !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("Webhook() = %q %q %v", url, secret, ok)
	}
	s = mustNormalize(t, ruSite, `{"steps":[{"id":"a","type":"text","title":"Q"}]}`)
	if _, _, ok := s.Webhook(); ok {
		t.Fatal("no notify_url, yet a webhook")
	}
}

// oneStep is a quiz of one question with extra settings.
func oneStep(step string, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return `{"steps":[` + step + `]` + extra + `}`
}

const textStep = `{"id":"wish","type":"text","title":"Q"}`

// Every refusal names the JSON path of what is wrong.
func TestNormalizeRefusesNamingThePath(t *testing.T) {
	many := make([]string, MaxSteps+1)
	for i := range many {
		many[i] = `{"id":"s` + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + `","type":"text","title":"Q"}`
	}
	cases := []struct {
		name, settings, field, message string
	}{
		{"no steps", `{}`, "steps", "1 to 50"},
		{"too many steps", `{"steps":[` + strings.Join(many, ",") + `]}`, "steps", "1 to 50"},
		{"bad step id", oneStep(`{"id":"Rooms","type":"text","title":"Q"}`, ""), "steps[0].id", "lowercase"},
		{"reserved step id", oneStep(`{"id":"end","type":"text","title":"Q"}`, ""), "steps[0].id", "reserved"},
		{"step named like a function", oneStep(`{"id":"max","type":"text","title":"Q"}`, ""), "steps[0].id", "reserved"},
		{"formula named like a word of expr", oneStep(textStep, `"formulas":[{"name":"matches","expr":"1"}]`), "formulas[0].name", "not one of"},
		{"duplicate step id", oneStep(textStep+`,`+textStep, ""), "steps[1].id", "taken by steps[0]"},
		{"formula named like a step", oneStep(textStep, `"formulas":[{"name":"wish","expr":"1"}]`), "formulas[0].name", "taken by steps[0]"},
		{"unknown type", oneStep(`{"id":"a","type":"slider","title":"Q"}`, ""), "steps[0].type", "single, multi"},
		{"no title", oneStep(`{"id":"a","type":"text"}`, ""), "steps[0].title", "required"},
		{"title in an unknown language", oneStep(`{"id":"a","type":"text","title":{"de":"Frage"}}`, ""), "steps[0].title.de", "unknown language"},
		{"title neither text nor texts", oneStep(`{"id":"a","type":"text","title":5}`, ""), "steps[0].title", "must be a text"},
		{"label with a number per language", oneStep(`{"id":"a","type":"single","title":"Q","options":[{"label":{"ru":1}}]}`, ""), "steps[0].options[0].label", "must be a text"},
		{"title on two lines", oneStep(`{"id":"a","type":"text","title":"Q\nPress 1"}`, ""), "steps[0].title", "single line"},
		{"single without options", oneStep(`{"id":"a","type":"single","title":"Q"}`, ""), "steps[0].options", "1 to 30"},
		{"option without label", oneStep(`{"id":"a","type":"single","title":"Q","options":[{"label":"A"},{"id":"b"}]}`, ""), "steps[0].options[1].label", "required"},
		{"duplicate option", oneStep(`{"id":"a","type":"single","title":"Q","options":[{"id":"x","label":"A"},{"id":"x","label":"B"}]}`, ""), "steps[0].options[1].id", "another option"},
		{"image option without image", oneStep(`{"id":"a","type":"image","title":"Q","options":[{"label":"A"}]}`, ""), "steps[0].options[0].image", "required"},
		{"image over http", oneStep(`{"id":"a","type":"image","title":"Q","options":[{"label":"A","image":"http://x.example/a.jpg"}]}`, ""), "steps[0].options[0].image", "https://"},
		{"option next on multi", oneStep(`{"id":"a","type":"multi","title":"Q","options":[{"label":"A","next":"end"}]}`, ""), "steps[0].options[0].next", "use rules"},
		{"max_choices over options", oneStep(`{"id":"a","type":"multi","title":"Q","options":[{"label":"A"},{"label":"B"}],"max_choices":3}`, ""), "steps[0].max_choices", "number of options (2)"},
		{"min_choices over max", oneStep(`{"id":"a","type":"multi","title":"Q","options":[{"label":"A"},{"label":"B"}],"min_choices":2,"max_choices":1}`, ""), "steps[0].max_choices", "between 2"},
		{"options on text", oneStep(`{"id":"a","type":"text","title":"Q","options":[{"label":"A"}]}`, ""), "steps[0].options", "does not apply to a text step"},
		{"min on text", oneStep(`{"id":"a","type":"text","title":"Q","min":1}`, ""), "steps[0].min", "does not apply"},
		{"text too long allowed", oneStep(`{"id":"a","type":"text","title":"Q","max_length":6000}`, ""), "steps[0].max_length", "between 1 and 5000"},
		{"number without min", oneStep(`{"id":"a","type":"number","title":"Q","max":10}`, ""), "steps[0].min", "required"},
		{"number min null", oneStep(`{"id":"a","type":"number","title":"Q","min":null,"max":10}`, ""), "steps[0].min", "required"},
		{"number min as text", oneStep(`{"id":"a","type":"number","title":"Q","min":"one","max":10}`, ""), "steps[0].min", "must be a number"},
		{"number max not above min", oneStep(`{"id":"a","type":"number","title":"Q","min":10,"max":10}`, ""), "steps[0].max", "greater than min"},
		{"number step 0", oneStep(`{"id":"a","type":"number","title":"Q","min":0,"max":10,"step":0}`, ""), "steps[0].step", "greater than 0"},
		{"date min malformed", oneStep(`{"id":"a","type":"date","title":"Q","min":"2026-13-01"}`, ""), "steps[0].min", "2026-12-31"},
		{"date max before min", oneStep(`{"id":"a","type":"date","title":"Q","min":"2026-06-01","max":"2026-05-31"}`, ""), "steps[0].max", "not be before"},
		{"rating max 11", oneStep(`{"id":"a","type":"rating","title":"Q","max":11}`, ""), "steps[0].max", "3 to 10"},
		{"rating with min", oneStep(`{"id":"a","type":"rating","title":"Q","min":0}`, ""), "steps[0].min", "does not apply"},
		{"step next nowhere", oneStep(`{"id":"a","type":"text","title":"Q","next":"b"}`, ""), "steps[0].next", `"b" is no step`},
		{"option next nowhere", `{"steps":[` + textStep + `,{"id":"b","type":"text","title":"Q"},{"id":"c","type":"single","title":"Q","options":[{"label":"A","next":"end"},{"label":"B","next":"area"}]}]}`, "steps[2].options[1].next", `"area" is no step`},
		{"rule next nowhere", oneStep(`{"id":"a","type":"rating","title":"Q","rules":[{"if":"a > 3","next":"b"}]}`, ""), "steps[0].rules[0].next", "no step"},
		{"rule not boolean", oneStep(`{"id":"a","type":"rating","title":"Q","rules":[{"if":"a + 1","next":"end"}]}`, ""), "steps[0].rules[0].if", "must be true or false"},
		{"rule on an unknown name", oneStep(`{"id":"a","type":"rating","title":"Q","rules":[{"if":"budget > 3","next":"end"}]}`, ""), "steps[0].rules[0].if", "unknown name budget"},
		{"loop", `{"steps":[{"id":"a","type":"text","title":"Q"},{"id":"b","type":"text","title":"Q"},{"id":"c","type":"text","title":"Q","next":"a"}]}`, "steps[2].next", "a → b → c → a"},
		{"loop through an option", `{"steps":[{"id":"a","type":"text","title":"Q"},{"id":"b","type":"single","title":"Q","options":[{"label":"A"},{"label":"B","next":"a"}]}]}`, "steps[1].options[1].next", "b → a"},
		{"formula does not compile", oneStep(`{"id":"area","type":"number","title":"Q","min":1,"max":9}`, `"formulas":[{"name":"price","expr":"area * * 2"}]`), "formulas[0].expr", "character 8"},
		{"formula on a later formula", oneStep(textStep, `"formulas":[{"name":"a","expr":"b * 2"},{"name":"b","expr":"1"}]`), "formulas[0].expr", "unknown name b"},
		{"formula gives text", oneStep(textStep, `"formulas":[{"name":"a","expr":"wish"}]`), "formulas[0].expr", "must work out a number, not string"},
		{"formula empty", oneStep(textStep, `"formulas":[{"name":"a","expr":""}]`), "formulas[0].expr", "required"},
		{"formula name", oneStep(textStep, `"formulas":[{"name":"Price","expr":"1"}]`), "formulas[0].name", "lowercase"},
		{"result range on no formula", oneStep(textStep, `"results":[{"title":"R","when":{"value":"price","min":0}}]`), "results[0].when.value", `"price" is no formula`},
		{"result range empty", oneStep(textStep, `"formulas":[{"name":"price","expr":"1"}],"results":[{"title":"R","when":{"value":"price","min":5,"max":5}}]`), "results[0].when.max", "greater than min"},
		{"result unknown placeholder", oneStep(textStep, `"formulas":[{"name":"price","expr":"1"}],"results":[{"title":"R","text":"Цена {prise} ₽"}]`), "results[0].text.ru", "{prise} names no formula"},
		{"result without title", oneStep(textStep, `"results":[{"text":"R"}]`), "results[0].title", "required"},
		{"form position", oneStep(textStep, `"form":{"position":"middle"}`), "form.position", "end, start"},
		{"form field unknown", oneStep(textStep, `"form":{"fields":[{"name":"telegram"}]}`), "form.fields[0].name", "name, phone"},
		{"form field twice", oneStep(textStep, `"form":{"fields":[{"name":"phone"},{"name":"phone"}]}`), "form.fields[1].name", "twice"},
		{"form without a contact", oneStep(textStep, `"form":{"fields":[{"name":"name","required":true}]}`), "form.fields", "way to reach"},
		{"consent policy over http", oneStep(textStep, `"form":{"consent":{"required":true,"url":"http://x.example/p"}}`), "form.consent.url", "https://"},
		{"launcher position", oneStep(textStep, `"launcher":{"position":"top"}`), "launcher.position", "bottom-right"},
		{"colour", oneStep(textStep, `"color":"blue"`), "color", "#16a34a"},
		{"start image", oneStep(textStep, `"start":{"image":"javascript:alert(1)"}`), "start.image", "https://"},
		{"notify_url private", oneStep(textStep, `"notify_url":"http://127.0.0.1/hook"`), "notify_url", ""},
		{"notify_secret malformed", oneStep(textStep, `"notify_secret":"secret"`), "notify_secret", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := normalize(t, ruSite, c.settings)
			var ve *validate.Error
			if !errors.As(err, &ve) {
				t.Fatalf("want a validation error naming %s, got %v", c.field, err)
			}
			if ve.Field != c.field || !strings.Contains(ve.Message, c.message) {
				t.Fatalf("got %s: %s\nwant %s: …%s…", ve.Field, ve.Message, c.field, c.message)
			}
		})
	}
}

// The browser gets what it draws, never what decides a price: no formulas,
// rules, option values, next steps, ranges or summaries.
func TestPublicLeavesOutTheCalculator(t *testing.T) {
	s := mustNormalize(t, ruSite, renovationJSON)
	pub, _ := json.Marshal(s.Public())
	for _, secret := range []string{`"formulas"`, `"rules"`, `"value"`, `"next"`, `"when":{`, `"summary"`, `"expr"`, "3500", "45000", "notify_secret"} {
		if strings.Contains(string(pub), secret) {
			t.Errorf("public settings contain %s:\n%s", secret, pub)
		}
	}
	got := toJSON(t, s.Public())
	steps := got["steps"].([]any)
	if len(steps) != len(s.Steps) {
		t.Fatalf("public steps %d, want %d", len(steps), len(s.Steps))
	}
	rooms := steps[0].(map[string]any)
	if mustJSON(rooms["options"].([]any)[2]) != `{"id":"r3","label":{"en":"3 rooms","ru":"3 комнаты","uk":"3 кімнати"}}` {
		t.Errorf("option as browsers see it: %s", mustJSON(rooms["options"].([]any)[2]))
	}
	area := steps[1].(map[string]any)
	if area["min"] != 10.0 || area["max"] != 300.0 || area["step"] != 1.0 || area["slider"] != true {
		t.Errorf("number step as browsers see it: %v", area)
	}
	for i, want := range map[int]string{
		2: `{"id":"extras","max_choices":3,"options":[{"id":"heating","label":{"en":"Floor heating","ru":"Тёплый пол","uk":"Тепла підлога"}},{"id":"ceiling","label":{"en":"Stretch ceiling","ru":"Натяжной потолок","uk":"Натяжна стеля"}},{"id":"design","label":{"en":"Design project","ru":"Дизайн-проект","uk":"Дизайн-проєкт"}}],"required":false,"title":{"en":"Anything else?","ru":"Что ещё сделать?","uk":"Що ще зробити?"},"type":"multi"}`,
		4: `{"id":"when","max":"2027-12-31","min":"2026-01-01","required":false,"title":{"en":"When to start?","ru":"Когда начать?","uk":"Коли почати?"},"type":"date"}`,
		5: `{"id":"wish","max_length":200,"required":false,"title":{"en":"Wishes","ru":"Пожелания","uk":"Побажання"},"type":"text"}`,
		6: `{"id":"mark","max":5,"required":false,"title":{"en":"How urgent?","ru":"Насколько срочно?","uk":"Наскільки терміново?"},"type":"rating"}`,
	} {
		if got := mustJSON(steps[i]); got != want {
			t.Errorf("step %d as browsers see it:\n%s\nwant\n%s", i, got, want)
		}
	}
	c := got["form"].(map[string]any)["consent"].(map[string]any)
	ru, _ := c["text"].(map[string]any)["ru"].(string)
	if c["required"] != true || !strings.Contains(ru, "Ремонт Плюс") || c["text_ids"].(map[string]any)["ru"] == "" {
		t.Errorf("consent as browsers see it: %v", c)
	}
	results := got["results"].([]any)
	if mustJSON(results[0]) != `{"id":"small","title":{"en":"Cosmetic renovation","ru":"Косметический ремонт","uk":"Косметичний ремонт"}}` {
		t.Errorf("result as browsers see it: %s", mustJSON(results[0]))
	}
}

// Stored settings (the site's cached config, never normalized in this
// process) give browsers the lead's consent text, not the callback's.
func TestPublicOfStoredSettingsHasTheLeadConsent(t *testing.T) {
	s := mustNormalize(t, ruSite, renovationJSON)
	stored, _ := json.Marshal(s)
	var parsed Settings
	if err := json.Unmarshal(stored, &parsed); err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(s.Public())
	b, _ := json.Marshal(parsed.Public())
	if string(a) != string(b) {
		t.Fatalf("public settings differ once stored:\n%s\n%s", a, b)
	}
}

package quiz

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/expr-lang/expr"

	"github.com/beckonhq/beckon/validate"
)

// renovationJSON is a realistic calculator: a flat's rooms and area, extras
// and a style make a price; a studio skips the area, a big flat skips the
// extras; three result screens by price.
const renovationJSON = `{
  "start": {"title": {"ru": "Рассчитайте стоимость ремонта за минуту", "uk": "Розрахуйте вартість ремонту за хвилину", "en": "Get a renovation estimate in a minute"},
            "bonus": {"ru": "Скидка 10% на дизайн-проект", "uk": "Знижка 10% на дизайн-проєкт", "en": "10% off a design project"}},
  "steps": [
    {"id": "rooms", "type": "single", "title": {"ru": "Сколько комнат?", "uk": "Скільки кімнат?", "en": "How many rooms?"},
     "options": [
       {"id": "r1", "label": {"ru": "1 комната", "uk": "1 кімната", "en": "1 room"}, "value": 1},
       {"id": "r2", "label": {"ru": "2 комнаты", "uk": "2 кімнати", "en": "2 rooms"}, "value": 2},
       {"id": "r3", "label": {"ru": "3 комнаты", "uk": "3 кімнати", "en": "3 rooms"}, "value": 3},
       {"id": "studio", "label": {"ru": "Студия", "uk": "Студія", "en": "Studio"}, "value": 1, "next": "style"}]},
    {"id": "area", "type": "number", "title": {"ru": "Площадь квартиры", "uk": "Площа квартири", "en": "Floor area"},
     "min": 10, "max": 300, "step": 1, "unit": {"ru": "м²", "uk": "м²", "en": "m²"}, "slider": true,
     "rules": [{"if": "area >= 150", "next": "when"}]},
    {"id": "extras", "type": "multi", "required": false, "title": {"ru": "Что ещё сделать?", "uk": "Що ще зробити?", "en": "Anything else?"},
     "options": [
       {"id": "heating", "label": {"ru": "Тёплый пол", "uk": "Тепла підлога", "en": "Floor heating"}, "value": 45000},
       {"id": "ceiling", "label": {"ru": "Натяжной потолок", "uk": "Натяжна стеля", "en": "Stretch ceiling"}, "value": 30000},
       {"id": "design", "label": {"ru": "Дизайн-проект", "uk": "Дизайн-проєкт", "en": "Design project"}, "value": 15000}]},
    {"id": "style", "type": "image", "title": {"ru": "Какой стиль ближе?", "uk": "Який стиль ближчий?", "en": "Which style?"},
     "options": [
       {"id": "classic", "label": {"ru": "Классика", "uk": "Класика", "en": "Classic"}, "image": "https://img.example/classic.jpg", "value": 1},
       {"id": "loft", "label": {"ru": "Лофт", "uk": "Лофт", "en": "Loft"}, "image": "https://img.example/loft.jpg", "value": 1.1}]},
    {"id": "when", "type": "date", "required": false, "title": {"ru": "Когда начать?", "uk": "Коли почати?", "en": "When to start?"},
     "min": "2026-01-01", "max": "2027-12-31"},
    {"id": "wish", "type": "text", "required": false, "title": {"ru": "Пожелания", "uk": "Побажання", "en": "Wishes"}, "max_length": 200},
    {"id": "mark", "type": "rating", "required": false, "title": {"ru": "Насколько срочно?", "uk": "Наскільки терміново?", "en": "How urgent?"}}
  ],
  "formulas": [
    {"name": "base", "expr": "area * 5000"},
    {"name": "price", "expr": "(base * (rooms >= 3 ? 1.2 : 1) + extras) * (style > 0 ? style : 1)"}
  ],
  "results": [
    {"id": "small", "title": {"ru": "Косметический ремонт", "uk": "Косметичний ремонт", "en": "Cosmetic renovation"},
     "when": {"value": "price", "min": 0, "max": 200000}},
    {"id": "mid", "title": {"ru": "Капитальный ремонт", "uk": "Капітальний ремонт", "en": "Full renovation"},
     "text": {"ru": "Оценка: {price} ₽ за {area}", "uk": "Оцінка: {price} ₽ за {area}", "en": "Estimate: {price} ₽ for {area}"},
     "when": {"value": "price", "min": 200000, "max": 500000},
     "summary": {"ru": "Ремонт: {rooms}, {area}, оценка {price} ₽", "uk": "Ремонт: {rooms}, {area}, оцінка {price} ₽", "en": "Renovation: {rooms}, {area}, estimate {price} ₽"}},
    {"id": "premium", "title": {"ru": "Ремонт под ключ", "uk": "Ремонт під ключ", "en": "Turnkey renovation"}}
  ],
  "form": {"consent": {"required": true}},
  "launcher": {"label": {"ru": "Рассчитать ремонт", "uk": "Розрахувати ремонт", "en": "Estimate"}}
}`

func renovation(t *testing.T) *Definition {
	t.Helper()
	return mustNormalize(t, ruSite, renovationJSON).Definition()
}

// answers builds Answers from step ids and JSON values.
func answers(pairs ...string) Answers {
	a := Answers{}
	for i := 0; i+1 < len(pairs); i += 2 {
		a[pairs[i]] = json.RawMessage(pairs[i+1])
	}
	return a
}

// A three-room flat of 60 m² with floor heating and a design project:
// 60 × 5 000 × 1.2 + 45 000 + 15 000 = 420 000, and the result screen says
// so in the visitor's language.
func TestRenovationEstimate(t *testing.T) {
	d := renovation(t)
	a := answers("rooms", `"r3"`, "area", `60`, "extras", `["heating","design"]`, "style", `"classic"`)
	res, summary, err := d.Evaluate(a, "ru")
	if err != nil {
		t.Fatal(err)
	}
	if res.Values["price"] != 420000 || res.Values["base"] != 300000 {
		t.Fatalf("values %v, want price 420000 and base 300000", res.Values)
	}
	if res.Screen != "mid" || res.Title != "Капитальный ремонт" || res.Text != "Оценка: 420\u00a0000 ₽ за 60\u00a0м²" {
		t.Fatalf("result %+v", res)
	}
	if summary != "Ремонт: 3 комнаты, 60\u00a0м², оценка 420\u00a0000 ₽" {
		t.Fatalf("summary %q", summary)
	}
	res, summary, _ = d.Evaluate(a, "en")
	if res.Text != "Estimate: 420,000 ₽ for 60\u00a0m²" || summary != "Renovation: 3 rooms, 60\u00a0m², estimate 420,000 ₽" {
		t.Fatalf("en: %q / %q", res.Text, summary)
	}
	// A loft costs a tenth more.
	a["style"] = json.RawMessage(`"loft"`)
	res, _, _ = d.Evaluate(a, "uk")
	if res.Values["price"] != 462000 || res.Text != "Оцінка: 462\u00a0000 ₽ за 60\u00a0м²" {
		t.Fatalf("loft: %v %q", res.Values, res.Text)
	}
}

// Hostile formulas are refused when the owner saves them: nothing that
// loops, builds big values or reaches the host compiles.
func TestHostileFormulasAreRefusedOnSave(t *testing.T) {
	long := strings.Repeat("area + ", 200) + "1"
	cases := []struct{ expr, message string }{
		{`len(1..100000000)`, "ranges"},
		{`area in 1..100000000 ? 1 : 0`, "ranges"},
		{`sum(map([1, 2, 3], # * area))`, "list functions"},
		{`len(filter([1, 2], # > 1))`, "list functions"},
		{`len(repeat("a", 100000000))`, "unknown name repeat"},
		{`let s = wish + wish; let t = s + s; len(t)`, "joining texts"},
		{`wish matches "(a+)+$" ? 1 : 0`, "matches is not allowed"},
		{`now().Unix()`, "unknown name now"},
		{`len(toJSON($env))`, "toJSON"},
		{long, "at most 1000"},
		{strings.Repeat("1+", 200) + "1", "at most 300 numbers"},
		{strings.Repeat("-(", 300) + "1" + strings.Repeat(")", 300), "at most 300 numbers"},
	}
	for _, c := range cases {
		settings := oneStep(`{"id":"area","type":"number","title":"Q","min":1,"max":9},{"id":"wish","type":"text","title":"Q"}`,
			`"formulas":[{"name":"x","expr":`+mustJSON(c.expr)+`}]`)
		_, err := normalize(t, ruSite, settings)
		var ve *validate.Error
		if !errors.As(err, &ve) || ve.Field != "formulas[0].expr" || !strings.Contains(ve.Message, c.message) {
			t.Errorf("%.60s: got %v, want formulas[0].expr refused (…%s…)", c.expr, err, c.message)
		}
	}
}

// A refusal names the place in the formula: a character of the first
// line, or a line and a character below it.
func TestFormulaRefusalsNameThePlace(t *testing.T) {
	cases := []struct{ expr, message string }{
		{"area * * 2", "does not compile at character 8: "},
		{"area +\n  * 2", "does not compile at line 2, character 3: "},
		{"area in 1..9 ? 1 : 0", "ranges (a..b) are not allowed; compare with >= and <= instead (at character 10)"},
		{"area > 1\n? (area in 1..9 ? 1 : 0)\n: 0", "ranges (a..b) are not allowed; compare with >= and <= instead (at line 2, character 13)"},
		{"area > 1 ? 1 : wish matches \"a\" ? 2 : 0", "matches is not allowed (at character 21)"},
		{"area / 0", `gives no number while questions are unanswered (each answer is 0 or "" until given): NaN (a division by zero?); `},
	}
	for _, c := range cases {
		settings := oneStep(`{"id":"area","type":"number","title":"Q","min":1,"max":9},{"id":"wish","type":"text","title":"Q"}`,
			`"formulas":[{"name":"x","expr":`+mustJSON(c.expr)+`}]`)
		_, err := normalize(t, ruSite, settings)
		var ve *validate.Error
		if !errors.As(err, &ve) || ve.Field != "formulas[0].expr" || !strings.HasPrefix(ve.Message, c.message) {
			t.Errorf("%q: got %v, want formulas[0].expr refused with %s…", c.expr, err, c.message)
		}
	}
}

// Deep parentheses make no nodes: within the length limit they compile,
// and run at once.
func TestDeepParenthesesAreHarmless(t *testing.T) {
	deep := strings.Repeat("(", 498) + "area" + strings.Repeat(")", 498)
	s := mustNormalize(t, ruSite, oneStep(`{"id":"area","type":"number","title":"Q","min":1,"max":9}`, `"formulas":[{"name":"x","expr":`+mustJSON(deep)+`}]`))
	res, _, err := s.Definition().Evaluate(answers("area", "7"), "en")
	if err != nil || res.Values["x"] != 7 {
		t.Fatalf("%v %v", res.Values, err)
	}
}

// The VM's memory budget is a second fence: a program that builds a huge
// list stops at once with an error (here one compiled around the sandbox).
func TestMemoryBudgetStopsARun(t *testing.T) {
	prog, err := expr.Compile(`len(1..100000000)`, expr.Optimize(false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run(prog, map[string]any{}); err == nil || !strings.Contains(err.Error(), "memory budget exceeded") {
		t.Fatalf("run: %v, want the memory budget exceeded", err)
	}
}

// A formula that gives no number before its questions are answered
// would fail for every visitor: it is refused on save, with a hint.
func TestFormulaFailingUnansweredIsRefused(t *testing.T) {
	_, err := normalize(t, ruSite, oneStep(`{"id":"people","type":"number","title":"Q","min":1,"max":9}`,
		`"formulas":[{"name":"a","expr":"1"},{"name":"share","expr":"900 / people"}]`))
	var ve *validate.Error
	if !errors.As(err, &ve) || ve.Field != "formulas[1].expr" || !strings.Contains(ve.Message, "+Inf") || !strings.Contains(ve.Message, "people > 0 ?") {
		t.Fatalf("got %v", err)
	}
	_, err = normalize(t, ruSite, oneStep(`{"id":"people","type":"number","title":"Q","min":1,"max":9}`,
		`"formulas":[{"name":"share","expr":"people > 0 ? 900 / people : 0"}]`))
	if err != nil {
		t.Fatalf("the guarded formula: %v", err)
	}
	_, err = normalize(t, ruSite, oneStep(`{"id":"people","type":"number","title":"Q","min":1,"max":9,"rules":[{"if":"1 % 0 == 0","next":"end"}]}`, ""))
	if !errors.As(err, &ve) || ve.Field != "steps[0].rules[0].if" || !strings.Contains(ve.Message, "divide by zero") {
		t.Fatalf("a rule that fails unanswered: %v", err)
	}
}

// A formula that divides by zero for some answers is not a number: the
// error says which formula, and no price is made up.
func TestFormulaWithoutANumberIsAnError(t *testing.T) {
	s := mustNormalize(t, ruSite, oneStep(`{"id":"people","type":"number","title":"Q","min":0,"max":9}`,
		`"formulas":[{"name":"share","expr":"900 / (people - 3)"}]`))
	d := s.Definition()
	if res, _, err := d.Evaluate(answers("people", "6"), "en"); err != nil || res.Values["share"] != 300 {
		t.Fatalf("6 people: %v %v", res.Values, err)
	}
	_, _, err := d.Evaluate(answers("people", "3"), "en")
	if !errors.Is(err, ErrFormula) || !strings.Contains(err.Error(), "share") {
		t.Fatalf("3 people: %v, want ErrFormula naming share", err)
	}
	// Branching does not need the formula: the quiz goes on.
	if next, err := d.Next("people", answers("people", "3")); err != nil || next != "" {
		t.Fatalf("Next for 3 people: %q %v", next, err)
	}
}

// Formulas see each answer as the design says: an option's value, the sum
// of chosen values, numbers, texts and dates as strings, and formulas
// before them.
func TestFormulaEnvironment(t *testing.T) {
	s := mustNormalize(t, ruSite, `{"steps":[
	  {"id":"kind","type":"single","title":"Q","options":[{"id":"a","label":"A","value":7},{"id":"b","label":"B","value":9}]},
	  {"id":"adds","type":"multi","title":"Q","options":[{"id":"x","label":"X","value":1.5},{"id":"y","label":"Y","value":2}]},
	  {"id":"note","type":"text","title":"Q","required":false},
	  {"id":"day","type":"date","title":"Q","required":false},
	  {"id":"stars","type":"rating","title":"Q"}],
	 "formulas":[
	  {"name":"f1","expr":"kind + adds"},
	  {"name":"f2","expr":"f1 * 10 + stars"},
	  {"name":"f3","expr":"len(note) + (day >= \"2026-06-01\" ? 100 : 0)"},
	  {"name":"f4","expr":"round(adds) + max(kind, 8) + abs(-2)"}]}`)
	res, _, err := s.Definition().Evaluate(answers("kind", `"b"`, "adds", `["x","y"]`, "note", `"hello"`, "day", `"2026-07-01"`, "stars", "4"), "en")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"f1": 12.5, "f2": 129, "f3": 105, "f4": 4 + 9 + 2}
	for k, v := range want {
		if res.Values[k] != v {
			t.Errorf("%s = %v, want %v", k, res.Values[k], v)
		}
	}
	// Unanswered: 0 and "".
	res, _, _ = s.Definition().Evaluate(Answers{}, "en")
	if res.Values["f1"] != 0 || res.Values["f3"] != 0 {
		t.Errorf("unanswered: %v", res.Values)
	}
}

// BenchmarkEvaluate is the server's work for one result: the renovation
// estimate's formulas, its screen and its texts.
func BenchmarkEvaluate(b *testing.B) {
	d := mustNormalize(b, ruSite, renovationJSON).Definition()
	a := answers("rooms", `"r3"`, "area", "60", "extras", `["heating","design"]`, "style", `"classic"`)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := d.Evaluate(a, "ru"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNext is one answer's branching: the formulas and the step's rules.
func BenchmarkNext(b *testing.B) {
	d := mustNormalize(b, ruSite, renovationJSON).Definition()
	a := answers("rooms", `"r3"`, "area", "60")
	b.ReportAllocs()
	for b.Loop() {
		if next, err := d.Next("area", a); err != nil || next != "extras" {
			b.Fatal(next, err)
		}
	}
}

// BenchmarkParseDefinition is compiling a stored version (once per
// version and process).
func BenchmarkParseDefinition(b *testing.B) {
	s := mustNormalize(b, ruSite, renovationJSON)
	stored, _ := json.Marshal(s)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDefinition(stored, ruSite); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzFormula: whatever an owner types as a formula is refused on save or
// runs to a number or an error, never a panic or a hang (go test -fuzz
// FuzzFormula; the seeds run with every test).
func FuzzFormula(f *testing.F) {
	for _, seed := range []string{"area * 3500 * (rooms == 3 ? 1.2 : 1)", "len(1..100000000)", "let x = 2; x ** 1000",
		"wish[0:2] == \"ab\" ? 1 : 0", "[1, 2, 3][rooms]", "max(area, rooms) / min(area, rooms)", "-(-(-area))", "area ?? 1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, formula string) {
		s := &Settings{Steps: []Step{
			{ID: "rooms", Type: TypeRating, Title: T{"en": "Q"}},
			{ID: "area", Type: TypeNumber, Title: T{"en": "Q"}, Min: numberJSON(1), Max: numberJSON(300)},
			{ID: "wish", Type: TypeText, Title: T{"en": "Q"}, Required: new(bool)},
		}, Formulas: []Formula{{Name: "x", Expr: formula}}}
		if s.Normalize(ruSite) != nil {
			return
		}
		_, _, _ = s.Definition().Evaluate(answers("rooms", "3", "area", "60", "wish", `"abc"`), "en")
	})
}

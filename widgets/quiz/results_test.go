package quiz

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// Result screens by range: min ≤ value < max; the first that holds wins;
// one without a range catches the rest; a quiz without screens still
// gives its values.
func TestResultsByRange(t *testing.T) {
	d := renovation(t)
	cases := []struct {
		area   string
		rooms  string
		screen string
		price  float64
	}{
		{"10", `"r1"`, "small", 50000},
		{"39", `"r1"`, "small", 195000},
		{"40", `"r1"`, "mid", 200000},      // min is in the range
		{"99", `"r1"`, "mid", 495000},      //
		{"100", `"r1"`, "premium", 500000}, // max is not: the fallback
	}
	for _, c := range cases {
		a := answers("rooms", c.rooms, "area", c.area, "style", `"classic"`)
		res, _, err := d.Evaluate(a, "ru")
		if err != nil || res.Screen != c.screen || res.Values["price"] != c.price {
			t.Errorf("area %s: screen %q price %v (%v), want %q %v", c.area, res.Screen, res.Values["price"], err, c.screen, c.price)
		}
	}
	none := mustNormalize(t, ruSite, oneStep(`{"id":"n","type":"number","title":"Q","min":0,"max":10}`,
		`"formulas":[{"name":"score","expr":"n * 10"}],"results":[{"id":"top","title":"Top","when":{"value":"score","min":90}}]`)).Definition()
	res, summary, err := none.Evaluate(answers("n", "3"), "en")
	if err != nil || res.Screen != "" || res.Values["score"] != 30 || summary != "score 30" {
		t.Fatalf("no screen fits: %+v %q %v", res, summary, err)
	}
	res, summary, _ = none.Evaluate(answers("n", "10"), "en")
	if res.Screen != "top" || summary != "Top; score 100" {
		t.Fatalf("top: %+v %q (the summary defaults to the title and the values)", res, summary)
	}
}

func TestFormatNumber(t *testing.T) {
	const nb = "\u00a0"
	cases := []struct {
		v          float64
		ru, uk, en string
	}{
		{420000, "420" + nb + "000", "420" + nb + "000", "420,000"},
		{999, "999", "999", "999"},
		{1000, "1" + nb + "000", "1" + nb + "000", "1,000"},
		{1234567.891, "1" + nb + "234" + nb + "567,89", "1" + nb + "234" + nb + "567,89", "1,234,567.89"},
		{1234.5, "1" + nb + "234,5", "1" + nb + "234,5", "1,234.5"},
		{0.25, "0,25", "0,25", "0.25"},
		{-1500, "-1" + nb + "500", "-1" + nb + "500", "-1,500"},
		{-0.001, "0", "0", "0"},
		{0, "0", "0", "0"},
	}
	for _, c := range cases {
		for lang, want := range map[string]string{"ru": c.ru, "uk": c.uk, "en": c.en, "de": c.en} {
			if got := FormatNumber(c.v, lang); got != want {
				t.Errorf("FormatNumber(%v, %s) = %q, want %q", c.v, lang, got, want)
			}
		}
	}
}

// Placeholders take the visitor's language: numbers grouped as they read
// them, options' labels and units in their words.
func TestPlaceholdersInEachLanguage(t *testing.T) {
	d := renovation(t)
	a := answers("rooms", `"r2"`, "area", "85", "extras", `["ceiling"]`, "style", `"classic"`)
	want := map[string]string{
		"ru": "Ремонт: 2 комнаты, 85\u00a0м², оценка 455\u00a0000 ₽",
		"uk": "Ремонт: 2 кімнати, 85\u00a0м², оцінка 455\u00a0000 ₽",
		"en": "Renovation: 2 rooms, 85\u00a0m², estimate 455,000 ₽",
		// Another language reads English; none known, the site's.
		"de": "Renovation: 2 rooms, 85\u00a0m², estimate 455,000 ₽",
		"":   "Ремонт: 2 комнаты, 85\u00a0м², оценка 455\u00a0000 ₽",
	}
	for lang, w := range want {
		_, summary, err := d.Evaluate(a, lang)
		if err != nil || summary != w {
			t.Errorf("%s: %q %v, want %q", lang, summary, err, w)
		}
	}
}

// Describe: each answered step on the path, its title and its answer as a
// person reads it, in the visitor's language.
func TestDescribeAnswers(t *testing.T) {
	d := renovation(t)
	a := answers("rooms", `"r3"`, "area", "60", "extras", `["heating","design"]`, "style", `"loft"`,
		"when", `"2026-12-24"`, "wish", "null", "mark", "4")
	path := []string{"rooms", "area", "extras", "style", "when", "wish", "mark"}
	want := map[string][]string{
		"ru": {"Сколько комнат?", "3 комнаты", "Площадь квартиры", "60\u00a0м²", "Что ещё сделать?", "Тёплый пол, Дизайн-проект",
			"Какой стиль ближе?", "Лофт", "Когда начать?", "24.12.2026", "Насколько срочно?", "4 из 5"},
		"uk": {"Скільки кімнат?", "3 кімнати", "Площа квартири", "60\u00a0м²", "Що ще зробити?", "Тепла підлога, Дизайн-проєкт",
			"Який стиль ближчий?", "Лофт", "Коли почати?", "24.12.2026", "Наскільки терміново?", "4 з 5"},
		"en": {"How many rooms?", "3 rooms", "Floor area", "60\u00a0m²", "Anything else?", "Floor heating, Design project",
			"Which style?", "Loft", "When to start?", "24 Dec 2026", "How urgent?", "4 of 5"},
	}
	for lang, w := range want {
		got := d.Describe(a, path, lang)
		if len(got) != 6 {
			t.Fatalf("%s: %d answers, want 6 (the skipped wish left out): %+v", lang, len(got), got)
		}
		for i, ans := range got {
			if ans.Title != w[2*i] || ans.Text != w[2*i+1] {
				t.Errorf("%s %s: %q %q, want %q %q", lang, ans.Step, ans.Title, ans.Text, w[2*i], w[2*i+1])
			}
			if string(ans.Value) != string(a[ans.Step]) {
				t.Errorf("%s: value %s, want %s", ans.Step, ans.Value, a[ans.Step])
			}
		}
	}
}

// A stored version compiles again, even when the operator's webhook rules
// have changed since (a private notify_url allowed then).
func TestParseDefinitionOfAStoredVersion(t *testing.T) {
	s := &Settings{allowPrivate: true}
	s.Defaults(ruSite)
	if err := json.Unmarshal([]byte(renovationJSON), s); err != nil {
		t.Fatal(err)
	}
	s.NotifyURL = "http://10.0.0.5/hook"
	if err := s.Normalize(ruSite); err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(s)
	d, err := ParseDefinition(stored, ruSite)
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := d.Evaluate(answers("rooms", `"r3"`, "area", "60", "extras", `["heating","design"]`, "style", `"classic"`), "ru")
	if err != nil || res.Values["price"] != 420000 || d.First() != "rooms" {
		t.Fatalf("parsed: %v %v", res.Values, err)
	}
	if _, err := ParseDefinition([]byte(`{"steps":[]}`), ruSite); err == nil {
		t.Fatal("a definition without steps parsed")
	}
}

// The manager's line stays one line of at most 300 characters whatever
// the visitor wrote: it is whispered before a call.
func TestSummaryIsOneShortLine(t *testing.T) {
	d := mustNormalize(t, ruSite, oneStep(`{"id":"wish","type":"text","title":"Q","max_length":2000}`,
		`"results":[{"id":"any","title":"Заявка","text":"Вы написали: {wish}","summary":"Пожелание: {wish}"}]`)).Definition()
	res, summary, err := d.Evaluate(answers("wish", `"Светлая кухня\nPress 1\tи балкон"`), "ru")
	if err != nil || summary != "Пожелание: Светлая кухня Press 1 и балкон" || res.Text != "Вы написали: Светлая кухня Press 1 и балкон" {
		t.Fatalf("%q / %q %v", summary, res.Text, err)
	}
	_, summary, _ = d.Evaluate(answers("wish", mustJSON(strings.Repeat("очень ", 300))), "ru")
	if utf8.RuneCountInString(summary) != maxSummary || !strings.HasSuffix(summary, "…") {
		t.Fatalf("a long answer gives a summary of %d characters: %q", utf8.RuneCountInString(summary), summary)
	}
}

package validate

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestDecodeJSONRefusesWhatWouldBecomeU+FFFD: encoding/json would turn
// these into U+FFFD without a word; DecodeJSON says what is wrong instead.
func TestDecodeJSONRefusesWhatWouldBecomeReplacement(t *testing.T) {
	for body, want := range map[string]string{
		`{"name":"a` + "\xff" + `"}`:     "not valid UTF-8 (byte 10)",
		`{"name":"a` + "\xc3\x28" + `"}`: "not valid UTF-8 (byte 10)",
		`{"name":"\ud800"}`:              "unpaired UTF-16 surrogate escape at byte 9",
		`{"name":"\udc00\ud800"}`:        "unpaired",
		`{"name":"\uD83D"}`:              "unpaired",
		`{"name":"\ud83dx\ude00"}`:       "unpaired",
		`{"name":"ok","x":"\\\ud800"}`:   "unpaired",
		`{"name":"\ud83d\u0041"}`:        "unpaired",
		`{"name":"\ud83d\u"}`:            "unpaired",
	} {
		var v map[string]string
		err := DecodeJSON([]byte(body), &v)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Message, want) {
			t.Errorf("%q: %v, want a SyntaxError with %q", body, err, want)
		}
	}
	for body, want := range map[string]string{
		`{"name":"\ud83d\ude00"}`:     "😀",
		`{"name":"\\ud800"}`:          `\ud800`,
		`{"name":"\\\\\ud83d\ude00"}`: `\\😀`,
		`{"name":"\ufffd"}`:           "\ufffd",
		`{"name":"Ünïcödé ✓"}`:        "Ünïcödé ✓",
	} {
		var v map[string]string
		if err := DecodeJSON([]byte(body), &v); err != nil || v["name"] != want {
			t.Errorf("%q: %q %v, want %q", body, v["name"], err, want)
		}
	}
}

// TestDecodeJSONNamesTheTypeWanted: a value of the wrong JSON type is
// refused with a whole sentence per type, naming the field where there is one.
func TestDecodeJSONNamesTheTypeWanted(t *testing.T) {
	var v struct {
		S string            `json:"s"`
		B bool              `json:"b"`
		A []string          `json:"a"`
		O map[string]string `json:"o"`
		I int               `json:"i"`
		F float64           `json:"f"`
	}
	for body, want := range map[string]string{
		`{"s":1}`:     "s: must be a string",
		`{"b":"yes"}`: "b: must be a boolean",
		`{"a":{}}`:    "a: must be an array",
		`{"o":[]}`:    "o: must be an object",
		`{"i":1.5}`:   "i: must be an integer",
		`{"f":"1"}`:   "f: must be a number",
		`[]`:          "must be a JSON object",
	} {
		err := DecodeJSON([]byte(body), &v)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Error() != want {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
	var list []int
	if err := DecodeJSON([]byte(`{}`), &list); err == nil || err.Error() != "must be a JSON array" {
		t.Errorf("object for a list: %v", err)
	}
}

func BenchmarkDecodeJSONCallbackRequest(b *testing.B) {
	body := []byte(`{"phone":"8 916 123-45-67","visitor_id":"v_3f1c9a0e5b7d2c48","name":"Иван Петров","page_url":"https://shop.example/boilers?utm_source=yandex","page_title":"Котлы — купить в Москве","referrer":"https://yandex.ru/","utm":{"utm_source":"yandex","utm_campaign":"winter"},"consent":true}`)
	b.Run("DecodeJSON", func(b *testing.B) {
		for b.Loop() {
			var v map[string]any
			if err := DecodeJSON(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json alone", func(b *testing.B) {
		for b.Loop() {
			var v map[string]any
			if err := json.Unmarshal(body, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("checkUTF8 alone", func(b *testing.B) {
		for b.Loop() {
			if err := checkUTF8(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

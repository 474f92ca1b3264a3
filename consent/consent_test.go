package consent_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
)

// Each purpose has its own default text in every language, naming the
// operator, and a request records the exact text its visitor was shown.
func TestPurposesHaveTheirOwnTexts(t *testing.T) {
	site := store.Site{Name: "Ремонт Плюс"}
	texts := map[consent.Purpose]map[string]string{}
	for _, p := range []consent.Purpose{consent.Callback, consent.Lead} {
		c := consent.Settings{Required: true}
		if err := c.Normalize(site, "form.consent", p); err != nil {
			t.Fatal(err)
		}
		texts[p] = c.Texts()
		for _, lang := range i18n.Langs {
			if !strings.Contains(texts[p][lang], "Ремонт Плюс") {
				t.Errorf("%s/%s text does not name the operator: %q", p, lang, texts[p][lang])
			}
		}
		pub := c.Public()
		at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		rec := c.Record(pub.TextIDs["uk"], "203.0.113.9", at)
		if rec.Text != texts[p]["uk"] || rec.Lang != "uk" || rec.Version != "1" || rec.IP != "203.0.113.9" || !rec.At.Equal(at) {
			t.Errorf("%s record = %+v", p, rec)
		}
	}
	// Settings are stored as JSON and read back without normalizing: the
	// purpose must survive that.
	c := consent.Settings{Required: true}
	if err := c.Normalize(site, "form.consent", consent.Lead); err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(c)
	var stored consent.Settings
	if err := json.Unmarshal(raw, &stored); err != nil {
		t.Fatal(err)
	}
	if got := stored.Texts()["ru"]; got != texts[consent.Lead]["ru"] {
		t.Errorf("stored settings read back give %q, want the lead text", got)
	}
	if texts[consent.Callback]["ru"] == texts[consent.Lead]["ru"] {
		t.Error("the quiz's consent text is the callback's: it must name its own purpose")
	}
}

// A policy link must be an https URL, and the error names the field with
// the caller's prefix.
func TestPolicyURLChecked(t *testing.T) {
	c := consent.Settings{Required: true, URL: "http://shop.example/privacy"}
	err := c.Normalize(store.Site{Name: "x"}, "form.consent", consent.Lead)
	if err == nil || !strings.Contains(err.Error(), "form.consent.url") {
		t.Fatalf("err = %v, want one naming form.consent.url", err)
	}
}

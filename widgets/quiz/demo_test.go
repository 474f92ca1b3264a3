package quiz

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// TestDemoQuiz: the demo quiz passes the owner's validation (a first start
// creates it) and prices a 3-room major renovation of 62 m² with
// underfloor heating as 62 × 8,500 × 1.1 + 60,000 = 639,700 ₽, a turnkey
// renovation.
func TestDemoQuiz(t *testing.T) {
	site := store.Site{Name: "Beckon demo", Locale: "ru", Region: "RU", Timezone: "Europe/Moscow"}
	d, err := ParseDefinition([]byte(NewModule(ModuleOptions{}).DemoSettings()), site)
	if err != nil {
		t.Fatal(err)
	}
	a := Answers{"rooms": json.RawMessage(`"r3"`), "area": json.RawMessage(`62`), "level": json.RawMessage(`"major"`),
		"extras": json.RawMessage(`["floor"]`)}
	res, summary, err := d.Evaluate(a, "ru")
	if err != nil {
		t.Fatal(err)
	}
	if res.Screen != "standard" || res.Values["price"] != 639700 {
		t.Fatalf("result %+v, want the standard screen at 639700", res)
	}
	// Numbers are grouped with a no-break space, the Russian way.
	if !strings.Contains(res.Text, "639\u00a0700 ₽") || summary != "3 комнаты, 62\u00a0м², Капитальный (с заменой электрики и труб) — 639\u00a0700 ₽" {
		t.Fatalf("text %q, summary %+q", res.Text, summary)
	}
}

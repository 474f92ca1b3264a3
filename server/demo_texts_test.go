package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/server/servertest"
)

// TestDemoTexts: the demo page speaks plainly in ru, uk and en (no
// ad-tech «площадка», no calque «майданчик»), and the demo's consent is the
// gender-neutral default naming its operator, about the data only.
func TestDemoTexts(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{Demo: true})
	for lang, want := range map[string]string{
		"ru": "Это демонстрационный сайт. Виджеты подключены одной строкой кода ниже",
		"uk": "Це демонстраційний сайт. Віджети підключено одним рядком коду нижче",
		"en": "This is a demo site. Its widgets come from the one line of code below",
	} {
		r := ts.Request("GET", "/demo?lang="+lang, nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		body := string(r.Body)
		if !strings.Contains(body, want) {
			t.Errorf("%s demo page lacks %q", lang, want)
		}
		for _, jargon := range []string{"площадк", "майданчик"} {
			if strings.Contains(body, jargon) {
				t.Errorf("%s demo page says %q", lang, jargon)
			}
		}
	}

	r := ts.Request("GET", "/w/v1/"+ts.DemoKey+"/config", nil, "Origin", ts.Base)
	servertest.ExpectStatus(t, r, http.StatusOK)
	var conf struct {
		Widgets []struct {
			Type     string
			Settings struct{ Consent consent.Public }
		}
	}
	if err := json.Unmarshal(r.Body, &conf); err != nil {
		t.Fatal(err)
	}
	var c consent.Public
	for _, w := range conf.Widgets {
		if w.Type == "callback" {
			c = w.Settings.Consent
		}
	}
	for lang, prefix := range map[string]string{
		"ru": "Даю согласие Beckon demo на обработку моих персональных данных",
		"uk": "Даю згоду Beckon demo на обробку моїх персональних даних",
		"en": "I consent to Beckon demo processing my personal data",
	} {
		if !c.Required || !strings.HasPrefix(c.Text[lang], prefix) || c.TextIDs[lang] == "" {
			t.Errorf("demo consent %s: %q (ids %v)", lang, c.Text[lang], c.TextIDs)
		}
	}
}

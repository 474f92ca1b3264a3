package multibutton_test

import (
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestClicksCountedPerChannelAndDay: a visitor's clicks on channels, named
// by index or type, show in the owner's report per channel and per day;
// the counts follow a channel the owner moves, and a removed channel keeps
// its clicks in the report.
func TestClicksCountedPerChannelAndDay(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		cb := e.widget("callback", callbackSettings("[]"))
		r := e.create(`{"channels":[{"type":"callback","widget_id":"` + cb + `"},{"type":"telegram","value":"@kotly_shop"},{"type":"phone","value":"+74951234567"}]}`)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		wid := r.JSON(t)["id"].(string)

		for _, ch := range []any{0, 1, 1, "telegram", "phone"} {
			servertest.ExpectStatus(t, e.click(wid, ch), http.StatusNoContent)
		}
		today := time.Now().In(mustZone(t, "Europe/Moscow")).Format(time.DateOnly)
		rep := e.report(wid, "")
		if rep.Total != 5 || rep.To != today || rep.Timezone != "Europe/Moscow" {
			t.Fatalf("report total %d to %s zone %s, want 5 clicks up to %s in Europe/Moscow", rep.Total, rep.To, rep.Timezone, today)
		}
		want := []struct {
			key   string
			total int64
		}{{"callback:" + cb, 1}, {"telegram:kotly_shop", 3}, {"phone:+74951234567", 1}}
		if len(rep.Channels) != len(want) {
			t.Fatalf("report channels %+v, want %d", rep.Channels, len(want))
		}
		for i, w := range want {
			c := rep.Channels[i]
			if c.Key != w.key || c.Total != w.total || c.Index == nil || *c.Index != i {
				t.Errorf("channel %d: %+v, want key %s total %d at index %d", i, c, w.key, w.total, i)
			}
		}
		if len(rep.Days) != 1 || rep.Days[0].Date != today || rep.Days[0].Channels["telegram:kotly_shop"] != 3 {
			t.Fatalf("days %+v, want today with 3 telegram clicks", rep.Days)
		}

		// The owner moves telegram first and drops the phone.
		r = e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, map[string]any{"settings": map[string]any{
			"channels": []any{map[string]any{"type": "telegram", "value": "kotly_shop"}, map[string]any{"type": "callback", "widget_id": cb}}}})
		servertest.ExpectStatus(t, r, http.StatusOK)
		servertest.ExpectStatus(t, e.click(wid, 0), http.StatusNoContent)
		rep = e.report(wid, "?from="+today+"&to="+today)
		if len(rep.Channels) != 3 || rep.Channels[0].Key != "telegram:kotly_shop" || rep.Channels[0].Total != 4 ||
			rep.Channels[2].Key != "phone:+74951234567" || rep.Channels[2].Index != nil || rep.Channels[2].Total != 1 {
			t.Fatalf("after the reorder: %+v, want telegram first with 4, the removed phone last with 1", rep.Channels)
		}

		// Yesterday alone has no clicks.
		yesterday := time.Now().In(mustZone(t, "Europe/Moscow")).AddDate(0, 0, -1).Format(time.DateOnly)
		if rep := e.report(wid, "?from="+yesterday+"&to="+yesterday); rep.Total != 0 || len(rep.Days) != 0 {
			t.Fatalf("yesterday: %+v, want no clicks", rep)
		}
	})
}

// TestClicksRefused: a click that names no channel, a disabled or unknown
// widget, another widget type, a foreign origin, and bad report ranges are
// refused, and none of them is counted.
func TestClicksRefused(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget("multibutton", `{"channels":[{"type":"phone","value":"+74951234567"}]}`)
		popupID := e.widget("popup", `{"title":"Скидка"}`)
		for _, c := range []struct {
			name    string
			channel any
			field   string
		}{{"index past the end", 1, "channel"}, {"negative index", -1, "channel"}, {"type not in the fan", "telegram", "channel"},
			{"no channel", nil, "channel"}, {"neither number nor string", map[string]any{"i": 0}, "channel"}} {
			r := e.click(wid, c.channel)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.ErrorField(t); got != c.field {
				t.Errorf("%s: field %q, want %q", c.name, got, c.field)
			}
		}
		servertest.ExpectStatus(t, e.click("wdg_nothere", 0), http.StatusNotFound)
		servertest.ExpectStatus(t, e.click(popupID, 0), http.StatusNotFound)
		r := e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+wid+"/clicks", map[string]any{"channel": 0}, "Origin", "https://evil.example")
		servertest.ExpectStatus(t, r, http.StatusForbidden)
		r = e.visit("POST", "/widgets/"+wid+"/clicks", map[string]any{"channel": 0, "colour": "red"})
		servertest.ExpectStatus(t, r, http.StatusBadRequest)

		servertest.ExpectStatus(t, e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+wid, map[string]any{"enabled": false}), http.StatusOK)
		servertest.ExpectStatus(t, e.click(wid, 0), http.StatusNotFound)

		if rep := e.report(wid, ""); rep.Total != 0 {
			t.Fatalf("refused clicks were counted: %+v", rep)
		}
		for q, field := range map[string]string{"?from=yesterday": "from", "?to=2026-13-01": "to",
			"?from=2026-12-02&to=2026-12-01": "from", "?from=2024-01-01&to=2026-12-01": "from"} {
			r := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/clicks"+q, nil)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.ErrorField(t); got != field {
				t.Errorf("report %s: field %q, want %q", q, got, field)
			}
		}
		servertest.ExpectStatus(t, e.Admin("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+popupID+"/clicks", nil), http.StatusNotFound)

		// A key of another site, or without widgets:read, reads nothing.
		other := e.CreateSite("Другой")
		key := e.CreateKey(other["id"].(string), "widgets:read")
		r = e.Request("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/clicks", nil, "Authorization", "Bearer "+key)
		servertest.ExpectStatus(t, r, http.StatusNotFound)
		key = e.CreateKey(e.siteID, "leads:read")
		r = e.Request("GET", "/api/v1/sites/"+e.siteID+"/widgets/"+wid+"/clicks", nil, "Authorization", "Bearer "+key)
		servertest.ExpectStatus(t, r, http.StatusForbidden)
	})
}

// TestClicksLimitedPerAddress: past the limit an address's clicks are 429
// with Retry-After and not counted; other addresses still count.
func TestClicksLimitedPerAddress(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
			c.PublicRate, c.PublicBurst = 1000, 1000 // the server's own per-IP limit stays out of the way
		}})
		e := newEnv(t, ts)
		wid := e.widget("multibutton", `{"channels":[{"type":"phone","value":"+74951234567"}]}`)
		const limit = 120 // multibutton.DefaultClicksPerIP
		for i := range limit {
			if r := e.click(wid, 0, "X-Forwarded-For", "203.0.113.7"); r.Status != http.StatusNoContent {
				t.Fatalf("click %d: %d %s", i+1, r.Status, r.Body)
			}
		}
		r := e.click(wid, 0, "X-Forwarded-For", "203.0.113.7")
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		servertest.ExpectStatus(t, e.click(wid, 0, "X-Forwarded-For", "198.51.100.9"), http.StatusNoContent)
		if rep := e.report(wid, ""); rep.Total != limit+1 {
			t.Fatalf("counted %d clicks, want %d", rep.Total, limit+1)
		}
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

package socialproof_test

import (
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestNoticeImpressionsAndClicks(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		b := newBackend(t, newStore(t))
		w := b.widget(t, map[string]any{})["id"].(string)
		servertest.ExpectStatus(t, b.ts.Admin("POST", "/api/v1/sites/"+b.siteID+"/events", map[string]any{"events": []any{
			map[string]any{"id": "order-1", "type": "purchase"}, map[string]any{"id": "order-2", "type": "purchase"}}}), http.StatusAccepted)
		report := func(eventID, widgetID, visitor, action string) servertest.Response {
			return b.ts.Request("POST", "/w/v1/"+b.key+"/live/notices/"+eventID,
				map[string]any{"widget_id": widgetID, "visitor_id": visitor, "action": action}, "Origin", shopOrigin)
		}
		for _, c := range []struct{ event, visitor, action string }{
			{"order-1", "v1", "impression"}, {"order-1", "v1", "impression"}, // a reload: once
			{"order-1", "v2", "impression"}, {"order-1", "v2", "click"}, {"order-2", "v1", "impression"},
		} {
			servertest.ExpectStatus(t, report(c.event, w, c.visitor, c.action), http.StatusNoContent)
		}
		servertest.ExpectStatus(t, report("made-up", w, "v1", "click"), http.StatusNotFound)
		servertest.ExpectStatus(t, report("order-1", "wdg_nope", "v1", "click"), http.StatusNotFound)
		r := report("order-1", w, "v1", "hover")
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.ErrorField(t); f != "action" {
			t.Fatalf("field %q", f)
		}
		servertest.ExpectStatus(t, b.ts.Request("POST", "/w/v1/"+b.key+"/live/notices/order-1",
			map[string]any{"widget_id": w, "visitor_id": "v9", "action": "click"}, "Origin", "https://evil.example"), http.StatusForbidden)

		r = b.ts.Admin("GET", "/api/v1/sites/"+b.siteID+"/analytics/social-proof", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		got := r.JSON(t)
		totals := got["totals"].(map[string]any)
		if totals["impressions"] != 3.0 || totals["clicks"] != 1.0 {
			t.Fatalf("totals %v", totals)
		}
		byID := map[string]map[string]any{}
		for _, n := range got["notices"].([]any) {
			n := n.(map[string]any)
			byID[n["id"].(string)] = n
		}
		if byID["order-1"]["impressions"] != 2.0 || byID["order-1"]["clicks"] != 1.0 || byID["order-2"]["impressions"] != 1.0 {
			t.Fatalf("per notice %v", byID)
		}
		key := b.ts.CreateKey(b.siteID, "events:write")
		servertest.ExpectStatus(t, b.ts.Request("GET", "/api/v1/sites/"+b.siteID+"/analytics/social-proof", nil, "Authorization", "Bearer "+key), http.StatusForbidden)
	})
}

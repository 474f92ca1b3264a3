package multibutton_test

import (
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestConfigMarksHostedWidgets: /config marks the callback and quiz a
// multi-button lists with "hosted_by" (so they draw no button of their
// own), leaves a widget it does not list unmarked, and drops the mark when
// the multi-button is switched off or stops listing the widget.
func TestConfigMarksHostedWidgets(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		cb := e.widget("callback", callbackSettings("[]"))
		quiz := e.widget("quiz", quizSettings)
		popup := e.widget("popup", `{"title":"Скидка 10%"}`)
		mb := e.widget("multibutton", `{"channels":[{"type":"quiz","widget_id":"`+quiz+`"},{"type":"callback","widget_id":"`+cb+`"},{"type":"telegram","value":"kotly_shop"}]}`)

		hostOf := func() map[string]any {
			got := map[string]any{}
			for _, w := range e.config() {
				got[w["id"].(string)] = w["hosted_by"]
			}
			return got
		}
		got := hostOf()
		if got[cb] != mb || got[quiz] != mb {
			t.Fatalf("hosted_by of callback %v, quiz %v; want %s for both", got[cb], got[quiz], mb)
		}
		if got[popup] != nil || got[mb] != nil {
			t.Fatalf("hosted_by of the pop-up %v, the multi-button %v; want none", got[popup], got[mb])
		}

		servertest.ExpectStatus(t, e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+mb,
			map[string]any{"settings": map[string]any{"channels": []any{map[string]any{"type": "callback", "widget_id": cb}}}}), http.StatusOK)
		if got := hostOf(); got[cb] != mb || got[quiz] != nil {
			t.Fatalf("after the quiz left the fan: callback %v, quiz %v", got[cb], got[quiz])
		}
		servertest.ExpectStatus(t, e.Admin("PATCH", "/api/v1/sites/"+e.siteID+"/widgets/"+mb, map[string]any{"enabled": false}), http.StatusOK)
		if got := hostOf(); got[cb] != nil {
			t.Fatalf("a switched-off multi-button still hosts the callback: %v", got[cb])
		}
	})
}

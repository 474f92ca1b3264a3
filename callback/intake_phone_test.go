package callback_test

// Phone numbers at intake (intake.go): which are refused, how they are read.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestCallbackRefusesNumbersOfNoCountry: satellite phones, international
// networks and international premium-rate or shared-cost numbers bill at
// premium rates (or reach no person); they are refused with a 422 naming
// the phone and the calling code, and a site cannot allow those codes.
func TestCallbackRefusesNumbersOfNoCountry(t *testing.T) {
	numbers := map[string]string{ // phonenumbers' example number of each code
		"+870301234567":    "satellite",    // Inmarsat
		"+881612345678":    "satellite",    // global mobile satellite system
		"+8823421234":      "network",      // international networks
		"+883510012345":    "network",      //
		"+8829999":         "network",      // not even a valid number there: still this refusal
		"+979123456789":    "premium-rate", // international premium rate
		"+80812345678":     "shared-cost",  // international shared cost
		"+80012345678":     "freephone",    // international freephone
		"+878101234567890": "personal",     // universal personal telecommunications
		"+88812345678901":  "humanitarian", // OCHA
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		site := ts.CreateSite("Shop", shopOrigin)
		for _, code := range []int{800, 808, 870, 878, 881, 882, 883, 888, 979} {
			r := ts.Request("POST", "/api/v1/sites/"+site["id"].(string)+"/widgets", map[string]any{"type": "callback",
				"settings": map[string]any{"managers": []any{map[string]any{"name": "Anna", "phone": "+79000000010"}},
					"allowed_calling_codes": []int{7, code}}}, "Authorization", "Bearer "+servertest.AdminToken)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if r.ErrorField(t) != "settings.allowed_calling_codes[1]" {
				t.Errorf("allowing +%d: %s", code, r.Body)
			}
		}
		siteID, key, _ := ts.CallbackSite(`,"limits":{"per_ip":1000,"per_visitor":1000}`)
		for phone, kind := range numbers {
			r := ts.PostCallback(key, map[string]any{"phone": phone, "visitor_id": "v-1"})
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			msg := r.JSON(t)["error"].(map[string]any)["message"].(string)
			if r.ErrorField(t) != "phone" || !strings.Contains(msg, phone[:4]) || !strings.Contains(msg, kind) {
				t.Errorf("%s: %s; want a phone error naming %s and %q", phone, r.Body, phone[:4], kind)
			}
		}
		if list := ts.ListCallbacks(siteID); len(list) != 0 {
			t.Fatalf("refused numbers were stored: %+v", list)
		}
	})
}

// TestCallbackPhoneInFullWidthDigits: a number typed with full-width
// digits and plus sign (a Japanese or Chinese keyboard, a phone's
// autofill), or other Unicode digits, is the same number, not "too long".
func TestCallbackPhoneInFullWidthDigits(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startServer(t, newStore(t), nil)
		siteID, key, _ := ts.CallbackSite("")
		for typed, want := range map[string]string{
			"＋７ （９１６） １２３－４５－６７": "+79161234567", // full-width
			"+٧ ٩١٦ ١٢٣ ٤٥ ٦٨":   "+79161234568", // Arabic-Indic digits
		} {
			r := ts.PostCallback(key, map[string]any{"phone": typed, "visitor_id": "v-1"})
			servertest.ExpectStatus(t, r, http.StatusAccepted)
			if got := ts.adminCallback(siteID, r.JSON(t)["id"].(string)).Phone; got != want {
				t.Fatalf("%q stored as %q, want %s", typed, got, want)
			}
		}
		// Still bounded: 33 full-width digits are too long.
		long := ts.PostCallback(key, map[string]any{"phone": strings.Repeat("９", 33), "visitor_id": "v-1"})
		servertest.ExpectStatus(t, long, http.StatusUnprocessableEntity)
		if long.ErrorField(t) != "phone" || !strings.Contains(string(long.Body), "too long") {
			t.Fatalf("33 digits: %s", long.Body)
		}
	})
}

package popup_test

import (
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// pool uploads codes to a new pool of the site and returns its id.
func (e *env) pool(codes ...string) string {
	e.t.Helper()
	r := e.Admin("POST", "/api/v1/sites/"+e.siteID+"/code-pools", map[string]any{"name": "Black Friday", "codes": codes})
	servertest.ExpectStatus(e.t, r, http.StatusCreated)
	return r.JSON(e.t)["id"].(string)
}

func (e *env) claim(wid, visitor string) servertest.Response {
	e.t.Helper()
	return e.visit("POST", "/widgets/"+wid+"/claim", map[string]any{"visitor_id": visitor})
}

// TestPromoCodeThroughThePopup: a pop-up with a pool hands each visitor
// one code, the same one again on the next claim, and 410 pool_empty
// when none is left; one with a shared code gives it to everyone; one
// with a link gives none.
func TestPromoCodeThroughThePopup(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		pid := e.pool("BF-1111", "BF-2222")
		wid := e.popup(`{"title":"−20%","button":{"label":"Скопировать","action":"code","pool":"` + pid + `","pool_empty":"text","empty_text":"Коды закончились"}}`)

		code := func(visitor string) string {
			r := e.claim(wid, visitor)
			servertest.ExpectStatus(t, r, http.StatusOK)
			return r.JSON(t)["code"].(string)
		}
		anna, boris := code("anna"), code("boris")
		if anna == boris {
			t.Fatalf("two visitors got the same code %q", anna)
		}
		if again := code("anna"); again != anna {
			t.Fatalf("a visitor's second claim gave %q, want their %q", again, anna)
		}
		r := e.claim(wid, "carla")
		servertest.ExpectStatus(t, r, http.StatusGone)
		if r.ErrorCode(t) != "pool_empty" {
			t.Fatalf("empty pool: %s", r.Body)
		}
		r = e.Admin("GET", "/api/v1/sites/"+e.siteID+"/code-pools/"+pid, nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if got := r.JSON(t); got["total"] != 2.0 || got["issued"] != 2.0 {
			t.Fatalf("pool after the claims: %s", r.Body)
		}

		shared := e.popup(`{"button":{"label":"Скопировать","action":"code","code":"WELCOME5"}}`)
		for _, v := range []string{"anna", "dina"} {
			r := e.claim(shared, v)
			servertest.ExpectStatus(t, r, http.StatusOK)
			if got := r.JSON(t)["code"]; got != "WELCOME5" {
				t.Fatalf("shared code: %v", got)
			}
		}
		link := e.popup(`{"button":{"label":"В каталог","action":"link","url":"/catalog"}}`)
		servertest.ExpectStatus(t, e.claim(link, "anna"), http.StatusNotFound)
	})
}

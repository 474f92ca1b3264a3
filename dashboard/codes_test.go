package dashboard_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestCodePoolsPage, on both stores: a pool the owner creates from the
// page's form (the admin API with the session) shows its counts; after a
// visitor claims a code through the public route the page shows one
// fewer left, one given out, the low-pool warning and the pop-up that
// uses it; a bad code is refused at its index and adds nothing; a
// manager reads but may not create; another site's page is 404.
func TestCodePoolsPage(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newModSite(t, newStore(t))
		codes := "/app/sites/" + s.siteID + "/codes"
		api := "/api/v1/sites/" + s.siteID + "/code-pools"

		p := s.op.get(codes + "?lang=en")
		wantStatus(t, "owner's empty page", p, http.StatusOK)
		wantBody(t, "owner's empty page", p, "No code pools yet", `id="create-pool" data-url="`+api+`" data-method="POST"`)
		csrf := s.op.pageCSRF(codes)
		r := s.op.api("POST", api, csrf, `{"name":"Лето","codes":["SUN-1","SUN-2","SUN-3"]}`)
		wantStatus(t, "create a pool", r, http.StatusCreated)
		pool := regexp.MustCompile(`"id":"(cp_[a-z0-9]+)"`).FindStringSubmatch(r.Body)[1]

		w := s.d.CreateWidget(s.siteID, map[string]any{"type": "popup", "settings": map[string]any{"title": "Скидка",
			"button": map[string]any{"label": "Получить код", "action": "code", "pool": pool}}})
		wid := w["id"].(string)
		claim := s.visit(t, "POST", "/widgets/"+wid+"/claim", map[string]any{"visitor_id": "v-claim-1"})
		servertest.ExpectStatus(t, claim, http.StatusOK)

		p = s.manager.get(codes + "?lang=en")
		wantStatus(t, "manager's page", p, http.StatusOK)
		wantBody(t, "counts after a claim", p, "Лето", `<dd class="pool-left">2</dd>`, `<dd class="pool-issued">1</dd>`,
			`class="pool-fill pool-fill-low" width="66.7"`, "Codes left: 2. Add more", `href="/app/sites/`+s.siteID+`/widgets/`+wid+`"`)
		wantNoBody(t, "manager's page", p, `id="create-pool"`, `id="delete-`+pool+`"`)
		mCSRF := s.manager.pageCSRF(codes)
		wantStatus(t, "manager creates a pool", s.manager.api("POST", api, mCSRF, `{"name":"x","codes":["A"]}`), http.StatusForbidden)

		r = s.op.api("POST", api+"/"+pool+"/codes", csrf, `{"codes":["SUN-4","has space"]}`)
		wantStatus(t, "a bad code", r, http.StatusUnprocessableEntity)
		wantBody(t, "a bad code", r, `"field":"codes[1]"`)
		wantBody(t, "nothing added", s.op.get(codes), `<dd class="pool-left">2</dd>`)
		wantStatus(t, "add codes", s.op.api("POST", api+"/"+pool+"/codes", csrf, `{"codes":["SUN-4","SUN-5"]}`), http.StatusOK)
		wantBody(t, "codes added", s.op.get(codes), `<dd class="pool-left">4</dd>`, `id="delete-`+pool+`"`)

		wantStatus(t, "delete", s.op.api("DELETE", api+"/"+pool, csrf, ""), http.StatusNoContent)
		wantNoBody(t, "after delete", s.op.get(codes), "Лето")
		wantStatus(t, "another site's pools", s.manager.get("/app/sites/"+s.other+"/codes"), http.StatusNotFound)
	})
}

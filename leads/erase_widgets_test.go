package leads_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestVisitorErasureInWidgets: erasing a visitor also deletes the reviews
// they wrote (with their photo; the public list and its average no longer
// show them at once) and forgets their game draw under their visitor id
// and their phone, while the prize's stock stays consumed. Another
// visitor's review stays.
func TestVisitorErasureInWidgets(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		site := ts.CreateSite("Shop", servertest.ShopOrigin)
		siteID, key := site["id"].(string), site["key"].(string)
		visit := func(method, path string, body any, headers ...string) servertest.Response {
			return ts.Request(method, "/w/v1/"+key+path, body, append([]string{"Origin", servertest.ShopOrigin}, headers...)...)
		}
		reviews := ts.CreateWidget(siteID, map[string]any{"type": "reviews", "settings": map[string]any{}})["id"].(string)
		game := ts.CreateWidget(siteID, map[string]any{"type": "game", "settings": json.RawMessage(`{"prizes":[
			{"id":"one","title":"Приз","weight":1,"stock":1}],"no_prize_weight":0}`)})["id"].(string)

		var pic bytes.Buffer
		png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 8, 8)))
		up := visit("POST", "/widgets/"+reviews+"/uploads/photo", pic.Bytes(), "Content-Type", "image/png")
		servertest.ExpectStatus(t, up, http.StatusCreated)
		photo := up.JSON(t)["photo_id"].(string)
		write := func(visitor string, rating int, photo string) string {
			body := map[string]any{"rating": rating, "text": "Всё пришло.", "name": "Ирина", "visitor_id": visitor, "consent": true}
			if photo != "" {
				body["photo_id"] = photo
			}
			r := visit("POST", "/widgets/"+reviews+"/reviews", body)
			servertest.ExpectStatus(t, r, http.StatusCreated)
			rid := r.JSON(t)["review_id"].(string)
			servertest.ExpectStatus(t, ts.Admin("POST", "/api/v1/sites/"+siteID+"/reviews/"+rid+"/publish", nil), http.StatusOK)
			return rid
		}
		write("v1", 1, photo)
		theirs := write("v2", 5, "")
		list := func() (count int, ids []string) {
			var out struct {
				Count   int `json:"count"`
				Reviews []struct {
					ID string `json:"id"`
				} `json:"reviews"`
			}
			r := visit("GET", "/widgets/"+reviews+"/reviews", nil)
			servertest.ExpectStatus(t, r, http.StatusOK)
			json.Unmarshal(r.Body, &out)
			for _, rv := range out.Reviews {
				ids = append(ids, rv.ID)
			}
			return out.Count, ids
		}
		if n, _ := list(); n != 2 {
			t.Fatalf("before the erasure %d reviews shown, want 2", n)
		}
		play := func(visitor string) map[string]any {
			r := visit("POST", "/games/"+game+"/draw", map[string]any{"visitor_id": visitor,
				"contact": map[string]any{"phone": "+79123456789"}, "lang": "ru"})
			servertest.ExpectStatus(t, r, http.StatusOK)
			return r.JSON(t)
		}
		won := play("v1")
		if won["prize"] == nil {
			t.Fatalf("the first draw won nothing: %v", won)
		}

		r := ts.Admin("DELETE", "/api/v1/sites/"+siteID+"/visitors/v1", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		got := r.JSON(t)
		if got["reviews_deleted"] != 1.0 || got["game_draws_deleted"] != 1.0 || got["leads_deleted"] != 1.0 {
			t.Fatalf("erasure reported %v, want 1 review, 1 draw and the game's lead", got)
		}
		if n, ids := list(); n != 1 || len(ids) != 1 || ids[0] != theirs {
			t.Fatalf("after the erasure shown %d %v, want only %s", n, ids, theirs)
		}
		servertest.ExpectStatus(t, ts.Admin("GET", "/api/v1/sites/"+siteID+"/reviews/photos/"+photo, nil), http.StatusNotFound)
		// Another visitor id with the erased phone draws anew (the phone's
		// key is gone too) and gets nothing: the prize's stock of 1 stays
		// given.
		again := play("v3")
		if again["already"] == true || again["draw_id"] == won["draw_id"] || again["prize"] != nil {
			t.Fatalf("a draw after the erasure %v, want a new draw without the prize given before (%v)", again, won)
		}
		r = ts.Admin("DELETE", "/api/v1/sites/"+siteID+"/visitors/v1", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if got := r.JSON(t); got["reviews_deleted"] != 0.0 || got["game_draws_deleted"] != 0.0 {
			t.Fatalf("erasing again reported %v, want zeros", got)
		}
	})
}

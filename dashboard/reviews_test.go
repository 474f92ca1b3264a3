package dashboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// modSite is newInboxSite with its public key and a second site, which
// the manager may not see.
type modSite struct {
	*inboxSite
	key   string
	other string
}

func newModSite(t *testing.T, st store.Store) *modSite {
	t.Helper()
	s := &modSite{inboxSite: newInboxSite(t, st)}
	site, err := s.d.Store.GetSite(t.Context(), s.siteID)
	if err != nil {
		t.Fatal(err)
	}
	s.key = site.Key
	s.other = s.d.CreateSite("Shop B", "https://b.example")["id"].(string)
	return s
}

// visit sends a visitor's request from the site's page.
func (s *modSite) visit(t testing.TB, method, path string, body any) servertest.Response {
	t.Helper()
	return s.d.Request(method, "/w/v1/"+s.key+path, body, "Origin", "https://a.example")
}

// writeReview sends a visitor's review through the public form's route.
func (s *modSite) writeReview(t testing.TB, wid, name string, rating int, text string) {
	t.Helper()
	r := s.visit(t, "POST", "/widgets/"+wid+"/reviews", map[string]any{"rating": rating, "text": text, "name": name,
		"visitor_id": "v-" + name, "consent": true, "lang": "ru"})
	servertest.ExpectStatus(t, r, http.StatusCreated)
}

// publicReviews is what visitors see of the widget's reviews.
type publicReviews struct {
	Reviews []struct {
		Name   string `json:"name"`
		Answer *struct {
			Text string `json:"text"`
		} `json:"answer"`
	} `json:"reviews"`
	Count int `json:"count"`
}

func (s *modSite) shown(t testing.TB, wid string) publicReviews {
	t.Helper()
	r := s.visit(t, "GET", "/widgets/"+wid+"/reviews", nil)
	servertest.ExpectStatus(t, r, http.StatusOK)
	var out publicReviews
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatalf("public list: %v: %s", err, r.Body)
	}
	return out
}

var reviewCardID = regexp.MustCompile(`<li class="card review" id="review-([^"]+)">`)

// reviewIDs are the reviews a page shows, in order.
func reviewIDs(p page) []string {
	var ids []string
	for _, m := range reviewCardID.FindAllStringSubmatch(p.Body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestReviewModeration, on both stores: a manager sees the pending
// reviews first; publishing, hiding and answering through the API the
// page's forms name change what visitors see through the public route;
// an empty or too long answer is refused at its field and changes
// nothing; a deleted review leaves the count; another site's reviews page
// and photos are 404.
func TestReviewModeration(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newModSite(t, newStore(t))
		wid := s.d.CreateWidget(s.siteID, map[string]any{"type": "reviews", "settings": map[string]any{}})["id"].(string)
		s.writeReview(t, wid, "Ирина", 5, "Всё пришло вовремя.")
		s.writeReview(t, wid, "Олег", 2, "Долго ждал ответа.")
		reviews := "/app/sites/" + s.siteID + "/reviews"

		p := s.manager.get(reviews + "?lang=en")
		wantStatus(t, "manager's queue", p, http.StatusOK)
		wantBody(t, "manager's queue", p, "Ирина", "Олег", `Awaiting moderation <span class="badge">2</span>`, `aria-label="Rated 2 of 5"`)
		ids := reviewIDs(p)
		if len(ids) != 2 {
			t.Fatalf("the queue shows %d reviews, want 2", len(ids))
		}
		oleg, irina := ids[0], ids[1] // newest first
		api := "/api/v1/sites/" + s.siteID + "/reviews/"
		wantBody(t, "publish form", p, `data-url="`+api+irina+`/publish"`, `data-url="`+api+irina+`/answer" data-method="PUT"`)
		if got := s.shown(t, wid); got.Count != 0 {
			t.Fatalf("visitors see %d reviews before moderation", got.Count)
		}

		csrf := s.manager.pageCSRF(reviews)
		wantStatus(t, "publish", s.manager.api("POST", api+irina+"/publish", csrf, ""), http.StatusOK)
		if got := s.shown(t, wid); got.Count != 1 || got.Reviews[0].Name != "Ирина" {
			t.Fatalf("after publishing visitors see %+v", got)
		}
		p = s.manager.get(reviews)
		if got := reviewIDs(p); len(got) != 1 || got[0] != oleg {
			t.Fatalf("pending tab after publishing shows %v, want only %s", got, oleg)
		}
		wantBody(t, "one left to moderate", p, `<span class="badge">1</span>`)
		if got := reviewIDs(s.manager.get(reviews + "?status=published")); len(got) != 1 || got[0] != irina {
			t.Fatalf("published tab shows %v", got)
		}
		if got := reviewIDs(s.manager.get(reviews + "?status=all&rating=4")); len(got) != 1 || got[0] != irina {
			t.Fatalf("4 stars and above shows %v", got)
		}

		for what, text := range map[string]string{"empty": "  ", "too long": strings.Repeat("я", 2001)} {
			body, _ := json.Marshal(map[string]string{"text": text})
			r := s.manager.api("PUT", api+irina+"/answer", csrf, string(body))
			wantStatus(t, what+" answer", r, http.StatusUnprocessableEntity)
			wantBody(t, what+" answer", r, `"field":"text"`)
		}
		if got := s.shown(t, wid); got.Reviews[0].Answer != nil {
			t.Fatalf("a refused answer reached visitors: %+v", got.Reviews[0].Answer)
		}
		wantStatus(t, "answer", s.manager.api("PUT", api+irina+"/answer", csrf, `{"text":"Спасибо, Ирина!"}`), http.StatusOK)
		if got := s.shown(t, wid); got.Reviews[0].Answer == nil || got.Reviews[0].Answer.Text != "Спасибо, Ирина!" {
			t.Fatalf("visitors do not see the answer: %+v", got)
		}
		wantBody(t, "the answer on the page", s.manager.get(reviews+"?status=published"), "Спасибо, Ирина!", `data-url="`+api+irina+`/answer" data-method="DELETE"`)

		wantStatus(t, "hide", s.manager.api("POST", api+irina+"/hide", csrf, ""), http.StatusOK)
		if got := s.shown(t, wid); got.Count != 0 {
			t.Fatalf("a hidden review is still shown: %+v", got)
		}
		if got := reviewIDs(s.manager.get(reviews + "?status=hidden")); len(got) != 1 || got[0] != irina {
			t.Fatalf("hidden tab shows %v", got)
		}

		wantBody(t, "delete form", s.manager.get(reviews), `id="delete-`+oleg+`" data-url="`+api+oleg+`" data-method="DELETE"`)
		wantStatus(t, "publish Oleg's", s.manager.api("POST", api+oleg+"/publish", csrf, ""), http.StatusOK)
		if got := s.shown(t, wid); got.Count != 1 {
			t.Fatalf("visitors see %d reviews, want Oleg's", got.Count)
		}
		wantStatus(t, "delete at the customer's request", s.manager.api("DELETE", api+oleg, csrf, ""), http.StatusNoContent)
		if got := s.shown(t, wid); got.Count != 0 {
			t.Fatalf("a deleted review still counts: %+v", got)
		}
		if got := reviewIDs(s.manager.get(reviews + "?status=all")); len(got) != 1 || got[0] != irina {
			t.Fatalf("all tab after deleting shows %v", got)
		}

		wantStatus(t, "a bad filter", s.manager.get(reviews+"?rating=9"), http.StatusUnprocessableEntity)
		wantStatus(t, "another site's reviews", s.manager.get("/app/sites/"+s.other+"/reviews"), http.StatusNotFound)
		wantStatus(t, "another site's photo", s.manager.get("/app/sites/"+s.other+"/reviews/photos/x"), http.StatusNotFound)
		wantStatus(t, "another site's review through the API", s.manager.api("POST", "/api/v1/sites/"+s.other+"/reviews/"+irina+"/publish", csrf, ""), http.StatusNotFound)
	})
}

// seedReview stores a pending review made at at, straight in the store
// (as the public form would; the form's rate limit allows a few a visitor).
func (s *modSite) seedReview(t testing.TB, wid string, n int, at time.Time) string {
	t.Helper()
	r := store.Review{ID: fmt.Sprintf("rev-%05d", n), SiteID: s.siteID, WidgetID: wid, Rating: 1 + n%5,
		Text: fmt.Sprintf("Отзыв номер %d", n), Name: fmt.Sprintf("Покупатель %d", n), Status: store.ReviewPending,
		CreatedAt: at, UpdatedAt: at}
	if err := s.d.Store.CreateReview(t.Context(), r, ""); err != nil {
		t.Fatalf("seed review %d: %v", n, err)
	}
	return r.ID
}

// TestReviewPages pages through the queue: 20 a page, the next link goes
// on where the page ended, and the last page has none.
func TestReviewPages(t *testing.T) {
	t.Parallel()
	s := newModSite(t, servertest.NewStore(t, "embedded"))
	wid := s.d.CreateWidget(s.siteID, map[string]any{"type": "reviews", "settings": map[string]any{}})["id"].(string)
	now := time.Now().UTC()
	for i := range 23 {
		s.seedReview(t, wid, i, now.Add(-time.Duration(i)*time.Hour))
	}
	p := s.manager.get("/app/sites/" + s.siteID + "/reviews")
	first := reviewIDs(p)
	next := regexp.MustCompile(`rel="next" href="([^"]+)"`).FindStringSubmatch(p.Body)
	if len(first) != 20 || next == nil {
		t.Fatalf("first page: %d reviews, next link %v", len(first), next)
	}
	p = s.manager.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	second := reviewIDs(p)
	wantNoBody(t, "last page", p, `rel="next"`)
	if len(second) != 3 {
		t.Fatalf("second page: %d reviews, want 3", len(second))
	}
	for _, id := range second {
		for _, seen := range first {
			if id == seen {
				t.Fatalf("review %s is on both pages", id)
			}
		}
	}
}

// TestReviewLinksAndImport: the page offers who may moderate a review
// link for an order and a CSV import, naming the API routes that make
// them; a link made there is valid on the public check, an imported
// file's reviews show on the published tab, a bad row is refused with
// its row and column and imports nothing; a manager may do both (the
// API's leads:write), a site without a reviews widget offers neither.
func TestReviewLinksAndImport(t *testing.T) {
	t.Parallel()
	s := newModSite(t, servertest.NewStore(t, "embedded"))
	reviews := "/app/sites/" + s.siteID + "/reviews"
	wantNoBody(t, "no reviews widget", s.manager.get(reviews), `id="ask"`, `id="import"`)
	wid := s.d.CreateWidget(s.siteID, map[string]any{"type": "reviews", "settings": map[string]any{}})["id"].(string)
	p := s.manager.get(reviews)
	wantBody(t, "tools", p, `data-url="/api/v1/sites/`+s.siteID+`/widgets/{widget}/review-requests"`,
		`data-url="/api/v1/sites/`+s.siteID+`/widgets/{widget}/reviews/import"`, `<option value="`+wid+`">`)
	csrf := s.manager.pageCSRF(reviews)
	r := s.manager.api("POST", "/api/v1/sites/"+s.siteID+"/widgets/"+wid+"/review-requests", csrf, `{"order_id":"A-1042","name":"Олег","ttl_days":14}`)
	wantStatus(t, "a review link", r, http.StatusCreated)
	var link struct{ URL, Token string }
	if err := json.Unmarshal([]byte(r.Body), &link); err != nil || link.Token == "" {
		t.Fatalf("review link: %v %s", err, r.Body)
	}
	check := s.visit(t, "POST", "/widgets/"+wid+"/review-requests/check", map[string]any{"request_token": link.Token})
	servertest.ExpectStatus(t, check, http.StatusOK)
	if v := check.JSON(t); v["valid"] != true || !strings.HasPrefix(link.URL, "https://a.example/?beckon_review=") {
		t.Fatalf("the link %s is not valid on the public check: %v", link.URL, v)
	}

	importCSV := func(body string) page {
		req, _ := http.NewRequest("POST", s.d.Base+"/api/v1/sites/"+s.siteID+"/widgets/"+wid+"/reviews/import", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("X-CSRF-Token", csrf)
		return s.manager.do(req)
	}
	bad := importCSV("rating,text,name,date\n5,Отлично,Анна,2025-05-01\n9,Плохо,Иван,2025-05-02\n")
	wantStatus(t, "a bad row", bad, http.StatusUnprocessableEntity)
	wantBody(t, "a bad row", bad, `"field":"rows[3].rating"`)
	if got := reviewIDs(s.manager.get(reviews + "?status=all")); len(got) != 0 {
		t.Fatalf("a refused import stored %d reviews", len(got))
	}
	wantStatus(t, "import", importCSV("rating,text,name,date\n5,Отлично,Анна,2025-05-01\n4,Хорошо,Иван,2025-05-02\n"), http.StatusCreated)
	p = s.manager.get(reviews + "?status=published&lang=en")
	if got := reviewIDs(p); len(got) != 2 {
		t.Fatalf("published tab after the import shows %d reviews", len(got))
	}
	wantBody(t, "imported", p, "Анна", "Imported")
}

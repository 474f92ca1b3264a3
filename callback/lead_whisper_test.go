package callback_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// quizLead stores the lead a quiz made for visitor, with summary.
func quizLead(t *testing.T, st store.Store, siteID, id, visitor, summary string) {
	t.Helper()
	now := time.Now().UTC()
	_, _, err := st.CreateLead(context.Background(), store.Lead{ID: id, SiteID: siteID, Type: "quiz", Status: store.LeadNew,
		VisitorID: visitor, Summary: summary, Contact: store.LeadContact{Phone: "+79161234567"}, CreatedAt: now, UpdatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTwilioWhisperCarriesQuizSummary: a callback asked for from a quiz's
// result screen (lead_id) makes the manager hear the quiz's summary after
// the page, in the site's language, and its inbox lead carries it too; a
// lead_id of another visitor, or of no lead, is ignored without an error
// and nothing of that lead is said.
func TestTwilioWhisperCarriesQuizSummary(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		const anna = "+79000000010"
		st := newStore(t)
		ts, fake := twilioServer(t, st)
		siteID, key, _ := ts.CallbackSite("")
		quizLead(t, st, siteID, "ld_mine", "v1", "3-комнатная квартира, ремонт под ключ, оценка 420 000 ₽")
		quizLead(t, st, siteID, "ld_theirs", "v2", "секрет соседа")

		r := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "name": "Иван",
			"page_title": "Калькулятор ремонта | Shop", "lead_id": "ld_mine"})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		id := r.JSON(t)["id"].(string)
		want := "Заявка на обратный звонок с сайта Shop. Страница: Калькулятор ремонта. " +
			"По итогам квиза: 3-комнатная квартира, ремонт под ключ, оценка 420 000 ₽. Клиента зовут Иван. Нажмите 1, чтобы соединиться с клиентом."
		if said := managerHeard(t, fake, anna, "По итогам квиза"); said[0].Text != want {
			t.Fatalf("whisper %q\nwant %q", said[0].Text, want)
		}
		cb := ts.settled(siteID, id, fake)
		if cb.LeadID != "ld_mine" {
			t.Fatalf("the request keeps lead %q, want ld_mine", cb.LeadID)
		}
		if l, err := st.GetLead(context.Background(), siteID, callback.LeadID(id)); err != nil || l.Summary != "3-комнатная квартира, ремонт под ключ, оценка 420 000 ₽" {
			t.Fatalf("the callback's inbox lead: %+v, %v", l, err)
		}

		for _, leadID := range []string{"ld_theirs", "ld_nope"} {
			phone := map[string]string{"ld_theirs": "+79161234501", "ld_nope": "+79161234502"}[leadID]
			r := ts.PostCallback(key, map[string]any{"phone": phone, "visitor_id": "v1", "name": "Пётр", "lead_id": leadID})
			servertest.ExpectStatus(t, r, http.StatusAccepted)
			id := r.JSON(t)["id"].(string)
			cb := ts.settled(siteID, id, fake)
			if cb.LeadID != "" {
				t.Fatalf("lead_id %s was kept: %q", leadID, cb.LeadID)
			}
			for _, c := range fake.Calls() {
				for _, s := range c.Said {
					if strings.Contains(s.Text, "секрет") || (strings.Contains(s.Text, "Пётр") && strings.Contains(s.Text, "квиза")) {
						t.Fatalf("lead_id %s: the manager heard %q", leadID, s.Text)
					}
				}
			}
		}
	})
}

// whisperLog is the simulator, keeping the whisper of every manager call.
type whisperLog struct {
	*sim.Provider
	mu   sync.Mutex
	said []string
}

func (w *whisperLog) CallManager(ctx context.Context, mc callback.ManagerCall) (string, error) {
	w.mu.Lock()
	w.said = append(w.said, mc.Whisper)
	w.mu.Unlock()
	return w.Provider.CallManager(ctx, mc)
}

func (w *whisperLog) whispers() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.said...)
}

// TestSimWhisperCarriesQuizSummary: a provider that takes the whisper with
// the call (the simulator) gets the summary too, in the site's language.
func TestSimWhisperCarriesQuizSummary(t *testing.T) {
	for lang, want := range map[string]string{
		"en": "Callback request from Shop. From the quiz: 2 rooms, estimate 250 000 ₽. The client's name is Ivan. Press 1 to connect to the client.",
		"uk": "Заявка на зворотний дзвінок із сайту Shop. За підсумками квізу: 2 rooms, estimate 250 000 ₽. Клієнта звати Ivan. Натисніть 1, щоб зʼєднатися з клієнтом.",
	} {
		t.Run(lang, func(t *testing.T) {
			prov := &whisperLog{Provider: sim.New(servertest.FastCalls)}
			st := servertest.NewStore(t, "embedded")
			ts := startWith(t, st, prov, callback.ModuleOptions{}, servertest.Options{})
			siteID, key, _ := ts.CallbackSite("")
			servertest.ExpectStatus(t, ts.Admin("PATCH", "/api/v1/sites/"+siteID, map[string]any{"locale": lang}), http.StatusOK)
			quizLead(t, st, siteID, "ld_1", "v1", "2 rooms, estimate 250 000 ₽.")
			r := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "name": "Ivan", "lead_id": "ld_1"})
			servertest.ExpectStatus(t, r, http.StatusAccepted)
			ts.waitStatus(key, r.JSON(t)["id"].(string), "v1")
			said := prov.whispers()
			if len(said) == 0 || said[0] != want {
				t.Fatalf("whispers %q\nwant %q", said, want)
			}
		})
	}
}

// TestLeadIDChecked: a lead_id longer than any lead's id is refused (422
// naming it) and nothing is stored.
func TestLeadIDChecked(t *testing.T) {
	ts := startServer(t, servertest.NewStore(t, "embedded"), nil)
	siteID, key, _ := ts.CallbackSite("")
	r := ts.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "v1", "lead_id": strings.Repeat("x", 101)})
	if r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != "lead_id" {
		t.Fatalf("%d %s, want 422 naming lead_id", r.Status, r.Body)
	}
	if got := ts.ListCallbacks(siteID); len(got) != 0 {
		t.Fatalf("a refused request was stored: %+v", got)
	}
}

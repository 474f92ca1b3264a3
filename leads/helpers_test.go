package leads_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// inbox is a test server with a site whose inbox the tests fill.
type inbox struct {
	*servertest.Server
	siteID, key, widgetID string
}

// newInbox starts a server on st with a callback site (simulated managers).
func newInbox(t *testing.T, st store.Store) *inbox {
	t.Helper()
	ts := servertest.Start(t, st, servertest.Options{})
	siteID, key, wid := ts.CallbackSite("")
	return &inbox{Server: ts, siteID: siteID, key: key, widgetID: wid}
}

// base is the first lead's time; the n-th lead is n seconds later.
var base = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

// quizLead is a full quiz lead of visitor, created n seconds after base.
func quizLead(siteID, id, visitor string, n int) store.Lead {
	at := base.Add(time.Duration(n) * time.Second)
	return store.Lead{
		ID: id, SiteID: siteID, WidgetID: "wdg_quiz", Type: "quiz", Status: store.LeadNew, VisitorID: visitor,
		Contact: store.LeadContact{Name: "Олена", Phone: "+79161234567", Email: "olena@example.com", Messenger: "@olena"},
		Answers: []store.LeadAnswer{
			{Step: "rooms", Title: "Сколько комнат?", Value: json.RawMessage(`"r3"`), Text: "3 комнаты"},
			{Step: "area", Title: "Площадь", Value: json.RawMessage(`72.5`), Text: "72,5 м²"},
		},
		Result:      &store.LeadResult{Screen: "big", Title: "Капитальный ремонт", Values: map[string]float64{"price": 420000, "days": 45}},
		Summary:     "3-комнатная, оценка 420 000 ₽",
		QuizVersion: 2, SessionID: "qs_" + id, Lang: "ru",
		PageURL: "https://shop.example/remont", Referrer: "https://yandex.ru/search",
		UTM:    map[string]string{"utm_source": "yandex", "utm_campaign": "autumn"},
		Hidden: map[string]string{"city": "Москва"}, Source: "yandex", IP: "203.0.113.7",
		Consent:   &store.Consent{Version: "v3", At: at, IP: "203.0.113.7"},
		CreatedAt: at, UpdatedAt: at,
	}
}

// put stores leads directly, as the widgets do.
func (ib *inbox) put(leads ...store.Lead) {
	ib.T.Helper()
	for _, l := range leads {
		if _, created, err := ib.Store.CreateLead(context.Background(), l); err != nil || !created {
			ib.T.Fatalf("CreateLead %s: created %v, %v", l.ID, created, err)
		}
	}
}

// page is one answer of GET …/leads.
type page struct {
	Leads      []store.Lead `json:"leads"`
	NextCursor string       `json:"next_cursor"`
}

// list reads one page with the admin token.
func (ib *inbox) list(query url.Values) page {
	ib.T.Helper()
	r := ib.Admin("GET", "/api/v1/sites/"+ib.siteID+"/leads?"+query.Encode(), nil)
	servertest.ExpectStatus(ib.T, r, http.StatusOK)
	var p page
	if err := json.Unmarshal(r.Body, &p); err != nil {
		ib.T.Fatal(err)
	}
	return p
}

// all pages through the inbox with limit, returning the ids in order.
func (ib *inbox) all(query url.Values, limit int) []string {
	ib.T.Helper()
	var ids []string
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("limit", fmt.Sprint(limit))
	for pages := 0; ; pages++ {
		if pages > 1000 {
			ib.T.Fatal("the cursor never ends")
		}
		p := ib.list(q)
		if len(p.Leads) > limit {
			ib.T.Fatalf("page of %d leads, limit %d", len(p.Leads), limit)
		}
		for _, l := range p.Leads {
			ids = append(ids, l.ID)
		}
		if p.NextCursor == "" {
			return ids
		}
		q.Set("cursor", p.NextCursor)
	}
}

// lead reads one lead with the admin token.
func (ib *inbox) lead(id string) (store.Lead, int) {
	ib.T.Helper()
	r := ib.Admin("GET", "/api/v1/sites/"+ib.siteID+"/leads/"+id, nil)
	var l store.Lead
	if r.Status == http.StatusOK {
		if err := json.Unmarshal(r.Body, &l); err != nil {
			ib.T.Fatal(err)
		}
	}
	return l, r.Status
}

// bearer is the Authorization header pair of a key.
func bearer(secret string) []string { return []string{"Authorization", "Bearer " + secret} }

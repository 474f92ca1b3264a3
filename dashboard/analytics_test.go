package dashboard_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/triggerstats"
	"github.com/beckonhq/beckon/widgets/quiz"
)

// analyticsSite is an inbox site with a quiz and a callback widget and a
// week of data, plus data before the week that no report of it may count.
type analyticsSite struct {
	*inboxSite
	quizID, callbackID string
	moscow             *time.Location
	today              time.Time // the site's today, midnight UTC naming the day
}

func newAnalyticsSite(t *testing.T, st store.Store) *analyticsSite {
	t.Helper()
	s := &analyticsSite{inboxSite: newInboxSite(t, st), quizID: "wdg_quiz01", callbackID: "wdg_call01"}
	s.moscow, _ = time.LoadLocation("Europe/Moscow")
	n := s.d.clock.Now().In(s.moscow)
	s.today = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	ctx := t.Context()
	for _, w := range []store.Widget{
		{ID: s.quizID, SiteID: s.siteID, Type: "quiz", Enabled: true, Settings: json.RawMessage(`{"steps":[]}`)},
		{ID: s.callbackID, SiteID: s.siteID, Type: "callback", Enabled: true,
			Settings: json.RawMessage(`{"managers":[{"name":"Anna Petrova","phone":"+79990000001"},{"name":"Boris Ivanov","phone":"+79990000002"}],"triggers":{"rules":[]}}`)},
	} {
		if err := st.CreateWidget(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	inWeek, before := s.noon(-2), s.noon(-10)
	// Leads: two from google and one direct in the week, one partial (not
	// a lead yet), one before the week.
	s.seedLead(t, 1, inWeek, "quiz", s.quizID, "google")
	s.seedLead(t, 2, s.noon(0), "quiz", s.quizID, "google")
	s.seedLead(t, 3, inWeek, "quiz", s.quizID, "")
	partial := store.Lead{ID: "lead-partial", SiteID: s.siteID, WidgetID: s.quizID, Type: "quiz", Status: store.LeadNew,
		Partial: true, Source: "google", CreatedAt: inWeek, UpdatedAt: inWeek}
	if _, _, err := st.CreateLead(ctx, partial); err != nil {
		t.Fatal(err)
	}
	s.seedLead(t, 4, before, "quiz", s.quizID, "google")
	// Quiz tallies of a day in the week and of a day before it.
	for day, n := range map[time.Time]int64{inWeek: 1, before: 10} {
		err := st.AddTally(ctx, s.siteID, quiz.TallyName(s.quizID, day.In(s.moscow).Format(time.DateOnly)),
			map[string]int64{"views": 10 * n, "starts": 5 * n, "completions": 4 * n, "leads": 3 * n})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddTally(ctx, s.siteID, triggerstats.TallyName(s.callbackID, inWeek.In(s.moscow).Format(time.DateOnly)),
		map[string]int64{"shown|time_on_page": 40, "converted|time_on_page": 2}); err != nil {
		t.Fatal(err)
	}
	// Calls: Anna answers one in 10 s and it connects; nobody answers the
	// other. Before the week Boris answered one.
	s.seedCall(t, "cb1", inWeek, "google", "Anna Petrova", 10*time.Second,
		store.Leg{Kind: "manager", Manager: 0, Status: "ended", Outcome: "completed"})
	s.seedCall(t, "cb2", s.noon(-1), "", "", 0,
		store.Leg{Kind: "manager", Manager: 0, Status: "ended", Outcome: "no_answer"},
		store.Leg{Kind: "manager", Manager: 1, Status: "ended", Outcome: "busy"})
	s.seedCall(t, "cb3", before, "google", "Boris Ivanov", 30*time.Second,
		store.Leg{Kind: "manager", Manager: 1, Status: "ended", Outcome: "completed"})
	return s
}

// noon is midday of the site's day today+days.
func (s *analyticsSite) noon(days int) time.Time {
	d := s.today.AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, s.moscow)
}

// seedCall stores a callback request; answeredBy answers after wait and
// the call connects.
func (s *analyticsSite) seedCall(t *testing.T, id string, at time.Time, source, answeredBy string, wait time.Duration, legs ...store.Leg) {
	t.Helper()
	for i := range legs {
		legs[i].ID, legs[i].Attempt, legs[i].StartedAt = fmt.Sprintf("%s-leg%d", id, i), 1, at
	}
	tl := []store.Transition{{Status: "queued", At: at}, {Status: "calling_manager", At: at}}
	status := "failed"
	if answeredBy != "" {
		status = "completed"
		tl = append(tl, store.Transition{Status: "manager_answered", At: at.Add(wait), Detail: answeredBy},
			store.Transition{Status: "connected", At: at.Add(wait + 5*time.Second)}, store.Transition{Status: "completed", At: at.Add(time.Minute)})
	} else {
		tl = append(tl, store.Transition{Status: "failed", At: at.Add(time.Minute)})
	}
	c := store.Callback{ID: id, SiteID: s.siteID, WidgetID: s.callbackID, Phone: "+7999" + fmt.Sprintf("%07d", len(id)*1000+int(at.Unix()%1000)),
		Name: "Caller " + id, Source: source, Status: status, Timeline: tl, Legs: legs, Attempt: 1, Manager: answeredBy,
		DueAt: at, FirstDueAt: at, EndedAt: at.Add(time.Minute), CreatedAt: at.UTC(), UpdatedAt: at.UTC()}
	if _, _, err := s.d.Store.CreateCallback(t.Context(), c, at); err != nil {
		t.Fatalf("seed call %s: %v", id, err)
	}
}

func (s *analyticsSite) week() string {
	return "?from=" + s.today.AddDate(0, 0, -6).Format(time.DateOnly) + "&to=" + s.today.Format(time.DateOnly)
}

var (
	rowRe  = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRe = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	tagRe  = regexp.MustCompile(`<[^>]+>`)
)

// tableRows are the body rows of the table with id, each cell's text.
func tableRows(t *testing.T, p page, id string) map[string][]string {
	t.Helper()
	start := strings.Index(p.Body, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("no table %s in: %.2000s", id, p.Body)
	}
	body := p.Body[start:]
	body = body[strings.Index(body, "<tbody>"):strings.Index(body, "</table>")]
	rows := map[string][]string{}
	for _, r := range rowRe.FindAllStringSubmatch(body, -1) {
		var cells []string
		for _, c := range cellRe.FindAllStringSubmatch(r[1], -1) {
			cells = append(cells, strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(c[1], ""))))
		}
		rows[cells[0]] = cells[1:]
	}
	return rows
}

func wantRow(t *testing.T, rows map[string][]string, name string, cells ...string) {
	t.Helper()
	if got := rows[name]; strings.Join(got, "|") != strings.Join(cells, "|") {
		t.Fatalf("row %q: got %q, want %q (all rows: %q)", name, got, cells, rows)
	}
}

// funnelText is the text of a widget's funnel card.
func funnelText(t *testing.T, p page, widgetID string) string {
	t.Helper()
	i := strings.Index(p.Body, `id="funnel-`+widgetID+`"`)
	if i < 0 {
		t.Fatalf("no funnel of %s", widgetID)
	}
	card := p.Body[i:]
	card = card[strings.Index(card, ">")+1 : strings.Index(card, "</ol>")]
	return strings.Join(strings.Fields(html.UnescapeString(tagRe.ReplaceAllString(card, " "))), " ")
}

func TestAnalyticsPageCountsThePeriod(t *testing.T) {
	for _, kind := range []string{"embedded", "redis"} {
		t.Run(kind, func(t *testing.T) {
			s := newAnalyticsSite(t, servertest.NewStore(t, kind))
			// A manager may view analytics.
			p := s.manager.get("/app/sites/" + s.siteID + "/analytics" + s.week() + "&lang=en")
			wantStatus(t, "analytics", p, http.StatusOK)
			wantRow(t, tableRows(t, p, "an-sources"), "google", "2", "1", "1", "100%")
			wantRow(t, tableRows(t, p, "an-sources"), "direct", "1", "1", "0", "0%")
			managers := tableRows(t, p, "an-managers")
			wantRow(t, managers, "Anna Petrova", "2", "1", "50%", "10 s", "1")
			wantRow(t, managers, "Boris Ivanov", "1", "0", "0%", "—", "0")
			if got := funnelText(t, p, s.quizID); got != `quiz · quiz01 Views 10 Opens 5 (50%) Submits 4 (80%) Leads 3 (75%)` {
				t.Fatalf("quiz funnel: %q", got)
			}
			if got := funnelText(t, p, s.callbackID); got != `callback · call01 Views 40 Opens not measured Submits 2 (5.0%) Connected 1 (50%)` {
				t.Fatalf("callback funnel: %q", got)
			}
			// The daily table has the week's seven days.
			if n := strings.Count(p.Body, `<tr><th scope="row">`+s.today.Format("2006-01")); n < 1 {
				t.Fatalf("daily table has no row of this month")
			}
			wantNoBody(t, "manager's page", p, "Share links")

			// One widget: the other's data is left out.
			p = s.manager.get("/app/sites/" + s.siteID + "/analytics" + s.week() + "&widget=" + s.quizID + "&lang=en")
			wantStatus(t, "one widget", p, http.StatusOK)
			wantRow(t, tableRows(t, p, "an-sources"), "google", "2", "0", "—", "—")
			wantNoBody(t, "one widget", p, `id="funnel-`+s.callbackID+`"`, `id="an-managers"`)

			// The last 30 days take in what was before the week.
			p = s.op.get("/app/sites/" + s.siteID + "/analytics?lang=en")
			wantStatus(t, "30 days", p, http.StatusOK)
			wantRow(t, tableRows(t, p, "an-sources"), "google", "3", "2", "2", "100%")
			wantRow(t, tableRows(t, p, "an-managers"), "Boris Ivanov", "2", "1", "50%", "30 s", "1")
		})
	}
}

func TestAnalyticsBadPeriod(t *testing.T) {
	s := newAnalyticsSite(t, servertest.NewStore(t, "embedded"))
	base := "/app/sites/" + s.siteID + "/analytics?lang=en&"
	for q, want := range map[string]string{
		"from=2026-13-01":                "The start date must be a date such as 2026-12-01.",
		"to=tomorrow":                    "The end date must be a date such as 2026-12-31.",
		"from=2026-05-02&to=2026-05-01":  "The start date is after the end date.",
		"from=2020-01-01&to=2026-01-01":  "A period can be at most 366 days.",
		"widget=wdg_of_another_site_123": "There is no such widget on this site.",
	} {
		p := s.op.get(base + q)
		wantStatus(t, q, p, http.StatusUnprocessableEntity)
		wantBody(t, q, p, want, `aria-invalid="true"`)
		wantNoBody(t, q, p, `id="an-sources"`)
	}
}

func TestAnalyticsSiteIsolation(t *testing.T) {
	s := newAnalyticsSite(t, servertest.NewStore(t, "embedded"))
	other := s.d.CreateSite("Shop B", "https://b.example")["id"].(string)
	for _, path := range []string{"/app/sites/" + other + "/analytics", "/app/sites/" + other + "/analytics/share",
		"/app/sites/" + s.siteID + "/analytics/share"} {
		wantStatus(t, "manager GET "+path, s.manager.get(path), http.StatusNotFound)
	}
	p := s.manager.submit("/app/sites/"+s.siteID+"/analytics", "/app/sites/"+s.siteID+"/analytics/share", url.Values{"label": {"x"}})
	wantStatus(t, "manager creates a share link", p, http.StatusNotFound)
	wantStatus(t, "signed out", s.d.browser(t, "anon").get("/app/sites/"+s.siteID+"/analytics"), http.StatusSeeOther)
}

// TestAnalyticsCountsWidgetViews: each page view that loads the widget
// (the loader's /config with its visitor id) is a view in the funnel of a
// widget that counts none of its own; a server's /config without one is
// not, nor is a widget that is off.
func TestAnalyticsCountsWidgetViews(t *testing.T) {
	t.Parallel()
	s := newInboxSite(t, servertest.NewStore(t, "embedded"))
	site, err := s.d.Store.GetSite(t.Context(), s.siteID)
	if err != nil {
		t.Fatal(err)
	}
	on := s.d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": map[string]any{
		"managers": []any{map[string]any{"name": "Anna", "phone": "+79123456789"}}}})["id"].(string)
	off := s.d.CreateWidget(s.siteID, map[string]any{"type": "countdown", "enabled": false, "settings": map[string]any{
		"mode": "evergreen", "duration_seconds": 600}})["id"].(string)
	for _, vid := range []string{"0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"} {
		r := s.d.Request(http.MethodGet, "/w/v1/"+site.Key+"/config?visitor_id="+vid, nil, "Origin", "https://a.example")
		servertest.ExpectStatus(t, r, http.StatusOK)
	}
	servertest.ExpectStatus(t, s.d.Request(http.MethodGet, "/w/v1/"+site.Key+"/config", nil), http.StatusOK)
	p := s.op.get("/app/sites/" + s.siteID + "/analytics")
	wantStatus(t, "analytics", p, http.StatusOK)
	if got := funnelText(t, p, on); !strings.Contains(got, "Views 3 ") {
		t.Fatalf("callback funnel after three page views: %q", got)
	}
	if got := funnelText(t, p, off); !strings.Contains(got, "Views 0 ") {
		t.Fatalf("a widget that is off was viewed: %q", got)
	}
}

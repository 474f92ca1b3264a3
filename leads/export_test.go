package leads_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// readCSV reads an export as Excel does: the UTF-8 byte order mark first,
// then strict RFC 4180 rows with sep between cells.
func readCSV(t *testing.T, r servertest.Response, sep rune) [][]string {
	t.Helper()
	servertest.ExpectStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(ct, "utf-8") {
		t.Fatalf("Content-Type %q", ct)
	}
	body, ok := bytes.CutPrefix(r.Body, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("no UTF-8 byte order mark: %q", r.Body[:min(20, len(r.Body))])
	}
	cr := csv.NewReader(bytes.NewReader(body))
	cr.Comma = sep
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("not strict CSV with %q: %v", sep, err)
	}
	return rows
}

// column is the named cell of each data row.
func column(t *testing.T, rows [][]string, name string) []string {
	t.Helper()
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, rows[0])
	}
	var out []string
	for _, row := range rows[1:] {
		out = append(out, row[i])
	}
	return out
}

// TestCSVExport: the CSV opens in Excel with its Cyrillic, separators,
// quotes and line breaks inside cells intact, times in the site's zone,
// and a cell that looks like a formula made text.
func TestCSVExport(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		tricky := quizLead(ib.siteID, "ld_tricky", "v1", 2)
		tricky.Contact.Name = `Ольга "Лофт"; ремонт, срочно`
		tricky.Note = "первая строка\r\nвторая; с \"кавычками\""
		tricky.Answers = append(tricky.Answers, store.LeadAnswer{Step: "wish", Title: "Пожелания", Value: json.RawMessage(`"a"`), Text: "тёплый пол;\nбез ламината"})
		evil := quizLead(ib.siteID, "ld_evil", "v2", 1)
		evil.Contact.Name = `=HYPERLINK("http://evil.example","click")`
		ib.put(tricky, evil)

		for _, sep := range []rune{';', ','} {
			path := "/api/v1/sites/" + ib.siteID + "/leads.csv"
			if sep == ';' {
				path += "?sep=;"
			}
			r := ib.Admin("GET", path, nil)
			if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
				t.Fatalf("Content-Disposition %q", cd)
			}
			rows := readCSV(t, r, sep)
			if len(rows) != 3 {
				t.Fatalf("%q: %d rows, want a header and 2", sep, len(rows))
			}
			for _, col := range []string{"id", "created_at", "type", "status", "name", "phone", "email", "messenger", "result", "values",
				"summary", "answers", "page_url", "referrer", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
				"hidden", "visitor_id", "consent_version", "consent_at", "consent_ip", "note"} {
				if !slices.Contains(rows[0], col) {
					t.Fatalf("no column %q in %v", col, rows[0])
				}
			}
			if got := column(t, rows, "id"); !slices.Equal(got, []string{"ld_tricky", "ld_evil"}) {
				t.Fatalf("ids %v, want newest first", got)
			}
			names := column(t, rows, "name")
			if names[0] != tricky.Contact.Name || names[1] != "'"+evil.Contact.Name {
				t.Fatalf("names %q", names)
			}
			if note := column(t, rows, "note")[0]; note != "первая строка\nвторая; с \"кавычками\"" && note != "первая строка\r\nвторая; с \"кавычками\"" {
				t.Fatalf("note %q", note)
			}
			if ans := column(t, rows, "answers")[0]; !strings.HasPrefix(ans, "Сколько комнат?: 3 комнаты\n") || !strings.Contains(ans, "Пожелания: тёплый пол;") {
				t.Fatalf("answers %q", ans)
			}
			// Europe/Moscow is UTC+3: the lead was made at 09:30:02 UTC.
			if at := column(t, rows, "created_at")[0]; at != "2026-11-02 12:30:02" {
				t.Fatalf("created_at %q, want the site's local time", at)
			}
			checks := map[string]string{"phone": "'+79161234567", "values": "days=45; price=420000", "result": "Капитальный ремонт",
				"utm_campaign": "autumn", "hidden": `{"city":"Москва"}`, "consent_version": "v3", "consent_ip": "203.0.113.7",
				"visitor_id": "v1", "status": "new", "type": "quiz", "summary": "3-комнатная, оценка 420 000 ₽"}
			for col, want := range checks {
				if got := column(t, rows, col)[0]; got != want {
					t.Errorf("%q %s = %q, want %q", sep, col, got, want)
				}
			}
		}
	})
}

// TestExportsStreamEveryLead: an inbox larger than one store page is
// exported whole, newest first, each lead once, in both formats.
func TestExportsStreamEveryLead(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		const n = 1203 // more than two export pages
		var want []string
		for i := range n {
			l := quizLead(ib.siteID, fmt.Sprintf("ld_%04d", i), fmt.Sprintf("v%d", i), i)
			ib.put(l)
			want = append([]string{l.ID}, want...)
		}
		r := ib.Admin("GET", "/api/v1/sites/"+ib.siteID+"/leads.jsonl", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var got []string
		sc := bufio.NewScanner(bytes.NewReader(r.Body))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l store.Lead
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("line %d is not a lead: %v: %s", len(got)+1, err, sc.Bytes())
			}
			if l.Answers[1].Text != "72,5 м²" || l.Hidden["city"] != "Москва" {
				t.Fatalf("line %d lost data: %+v", len(got)+1, l)
			}
			got = append(got, l.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("JSONL: %d leads, want %d newest first, each once", len(got), len(want))
		}
		rows := readCSV(t, ib.Admin("GET", "/api/v1/sites/"+ib.siteID+"/leads.csv", nil), ',')
		if ids := column(t, rows, "id"); !slices.Equal(ids, want) {
			t.Fatalf("CSV: %d leads, want %d newest first, each once", len(ids), len(want))
		}
	})
}

// TestExportFilters: the exports take the list's filters.
func TestExportFilters(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		for i, kind := range []struct{ typ, status string }{{"quiz", "won"}, {"quiz", "new"}, {"callback", "won"}, {"quiz", "won"}} {
			l := quizLead(ib.siteID, fmt.Sprintf("ld_%d", i), "v1", i)
			l.Type, l.Status = kind.typ, kind.status
			ib.put(l)
		}
		rows := readCSV(t, ib.Admin("GET", "/api/v1/sites/"+ib.siteID+"/leads.csv?type=quiz&status=won&sep=;", nil), ';')
		if ids := column(t, rows, "id"); !slices.Equal(ids, []string{"ld_3", "ld_0"}) {
			t.Fatalf("CSV type=quiz&status=won: %v", ids)
		}
		r := ib.Admin("GET", "/api/v1/sites/"+ib.siteID+"/leads.jsonl?type=callback", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if lines := strings.Split(strings.TrimSuffix(string(r.Body), "\n"), "\n"); len(lines) != 1 || !strings.Contains(lines[0], `"id":"ld_2"`) {
			t.Fatalf("JSONL type=callback: %q", lines)
		}
	})
}

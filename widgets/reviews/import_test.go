package reviews_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestImport: a CSV of earlier reviews is published with its original
// dates, marked imported, counted at once; any bad row stores nothing and
// its error names the row and the column; the same file twice is a 409.
func TestImport(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{}`)
		path := "/api/v1/sites/" + e.siteID + "/widgets/" + wid + "/reviews/import"
		send := func(csv string) servertest.Response {
			return e.Admin("POST", path, csv, "Content-Type", "text/csv")
		}
		for _, c := range []struct{ csv, field string }{
			{"rating,text,name,date\n5,Отлично,Аня,2023-04-01\n0,Плохо,Петя,2023-04-02\n", "rows[3].rating"},
			{"rating,text,name\n5,Отлично,Аня\n", "rows[1].date"},
			{"rating,text,name,date,color\n", "rows[1].color"},
			{"rating,text,name,date\n5,Отлично,Аня,01.04.2023\n", "rows[2].date"},
			{"rating,text,name,date\n5,Отлично,Аня,2999-01-01\n", "rows[2].date"},
			{"rating,text,name,date\n5,,Аня,2023-04-01\n", "rows[2].text"},
			{"rating,text,name,date\n5,Отлично,,2023-04-01\n", "rows[2].name"},
			{"rating,text,name,date\n", "rows[2]"},
			{"rating,text,name,date\n5,Отлично,Аня,2023-04-01\n5,Отлично,Аня,2023-04-01\n", "rows[3]"},
			{"rating,text,name,date\n5,Отлично \"супер\",Аня,2023-04-01\n", "rows[2]"},
			{"rating,text,name,date\n5,\"Отлично,Аня,2023-04-01\n", "rows[2]"},
		} {
			r := send(c.csv)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != c.field {
				t.Errorf("%q: field %q, want %q", c.csv, f, c.field)
			}
		}
		if n := len(e.inbox("")); n != 0 {
			t.Fatalf("%d reviews stored by refused imports", n)
		}
		servertest.ExpectStatus(t, e.Admin("POST", path, "rating,text,name,date\n", "Content-Type", "application/json"), http.StatusUnsupportedMediaType)

		good := "\xef\xbb\xbfName,Rating,Date,Text,About\n" +
			"Марина,5,2022-11-05,\"Всё пришло целым,\nспасибо!\",\n" +
			"Тарас,3,2023-02-10T09:30:00+02:00,Довго йшла посилка,\n"
		r := send(good)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		if n := r.JSON(t)["imported"]; n != 2.0 {
			t.Fatalf("imported %v, want 2", n)
		}
		got := e.shown(wid, "")
		if got.Count != 2 || got.Average != 4 || len(got.Reviews) != 2 {
			t.Fatalf("after import: %+v", got)
		}
		newest, oldest := got.Reviews[0], got.Reviews[1]
		if newest.Name != "Тарас" || newest.Date != "2023-02-10T07:30:00Z" || !newest.Imported {
			t.Fatalf("newest %+v: Taras's review of 2023-02-10 07:30 UTC, marked imported", newest)
		}
		if oldest.Date != "2022-11-05T00:00:00Z" || !strings.Contains(oldest.Text, "\nспасибо") {
			t.Fatalf("oldest %+v", oldest)
		}
		r = send(good)
		servertest.ExpectStatus(t, r, http.StatusConflict)
		if n := len(e.inbox("")); n != 2 {
			t.Fatalf("%d reviews after importing the same file twice, want 2", n)
		}
	})
}

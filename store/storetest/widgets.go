package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newWidget(siteID string) store.Widget {
	t := now()
	return store.Widget{
		ID:        newID("widget"),
		SiteID:    siteID,
		Type:      "countdown",
		Enabled:   true,
		Settings:  json.RawMessage(`{"title":"Sale ends <soon>","items":[1,2]}`),
		CreatedAt: t,
		UpdatedAt: t,
	}
}

func createWidget(t *testing.T, st store.Store, siteID string) store.Widget {
	t.Helper()
	w := newWidget(siteID)
	must(t, "CreateWidget", st.CreateWidget(ctx(t), w))
	return w
}

// sameJSON compares documents, not bytes: a store may re-encode settings.
func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func wantWidget(t *testing.T, what string, got, want store.Widget) {
	t.Helper()
	if got.ID != want.ID || got.SiteID != want.SiteID || got.Type != want.Type ||
		got.Enabled != want.Enabled || !sameJSON(got.Settings, want.Settings) ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Fatalf("%s: got %+v (settings %s), want %+v (settings %s)", what, got, got.Settings, want, want.Settings)
	}
}

func widgetIDs(list []store.Widget) []string {
	ids := make([]string, len(list))
	for i, w := range list {
		ids[i] = w.ID
	}
	return ids
}

var widgetTests = []test{
	{"create, get and list oldest first", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		base := now()
		var ws []store.Widget
		for _, offset := range []time.Duration{time.Second, 2 * time.Second, 0} {
			w := newWidget(s.ID)
			w.CreatedAt = base.Add(offset)
			must(t, "CreateWidget", st.CreateWidget(ctx(t), w))
			ws = append(ws, w)
		}
		got, err := st.GetWidget(ctx(t), s.ID, ws[0].ID)
		must(t, "GetWidget", err)
		wantWidget(t, "GetWidget", got, ws[0])

		want := []store.Widget{ws[2], ws[0], ws[1]}
		list, err := st.ListWidgets(ctx(t), s.ID)
		must(t, "ListWidgets", err)
		if !slices.Equal(widgetIDs(list), widgetIDs(want)) {
			t.Fatalf("ListWidgets order: got %v, want %v", widgetIDs(list), widgetIDs(want))
		}
		for i := range want {
			wantWidget(t, "ListWidgets", list[i], want[i])
		}
	}},
	{"list of a site without widgets is empty", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		list, err := st.ListWidgets(ctx(t), s.ID)
		must(t, "ListWidgets", err)
		if len(list) != 0 {
			t.Fatalf("ListWidgets: %v", widgetIDs(list))
		}
	}},
	{"duplicate ID conflicts", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		w := createWidget(t, st, s.ID)
		dup := newWidget(s.ID)
		dup.ID, dup.Type = w.ID, "quiz"
		wantErr(t, "CreateWidget with a taken ID", st.CreateWidget(ctx(t), dup), store.ErrConflict)
		got, err := st.GetWidget(ctx(t), s.ID, w.ID)
		must(t, "GetWidget", err)
		wantWidget(t, "widget after a conflicting create", got, w)
	}},
	{"create for an unknown site is not found", func(t *testing.T, st store.Store) {
		w := newWidget("no-such-site")
		wantErr(t, "CreateWidget", st.CreateWidget(ctx(t), w), store.ErrNotFound)
		_, err := st.GetWidget(ctx(t), w.SiteID, w.ID)
		wantErr(t, "GetWidget of the refused widget", err, store.ErrNotFound)
	}},
	{"unknown widget is not found", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		createWidget(t, st, s.ID)
		_, err := st.GetWidget(ctx(t), s.ID, "no-such-widget")
		wantErr(t, "GetWidget", err, store.ErrNotFound)
		_, err = st.UpdateWidget(ctx(t), s.ID, "no-such-widget", func(*store.Widget) error {
			t.Error("UpdateWidget called fn for an unknown widget")
			return nil
		})
		wantErr(t, "UpdateWidget", err, store.ErrNotFound)
		wantErr(t, "DeleteWidget", st.DeleteWidget(ctx(t), s.ID, "no-such-widget"), store.ErrNotFound)
	}},
	{"scoped by site", func(t *testing.T, st store.Store) {
		a, b := createSite(t, st), createSite(t, st)
		w := createWidget(t, st, a.ID)
		_, err := st.GetWidget(ctx(t), b.ID, w.ID)
		wantErr(t, "GetWidget via another site", err, store.ErrNotFound)
		_, err = st.UpdateWidget(ctx(t), b.ID, w.ID, func(cur *store.Widget) error {
			t.Error("UpdateWidget called fn for another site's widget")
			cur.Enabled = false
			return nil
		})
		wantErr(t, "UpdateWidget via another site", err, store.ErrNotFound)
		wantErr(t, "DeleteWidget via another site", st.DeleteWidget(ctx(t), b.ID, w.ID), store.ErrNotFound)
		list, err := st.ListWidgets(ctx(t), b.ID)
		must(t, "ListWidgets", err)
		if len(list) != 0 {
			t.Fatalf("ListWidgets of site B shows %v", widgetIDs(list))
		}
		got, err := st.GetWidget(ctx(t), a.ID, w.ID)
		must(t, "GetWidget via its own site", err)
		wantWidget(t, "widget after attempts via another site", got, w)
	}},
	{"update", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		w := createWidget(t, st, s.ID)
		want := w
		want.Enabled = false
		want.Settings = json.RawMessage(`{"title":"new"}`)
		want.UpdatedAt = w.UpdatedAt.Add(time.Minute)
		got, err := st.UpdateWidget(ctx(t), s.ID, w.ID, func(cur *store.Widget) error {
			cur.Enabled, cur.Settings, cur.UpdatedAt = want.Enabled, want.Settings, want.UpdatedAt
			return nil
		})
		must(t, "UpdateWidget", err)
		wantWidget(t, "UpdateWidget result", got, want)
		got, err = st.GetWidget(ctx(t), s.ID, w.ID)
		must(t, "GetWidget", err)
		wantWidget(t, "GetWidget after update", got, want)
	}},
	{"update fn error changes nothing", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		w := createWidget(t, st, s.ID)
		errRefused := errors.New("refused by fn")
		_, err := st.UpdateWidget(ctx(t), s.ID, w.ID, func(cur *store.Widget) error {
			cur.Enabled = false
			return errRefused
		})
		if err != errRefused {
			t.Fatalf("UpdateWidget returned %v, want fn's error unchanged", err)
		}
		got, err := st.GetWidget(ctx(t), s.ID, w.ID)
		must(t, "GetWidget", err)
		wantWidget(t, "widget after a refused update", got, w)
	}},
	{"concurrent updates lose nothing", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		w := newWidget(s.ID)
		w.Settings = json.RawMessage(`[]`)
		must(t, "CreateWidget", st.CreateWidget(ctx(t), w))
		var wg sync.WaitGroup
		var want []string
		for i := range concurrency {
			item := fmt.Sprintf("item-%d", i)
			want = append(want, item)
			wg.Go(func() {
				_, err := st.UpdateWidget(ctx(t), s.ID, w.ID, func(cur *store.Widget) error {
					var items []string
					if err := json.Unmarshal(cur.Settings, &items); err != nil {
						return err
					}
					cur.Settings, _ = json.Marshal(append(items, item))
					return nil
				})
				if err != nil {
					t.Errorf("UpdateWidget: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := st.GetWidget(ctx(t), s.ID, w.ID)
		must(t, "GetWidget", err)
		var items []string
		must(t, "decode settings", json.Unmarshal(got.Settings, &items))
		if !sameStrings(items, want) {
			t.Fatalf("after %d concurrent appends: %v, want %v", concurrency, items, want)
		}
	}},
	{"delete", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		w := createWidget(t, st, s.ID)
		kept := createWidget(t, st, s.ID)
		must(t, "DeleteWidget", st.DeleteWidget(ctx(t), s.ID, w.ID))
		_, err := st.GetWidget(ctx(t), s.ID, w.ID)
		wantErr(t, "GetWidget after delete", err, store.ErrNotFound)
		wantErr(t, "DeleteWidget again", st.DeleteWidget(ctx(t), s.ID, w.ID), store.ErrNotFound)
		list, err := st.ListWidgets(ctx(t), s.ID)
		must(t, "ListWidgets", err)
		if !slices.Equal(widgetIDs(list), []string{kept.ID}) {
			t.Fatalf("ListWidgets after delete: %v, want only %s", widgetIDs(list), kept.ID)
		}
	}},
}

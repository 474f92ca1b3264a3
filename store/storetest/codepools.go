package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newPool(siteID, name string) store.CodePool {
	return store.CodePool{ID: newID("pool"), SiteID: siteID, Name: name, CreatedAt: now()}
}

// codes is n codes "<prefix>-0" … "<prefix>-(n-1)".
func codes(prefix string, n int) []string {
	list := make([]string, n)
	for i := range list {
		list[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return list
}

// createPool stores p with its codes, which must succeed.
func createPool(t *testing.T, st store.Store, p store.CodePool, list []string) store.CodePool {
	t.Helper()
	must(t, "CreateCodePool", st.CreateCodePool(ctx(t), p, list, store.MaxPoolCodes))
	return p
}

// wantCounts reads the pool and checks its counts.
func wantCounts(t *testing.T, st store.Store, p store.CodePool, total, issued int) {
	t.Helper()
	got, err := st.GetCodePool(ctx(t), p.SiteID, p.ID)
	must(t, "GetCodePool", err)
	if got.ID != p.ID || got.SiteID != p.SiteID || got.Name != p.Name || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Fatalf("GetCodePool = %+v, want the pool %+v", got, p)
	}
	if got.Total != total || got.Issued != issued {
		t.Fatalf("pool counts: total %d, issued %d; want %d and %d", got.Total, got.Issued, total, issued)
	}
}

func claimCode(t *testing.T, st store.Store, p store.CodePool, visitor string) string {
	t.Helper()
	code, err := st.ClaimCode(ctx(t), p.SiteID, p.ID, visitor)
	must(t, "ClaimCode "+visitor, err)
	return code
}

var codePoolTests = []test{
	{"create, get and list", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		first := createPool(t, st, newPool(site.ID, "Весна <b>"), []string{"A1", "B2", "A1", "C3"})
		wantCounts(t, st, first, 3, 0)
		second := newPool(site.ID, "empty")
		second.CreatedAt = first.CreatedAt.Add(time.Second)
		createPool(t, st, second, nil)
		wantCounts(t, st, second, 0, 0)

		list, err := st.ListCodePools(ctx(t), site.ID)
		must(t, "ListCodePools", err)
		if len(list) != 2 || list[0].ID != first.ID || list[1].ID != second.ID || list[0].Total != 3 || list[0].Name != "Весна <b>" {
			t.Fatalf("ListCodePools = %+v, want the two pools oldest first", list)
		}
		other := createSite(t, st)
		if list, _ := st.ListCodePools(ctx(t), other.ID); len(list) != 0 {
			t.Fatalf("another site lists %+v", list)
		}
		_, err = st.GetCodePool(ctx(t), other.ID, first.ID)
		wantErr(t, "GetCodePool under another site", err, store.ErrNotFound)
		_, err = st.ClaimCode(ctx(t), other.ID, first.ID, "v1")
		wantErr(t, "ClaimCode under another site", err, store.ErrNotFound)
	}},
	{"create refuses a missing site and a taken ID", func(t *testing.T, st store.Store) {
		wantErr(t, "CreateCodePool without site", st.CreateCodePool(ctx(t), newPool(newID("site"), "x"), []string{"A"}, store.MaxPoolCodes), store.ErrNotFound)
		site := createSite(t, st)
		p := createPool(t, st, newPool(site.ID, "first"), []string{"A"})
		again := p
		again.Name = "second"
		wantErr(t, "CreateCodePool with a taken ID", st.CreateCodePool(ctx(t), again, []string{"B", "C"}, store.MaxPoolCodes), store.ErrConflict)
		wantCounts(t, st, p, 1, 0)
	}},
	{"add codes ignores duplicates", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		p := createPool(t, st, newPool(site.ID, "p"), []string{"A", "B"})
		if code := claimCode(t, st, p, "v1"); code != "A" {
			t.Fatalf("first claim got %q, want the oldest code A", code)
		}
		added, total, err := st.AddCodes(ctx(t), site.ID, p.ID, []string{"A", "B", "C", "D", "C"}, store.MaxPoolCodes)
		must(t, "AddCodes", err)
		if added != 2 || total != 4 {
			t.Fatalf("AddCodes = added %d, total %d; want 2 and 4 (A, B known, C twice)", added, total)
		}
		wantCounts(t, st, p, 4, 1)
		// A handed out code stays known: adding it again does not hand it out twice.
		for i, want := range []string{"B", "C", "D"} {
			if code := claimCode(t, st, p, fmt.Sprintf("v%d", i+2)); code != want {
				t.Fatalf("claim %d got %q, want %q", i+2, code, want)
			}
		}
		_, err = st.ClaimCode(ctx(t), site.ID, p.ID, "v5")
		wantErr(t, "ClaimCode of a drained pool", err, store.ErrPoolEmpty)
		_, _, err = st.AddCodes(ctx(t), site.ID, newID("pool"), []string{"E"}, store.MaxPoolCodes)
		wantErr(t, "AddCodes to a missing pool", err, store.ErrNotFound)
	}},
	{"codes are handed out in the order added", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		p := createPool(t, st, newPool(site.ID, "p"), []string{"Z9", "A1"})
		_, _, err := st.AddCodes(ctx(t), site.ID, p.ID, []string{"M5", "B2"}, store.MaxPoolCodes)
		must(t, "AddCodes", err)
		var got []string
		for i := range 4 {
			got = append(got, claimCode(t, st, p, fmt.Sprintf("visitor-%d", i)))
		}
		if fmt.Sprint(got) != "[Z9 A1 M5 B2]" {
			t.Fatalf("codes handed out %v, want the order they were added in", got)
		}
	}},
	{"a visitor's repeat claim gets the same code", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		p := createPool(t, st, newPool(site.ID, "p"), []string{"ONLY-1"})
		code := claimCode(t, st, p, "visitor \"one\" ✓")
		if again := claimCode(t, st, p, "visitor \"one\" ✓"); again != code {
			t.Fatalf("repeat claim got %q, want %q", again, code)
		}
		wantCounts(t, st, p, 1, 1)
		_, err := st.ClaimCode(ctx(t), site.ID, p.ID, "visitor two")
		wantErr(t, "another visitor's claim", err, store.ErrPoolEmpty)
		// The first visitor still gets theirs from the empty pool.
		if again := claimCode(t, st, p, "visitor \"one\" ✓"); again != code {
			t.Fatalf("repeat claim from an empty pool got %q, want %q", again, code)
		}
		// A visitor whose ID is a prefix of another's is another visitor.
		_, err = st.ClaimCode(ctx(t), site.ID, p.ID, "visitor")
		wantErr(t, "claim by a prefix of a visitor ID", err, store.ErrPoolEmpty)
	}},
	{"pools do not share codes or visitors", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		a := createPool(t, st, newPool(site.ID, "a"), []string{"SAME"})
		b := createPool(t, st, newPool(site.ID, "b"), []string{"SAME", "B2"})
		if claimCode(t, st, a, "v1") != "SAME" || claimCode(t, st, b, "v1") != "SAME" {
			t.Fatal("one code in two pools: each pool hands it out once")
		}
		wantCounts(t, st, a, 1, 1)
		wantCounts(t, st, b, 2, 1)
	}},
	{"a pool is bounded", func(t *testing.T, st store.Store) {
		// The bound is the caller's (the API passes store.MaxPoolCodes); a
		// small one keeps the test quick.
		const limit = 5
		site := createSite(t, st)
		wantErr(t, "CreateCodePool too big", st.CreateCodePool(ctx(t), newPool(site.ID, "big"), codes("x", limit+1), limit), store.ErrPoolFull)
		if list, _ := st.ListCodePools(ctx(t), site.ID); len(list) != 0 {
			t.Fatalf("a refused pool was stored: %+v", list)
		}
		p := newPool(site.ID, "p")
		must(t, "CreateCodePool at the bound with repeats", st.CreateCodePool(ctx(t), p, append(codes("a", limit-2), "a-0"), limit))
		claimCode(t, st, p, "v1")
		_, _, err := st.AddCodes(ctx(t), site.ID, p.ID, []string{"a-0", "n1", "n2", "n3"}, limit)
		wantErr(t, "AddCodes past the bound", err, store.ErrPoolFull)
		wantCounts(t, st, p, limit-2, 1)
		added, total, err := st.AddCodes(ctx(t), site.ID, p.ID, []string{"a-0", "n1", "n2", "n1"}, limit)
		must(t, "AddCodes up to the bound", err)
		if added != 2 || total != limit {
			t.Fatalf("AddCodes = %d, %d; want 2, %d", added, total, limit)
		}
		wantCounts(t, st, p, limit, 1)
	}},
	{"bad codes and IDs are refused", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		for _, bad := range []string{"", "with space", "nul\x00", "zero\u200bwidth", "tab\t", strings.Repeat("Ж", store.MaxCodeLen+1), "\xff"} {
			if err := st.CreateCodePool(ctx(t), newPool(site.ID, "p"), []string{"OK", bad}, store.MaxPoolCodes); err == nil {
				t.Fatalf("CreateCodePool took the code %q", bad)
			}
		}
		if list, _ := st.ListCodePools(ctx(t), site.ID); len(list) != 0 {
			t.Fatalf("refused pools were stored: %+v", list)
		}
		p := createPool(t, st, newPool(site.ID, "p"), []string{"OK", "ВЕСНА-20", strings.Repeat("Ж", store.MaxCodeLen)})
		if _, err := st.ClaimCode(ctx(t), site.ID, p.ID, "a\x00b"); err == nil {
			t.Fatal("ClaimCode took a visitor ID with a NUL")
		}
		// A pool ID no pool can have (from a URL) is simply not found.
		for _, id := range []string{"", "a\x00b", p.ID + "\x01"} {
			_, err := st.GetCodePool(ctx(t), site.ID, id)
			wantErr(t, fmt.Sprintf("GetCodePool %q", id), err, store.ErrNotFound)
			_, _, err = st.AddCodes(ctx(t), site.ID, id, []string{"X"}, store.MaxPoolCodes)
			wantErr(t, fmt.Sprintf("AddCodes %q", id), err, store.ErrNotFound)
			_, err = st.ClaimCode(ctx(t), site.ID, id, "v1")
			wantErr(t, fmt.Sprintf("ClaimCode %q", id), err, store.ErrNotFound)
			wantErr(t, fmt.Sprintf("DeleteCodePool %q", id), st.DeleteCodePool(ctx(t), site.ID, id), store.ErrNotFound)
		}
		wantCounts(t, st, p, 3, 0)
		if code := claimCode(t, st, p, "v1"); code != "OK" {
			t.Fatalf("claim got %q, want OK", code)
		}
		if code := claimCode(t, st, p, "v2"); code != "ВЕСНА-20" {
			t.Fatalf("claim got %q, want ВЕСНА-20 whole", code)
		}
	}},
	{"delete a pool", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		p := createPool(t, st, newPool(site.ID, "p"), []string{"A", "B"})
		keep := createPool(t, st, newPool(site.ID, "keep"), []string{"A"})
		claimCode(t, st, p, "v1")
		must(t, "DeleteCodePool", st.DeleteCodePool(ctx(t), site.ID, p.ID))
		_, err := st.GetCodePool(ctx(t), site.ID, p.ID)
		wantErr(t, "GetCodePool after delete", err, store.ErrNotFound)
		_, err = st.ClaimCode(ctx(t), site.ID, p.ID, "v1")
		wantErr(t, "ClaimCode after delete", err, store.ErrNotFound)
		wantErr(t, "DeleteCodePool twice", st.DeleteCodePool(ctx(t), site.ID, p.ID), store.ErrNotFound)
		wantCounts(t, st, keep, 1, 0)
		// The ID may be used again, and starts with nothing of the old pool.
		createPool(t, st, p, []string{"C"})
		wantCounts(t, st, p, 1, 0)
		if code := claimCode(t, st, p, "v1"); code != "C" {
			t.Fatalf("a pool made again under the old ID gave v1 %q, want its new code C", code)
		}
	}},
	{"deleting the site deletes its pools", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		p := createPool(t, st, newPool(site.ID, "p"), []string{"A"})
		claimCode(t, st, p, "v1")
		must(t, "DeleteSite", st.DeleteSite(ctx(t), site.ID))
		must(t, "CreateSite again", st.CreateSite(ctx(t), site))
		if list, _ := st.ListCodePools(ctx(t), site.ID); len(list) != 0 {
			t.Fatalf("pools outlived their site: %+v", list)
		}
		_, err := st.ClaimCode(ctx(t), site.ID, p.ID, "v1")
		wantErr(t, "ClaimCode after the site was deleted", err, store.ErrNotFound)
	}},
	{"concurrent claims hand out each code once", func(t *testing.T, st store.Store) {
		const visitors, stock = 200, 150
		site := createSite(t, st)
		p := createPool(t, st, newPool(site.ID, "race"), codes("R", stock))
		got := make([]string, visitors)
		errs := make([]error, visitors)
		var wg sync.WaitGroup
		for i := range visitors {
			wg.Go(func() { got[i], errs[i] = st.ClaimCode(ctx(t), site.ID, p.ID, fmt.Sprintf("v%d", i)) })
		}
		wg.Wait()
		owner := map[string]int{}
		empty := 0
		for i, err := range errs {
			switch {
			case errors.Is(err, store.ErrPoolEmpty):
				empty++
			case err != nil:
				t.Fatalf("claim %d: %v", i, err)
			default:
				if prev, taken := owner[got[i]]; taken {
					t.Fatalf("code %s went to visitors %d and %d", got[i], prev, i)
				}
				owner[got[i]] = i
			}
		}
		if len(owner) != stock || empty != visitors-stock {
			t.Fatalf("%d distinct codes and %d empty answers, want %d and %d", len(owner), empty, stock, visitors-stock)
		}
		wantCounts(t, st, p, stock, stock)
		// Racing repeats of every visitor get what each got first.
		again := make([]string, visitors)
		for i := range visitors {
			wg.Go(func() { again[i], errs[i] = st.ClaimCode(ctx(t), site.ID, p.ID, fmt.Sprintf("v%d", i)) })
		}
		wg.Wait()
		for i := range visitors {
			if got[i] == "" {
				wantErr(t, fmt.Sprintf("repeat of empty-handed visitor %d", i), errs[i], store.ErrPoolEmpty)
			} else if again[i] != got[i] || errs[i] != nil {
				t.Fatalf("visitor %d: repeat got %q (%v), want %q", i, again[i], errs[i], got[i])
			}
		}
	}},
}

package redisstore

import (
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// TestSocialProofKeysShareTheSiteSlot: events, their counts and presence
// live in the site's slot, so add_events.lua, count_notice.lua and the
// presence scripts run on one Cluster node, and DeleteSite removes the
// events with the site.
func TestSocialProofKeysShareTheSiteSlot(t *testing.T) {
	ts := newTestStore(t)
	ctx := t.Context()
	site, _, _ := fixtures("s1")
	if err := ts.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.AddEvents(ctx, "s1", []store.Event{{ID: "a", Type: "purchase", Time: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := ts.CountNotice(ctx, "s1", "a", store.NoticeClick); err != nil {
		t.Fatal(err)
	}
	if err := ts.ReportPresence(ctx, "r1", "s1", map[string]int{"/": 1}, time.Minute); err != nil {
		t.Fatal(err)
	}
	p := ts.prefix
	want := map[string]bool{p + ":{s:s1}:spevents": true, p + ":{s:s1}:sptimes": true, p + ":{s:s1}:spnotices": true, p + ":{s:s1}:presence": true}
	for _, key := range keysUnder(t, ts.client, p) {
		if want[key] && hashTag(key) != "s:s1" {
			t.Errorf("%s hashes on %q", key, hashTag(key))
		}
		delete(want, key)
	}
	if len(want) != 0 {
		t.Fatalf("keys not written: %v", want)
	}
	if ttl := ts.client.PTTL(ctx, p+":{s:s1}:presence").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("presence key ttl %v, want it to expire with its entries", ttl)
	}
	if err := ts.DeleteSite(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	for _, key := range keysUnder(t, ts.client, p) {
		if key != p+":{s:s1}:presence" && key != p+":sites" {
			t.Errorf("%s left after DeleteSite", key)
		}
	}
}

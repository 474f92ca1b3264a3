package callback_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
)

// TestMachineAfterConnected: a provider whose machine verdict comes after
// it reported the visitor answered (the request is connected) still gets
// the attempt ended as not reached: the next one is queued, the leg says
// machine, and the manager hears that voicemail answered and when the
// retry is.
func TestMachineAfterConnected(t *testing.T) {
	e := newEnv(t, `{"managers":[{"name":"Anna","phone":"+79000000010"}],"visitor_retries":1,"retry_delay_seconds":10,"machine_detection":true}`)
	ctx := context.Background()
	now := time.Now().UTC()
	c := store.Callback{ID: callback.NewID(), SiteID: e.site.ID, WidgetID: e.widget.ID, Phone: "+79161234567", VisitorID: "v1",
		DueAt: now, Status: callback.StatusConnected, Attempt: 1, Manager: "Anna", NextAt: now.Add(time.Hour), CreatedAt: now, UpdatedAt: now,
		Timeline: []store.Transition{{Status: "queued", At: now}, {Status: "calling_manager", At: now}, {Status: "manager_answered", At: now},
			{Status: "calling_visitor", At: now}, {Status: "connected", At: now}},
		Legs: []store.Leg{
			{ID: "m1", Kind: callback.LegManager, Attempt: 1, Phone: "+79000000010", Status: "confirmed", StartedAt: now},
			{ID: "v1", Kind: callback.LegVisitor, Attempt: 1, Phone: "+79161234567", Status: "answered", StartedAt: now},
		}}
	if _, _, err := e.st.CreateCallback(ctx, c, now); err != nil {
		t.Fatal(err)
	}
	ev := callback.Event{Ref: callback.LegRef{SiteID: e.site.ID, CallbackID: c.ID, LegID: "v1"}, Kind: callback.VisitorEnded, Outcome: callback.OutcomeMachine}
	reply, err := e.engine.Report(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.st.GetCallback(ctx, e.site.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := got.Timeline[len(got.Timeline)-1]
	if got.Status != callback.StatusQueued || last.Detail != "visitor_machine, retry 1 of 1" || got.Legs[1].Outcome != string(callback.OutcomeMachine) {
		t.Fatalf("%s (%q), visitor leg %+v; want queued for a retry after a machine", got.Status, last.Detail, got.Legs[1])
	}
	if in := i18n.In("en", 10*time.Second); reply.Action != callback.ActionHangup || !strings.Contains(reply.Say, "voicemail") || !strings.Contains(reply.Say, in) {
		t.Fatalf("the manager hears %q (%s), want voicemail and %q", reply.Say, reply.Action, in)
	}
	// The same verdict again (the dialed webhook) changes nothing and says the same.
	again, err := e.engine.Report(ctx, ev)
	if err != nil || again.Say != reply.Say {
		t.Fatalf("repeated: %q %v", again.Say, err)
	}
	if after, _ := e.st.GetCallback(ctx, e.site.ID, c.ID); len(after.Timeline) != len(got.Timeline) {
		t.Fatalf("the repeat added steps: %+v", after.Timeline)
	}
}

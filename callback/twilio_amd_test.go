package callback_test

// Answering machines through the real Twilio provider and twiliofake.

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// saidToManager is the last thing the manager at phone heard.
func saidToManager(fake *twiliofake.Fake, phone string) string {
	var said []string
	for _, c := range fake.Calls() {
		if c.To == phone && c.Direction == "outbound-api" {
			said = c.SaidTexts()
		}
	}
	if len(said) == 0 {
		return ""
	}
	return said[len(said)-1]
}

// TestTwilioVoicemail: a voicemail picks up the visitor's call. In either
// order of Twilio's events (asynchronous detection: in-progress, then the
// verdict; synchronous: the verdict in in-progress) the request is never
// connected, the machine is hung up, the attempt ends not reached and the
// next one is scheduled per visitor_retries (or the request fails
// visitor_no_answer); Anna hears that voicemail answered and when the retry
// is; analytics count nothing connected.
func TestTwilioVoicemail(t *testing.T) {
	const visitor = "+79161234567"
	for _, order := range []struct {
		name string
		sync bool
	}{{"asynchronous", false}, {"synchronous", true}} {
		for _, retries := range []int{1, 0} {
			t.Run(order.name+"/retries="+string(rune('0'+retries)), func(t *testing.T) {
				servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
					ts, fake := twilioServerWith(t, newStore(t), twiliofake.Options{SyncAMD: order.sync})
					// The machine would record for an hour: only detection ends it.
					fake.Script(visitor, twiliofake.Behavior{Answer: true, RingFor: 20 * time.Millisecond,
						AnsweredBy: "machine_end_beep", TalkFor: time.Hour})
					siteID, key, _ := ts.CallbackSite(`,"machine_detection":true,"retry_delay_seconds":10,"visitor_retries":` + string(rune('0'+retries)))
					r := ts.PostCallback(key, map[string]any{"phone": visitor, "visitor_id": "v1"})
					servertest.ExpectStatus(t, r, http.StatusAccepted)
					id := r.JSON(t)["id"].(string)
					cb := ts.waitCallback(siteID, id, fake, func(cb store.Callback) bool {
						return (cb.Status == callback.StatusQueued && cb.Attempt == 1 || callback.Final(cb.Status)) &&
							slices.ContainsFunc(cb.Legs, func(l store.Leg) bool { return l.Kind == callback.LegVisitor && !l.EndedAt.IsZero() })
					})

					if slices.Contains(statuses(cb), callback.StatusConnected) {
						t.Fatalf("a voicemail counted as connected: %v", statuses(cb))
					}
					v := cb.Legs[len(cb.Legs)-1]
					if v.Kind != callback.LegVisitor || v.Outcome != string(callback.OutcomeMachine) {
						t.Fatalf("visitor leg %+v, want ended by a machine", v)
					}
					child := fake.Calls()[len(fake.Calls())-1]
					if child.To != visitor || child.AnsweredBy != "machine_end_beep" || child.EndedAt.Sub(child.AnsweredAt) > 5*time.Second {
						t.Fatalf("the machine was not hung up: %+v", child)
					}
					heard := saidToManager(fake, "+79000000010")
					switch retries {
					case 1:
						if cb.Status != callback.StatusQueued || cb.DueAt.Sub(v.EndedAt).Round(time.Second) != 10*time.Second {
							t.Fatalf("%s due %v after the machine, want queued 10 s later", cb.Status, cb.DueAt.Sub(v.EndedAt))
						}
						if in := i18n.In("ru", 10*time.Second); !strings.Contains(heard, "автоответчик") || !strings.Contains(heard, in) {
							t.Fatalf("Anna heard %q: not that voicemail answered and the retry is %q", heard, in)
						}
					case 0:
						if cb.Status != callback.StatusFailed || cb.Reason != callback.ReasonVisitorNoAnswer {
							t.Fatalf("%s/%s, want failed/visitor_no_answer", cb.Status, cb.Reason)
						}
						if !strings.Contains(heard, "автоответчик") {
							t.Fatalf("Anna heard %q: not that voicemail answered", heard)
						}
					}

					a := ts.Admin("GET", "/api/v1/sites/"+siteID+"/analytics/callbacks?days=30", nil)
					servertest.ExpectStatus(t, a, http.StatusOK)
					total := a.JSON(t)["analytics"].(map[string]any)["total"].(map[string]any)
					if total["requests"] != float64(1) || total["connected"] != float64(0) {
						t.Fatalf("analytics %v, want 1 request, 0 connected", total)
					}
				})
			})
		}
	}
}

// TestTwilioManagerHearsWhy: after a busy line, no answer and a voicemail
// the manager hears three different messages.
func TestTwilioManagerHearsWhy(t *testing.T) {
	const visitor = "+79161234567"
	heard := map[string]string{}
	for _, tc := range []struct {
		name string
		b    twiliofake.Behavior
	}{
		{"busy", twiliofake.Behavior{Busy: true}},
		{"no answer", twiliofake.Behavior{NoAnswer: true, RingFor: 30 * time.Millisecond}},
		{"voicemail", twiliofake.Behavior{Answer: true, Machine: true, TalkFor: time.Hour}},
	} {
		ts, fake := twilioServer(t, servertest.NewStore(t, "embedded"))
		fake.Script(visitor, tc.b)
		siteID, key, _ := ts.CallbackSite(`,"machine_detection":true,"visitor_retries":0`)
		id := ts.PostCallback(key, map[string]any{"phone": visitor, "visitor_id": "v1"}).JSON(t)["id"].(string)
		ts.settled(siteID, id, fake)
		heard[tc.name] = saidToManager(fake, "+79000000010")
	}
	if heard["busy"] == heard["no answer"] || heard["busy"] == heard["voicemail"] || heard["no answer"] == heard["voicemail"] ||
		strings.Contains(heard["busy"], "не ответил") {
		t.Fatalf("the manager cannot tell why: %q", heard)
	}
}

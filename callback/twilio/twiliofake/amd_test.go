package twiliofake_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
)

// dialWithAMD is TwiML that dials +300 with machine detection, its status
// and verdict going to /vstatus and /amd.
const dialWithAMD = `<Response><Dial><Number statusCallback="/vstatus" statusCallbackEvent="initiated ringing answered completed"` +
	` machineDetection="Enable" amdStatusCallback="/amd">+300</Number></Dial></Response>`

// hitsOf lists "path:CallStatus:AnsweredBy" of the hits about sid.
func hitsOf(a *app, sid string) []string {
	var out []string
	for _, h := range a.Hits() {
		if h.Get("CallSid") == sid {
			out = append(out, h.Get("hook")+":"+h.Get("CallStatus")+":"+h.Get("AnsweredBy"))
		}
	}
	return out
}

// TestMachineDetectionOrder: asynchronous detection posts in-progress
// first and the verdict after it; synchronous detection has the verdict in
// the in-progress callback already. Both on a <Number> and on a call
// created with AsyncAmd.
func TestMachineDetectionOrder(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sync    bool
		verdict string
		want    []string
	}{
		{"number, asynchronous", false, "machine_end_beep", []string{
			"/vstatus:initiated:", "/vstatus:ringing:", "/vstatus:in-progress:",
			"/amd::machine_end_beep", "/vstatus:completed:machine_end_beep"}},
		{"number, synchronous", true, "machine_end_beep", []string{
			"/vstatus:initiated:", "/vstatus:ringing:", "/vstatus:in-progress:machine_end_beep",
			"/amd::machine_end_beep", "/vstatus:completed:machine_end_beep"}},
		{"number, asynchronous, human", false, "human", []string{
			"/vstatus:initiated:", "/vstatus:ringing:", "/vstatus:in-progress:",
			"/amd::human", "/vstatus:completed:human"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := twiliofake.New(twiliofake.Options{Second: 10 * time.Millisecond, SyncAMD: tc.sync})
			t.Cleanup(f.Close)
			a := newApp(t, f.AuthToken(), dialWithAMD)
			f.Script("+300", twiliofake.Behavior{Answer: true, AnsweredBy: tc.verdict, TalkFor: 100 * time.Millisecond})
			_, res := api(t, f, "POST", "/Calls.json", url.Values{"To": {"+100"}, "From": {"+200"}, "Url": {a.srv.URL + "/answer"}}, f.AuthToken())
			parent, ok := f.WaitEnded(res["sid"].(string), 5*time.Second)
			if !ok || len(parent.Children) != 1 {
				t.Fatalf("parent %+v", parent)
			}
			child, _ := f.Call(parent.Children[0])
			if child.AnsweredBy != tc.verdict || child.AsyncAmd == tc.sync || child.AmdStatusCallback != a.srv.URL+"/amd" {
				t.Errorf("child %+v", child)
			}
			if got := hitsOf(a, child.SID); !slices.Equal(got, tc.want) {
				t.Errorf("webhooks %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("API, AsyncAmd", func(t *testing.T) {
		f := newFake(t)
		a := newApp(t, f.AuthToken(), `<Response><Pause length="10"/></Response>`)
		f.Script("+100", twiliofake.Behavior{Answer: true, Machine: true})
		_, res := api(t, f, "POST", "/Calls.json", url.Values{
			"To": {"+100"}, "From": {"+200"}, "Url": {a.srv.URL + "/answer"},
			"StatusCallback": {a.srv.URL + "/status"}, "StatusCallbackEvent": {"answered", "completed"},
			"MachineDetection": {"Enable"}, "AsyncAmd": {"true"}, "AsyncAmdStatusCallback": {a.srv.URL + "/amd"},
		}, f.AuthToken())
		sid := res["sid"].(string)
		if _, ok := f.WaitEnded(sid, 5*time.Second); !ok {
			t.Fatal("call did not end")
		}
		// The TwiML is fetched at once, before detection has decided.
		want := []string{"/status:in-progress:", "/answer:in-progress:", "/amd::machine_start", "/status:completed:machine_start"}
		f.WaitFor(func() bool { return len(hitsOf(a, sid)) >= len(want) }, 5*time.Second)
		if got := hitsOf(a, sid); !slices.Equal(got, want) {
			t.Errorf("webhooks %v, want %v", got, want)
		}
	})
}

// TestProviderClock: status callbacks carry Twilio's clock, in whole
// seconds; creates record the caller id asked for.
func TestProviderClock(t *testing.T) {
	clock := time.Date(2001, 2, 3, 4, 5, 6, 789e6, time.UTC)
	f := twiliofake.New(twiliofake.Options{Second: 10 * time.Millisecond, Now: func() time.Time { return clock }})
	t.Cleanup(f.Close)
	a := newApp(t, f.AuthToken(), `<Response/>`)
	_, res := api(t, f, "POST", "/Calls.json", url.Values{"To": {"+100"}, "From": {"+200"}, "Url": {a.srv.URL + "/answer"},
		"StatusCallback": {a.srv.URL + "/status"}}, f.AuthToken())
	sid := res["sid"].(string)
	if _, ok := f.WaitEnded(sid, 5*time.Second); !ok {
		t.Fatal("call did not end")
	}
	f.WaitFor(func() bool { return len(a.Hits()) == 2 }, 5*time.Second)
	for _, h := range a.Hits() {
		if h.Get("hook") == "/status" && h.Get("Timestamp") != "Sat, 03 Feb 2001 04:05:06 +0000" {
			t.Errorf("Timestamp %q", h.Get("Timestamp"))
		}
	}
	if c := f.Creates(); len(c) != 1 || c[0].From != "+200" || c[0].Status != http.StatusCreated {
		t.Errorf("creates %+v", c)
	}
}

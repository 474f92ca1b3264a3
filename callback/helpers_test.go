package callback_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/twilio"
	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// shopOrigin is the origin of the sites CallbackSite makes.
const shopOrigin = "https://shop.example"

// testServer is a running server with the callback widget's requests in
// the words of its tests.
type testServer struct{ *servertest.Server }

// startServer runs a server on st with the simulator's fast calls;
// configure may adjust the configuration.
func startServer(t testing.TB, st store.Store, configure func(*config.Config)) *testServer {
	t.Helper()
	return &testServer{servertest.Start(t, st, servertest.Options{Config: configure})}
}

// startWith runs a server on st with the server options so, whose
// callback widget places calls through prov with the module's further
// options mo (its provider, workers and webhook rule are filled in from
// the configuration, as cmd/beckon does).
func startWith(t testing.TB, st store.Store, prov callback.Provider, mo callback.ModuleOptions, so servertest.Options) *testServer {
	t.Helper()
	so.Modules = func(cfg config.Config) []widgets.Module {
		mo.Provider, mo.Workers, mo.AllowPrivateWebhooks = prov, cfg.CallbackWorkers, cfg.WebhookAllowPrivate
		mods := servertest.Modules(cfg, prov)
		for i, m := range mods {
			if m.Type() == "callback" {
				mods[i] = callback.NewModule(mo)
			}
		}
		return mods
	}
	return &testServer{servertest.Start(t, st, so)}
}

// twilioServer runs a server whose telephony is the real Twilio provider
// (twilio-go) against a local fake of Twilio's REST API, which calls the
// server's webhooks back signed the way Twilio signs them.
func twilioServer(t testing.TB, st store.Store, configure ...func(*config.Config)) (*testServer, *twiliofake.Fake) {
	t.Helper()
	return twilioServerWith(t, st, twiliofake.Options{}, configure...)
}

// twilioServerWith is twilioServer with the fake's options (its Second is
// 20 ms unless set).
func twilioServerWith(t testing.TB, st store.Store, fo twiliofake.Options, configure ...func(*config.Config)) (*testServer, *twiliofake.Fake) {
	t.Helper()
	if fo.Second == 0 {
		fo.Second = 20 * time.Millisecond
	}
	fake := twiliofake.New(fo)
	t.Cleanup(fake.Close)
	ts := &testServer{servertest.Start(t, st, servertest.Options{
		OwnPublicURL: true, // Twilio calls the server back there
		Config: func(c *config.Config) {
			for _, f := range configure {
				f(c)
			}
		},
		Modules: func(cfg config.Config) []widgets.Module {
			prov, err := twilio.New(twilio.Options{AccountSID: fake.AccountSID(), AuthToken: fake.AuthToken(),
				From: "+15005550006", PublicURL: cfg.PublicURL, APIBaseURL: fake.URL(),
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			return servertest.Modules(cfg, prov)
		},
	})}
	return ts, fake
}

// waitStatus polls the visitor's view until the request is final.
func (ts *testServer) waitStatus(key, id, visitor string) map[string]any {
	ts.T.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := ts.Request("GET", "/w/v1/"+key+"/callbacks/"+id+"?visitor_id="+visitor, nil)
		servertest.ExpectStatus(ts.T, r, http.StatusOK)
		v := r.JSON(ts.T)
		if callback.Final(v["status"].(string)) {
			return v
		}
		if time.Now().After(deadline) {
			ts.T.Fatalf("request still %v after 10 s", v["status"])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// adminCallback reads the whole stored request.
func (ts *testServer) adminCallback(siteID, id string) store.Callback {
	ts.T.Helper()
	var cb store.Callback
	r := ts.Admin("GET", "/api/v1/sites/"+siteID+"/callbacks/"+id, nil)
	servertest.ExpectStatus(ts.T, r, http.StatusOK)
	if err := json.Unmarshal(r.Body, &cb); err != nil {
		ts.T.Fatal(err)
	}
	return cb
}

// settled waits until the request is final and every call has ended.
func (ts *testServer) settled(siteID, id string, fake *twiliofake.Fake) store.Callback {
	ts.T.Helper()
	return ts.waitCallback(siteID, id, fake, func(cb store.Callback) bool {
		ended := callback.Final(cb.Status)
		for _, l := range cb.Legs {
			ended = ended && !l.EndedAt.IsZero()
		}
		return ended
	})
}

// waitCallback polls the stored request until cond holds and every call at
// the fake has ended.
func (ts *testServer) waitCallback(siteID, id string, fake *twiliofake.Fake, cond func(store.Callback) bool) store.Callback {
	ts.T.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		cb := ts.adminCallback(siteID, id)
		if cond(cb) && fake.WaitIdle(time.Second) {
			return ts.adminCallback(siteID, id)
		}
		if time.Now().After(deadline) {
			ts.T.Fatalf("request %s: condition not met: %s, timeline %+v, legs %+v", id, cb.Status, cb.Timeline, cb.Legs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// reached reports whether the visitor's view of a request passed status.
func reached(view map[string]any, status string) bool {
	for _, s := range view["timeline"].([]any) {
		if s.(map[string]any)["status"] == status {
			return true
		}
	}
	return false
}

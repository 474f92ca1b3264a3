package dashboard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store"
)

const ntBotToken = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// ntBot is the Telegram Bot API's sendMessage for one bot, as the server's
// tests fake it: a wrong token is 401, as Telegram answers.
type ntBot struct {
	*httptest.Server
	mu   sync.Mutex
	sent []map[string]any
}

func newNTBot(t *testing.T) *ntBot {
	f := &ntBot{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/bot"+ntBotToken+"/sendMessage" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		f.mu.Lock()
		f.sent = append(f.sent, m)
		f.mu.Unlock()
		io.WriteString(w, `{"ok":true,"result":{"message_id":1}}`)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *ntBot) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.sent) }

// ntReceiver is an owner's webhook endpoint answering with a status the
// test sets; it counts what it got.
type ntReceiver struct {
	*httptest.Server
	status atomic.Int32
	got    atomic.Int32
}

func newNTReceiver(t *testing.T, status int) *ntReceiver {
	f := &ntReceiver{}
	f.status.Store(int32(status))
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.got.Add(1)
		w.WriteHeader(int(f.status.Load()))
	}))
	t.Cleanup(f.Close)
	return f
}

// ntSite is a site on a server whose notifications reach local fakes, the
// operator signed in, an owner and a manager of the site.
type ntSite struct {
	d       *dash
	siteID  string
	op      *browser
	owner   *browser
	manager *browser
	bot     *ntBot
}

func newNTSite(t *testing.T, st store.Store, more ...func(*config.Config)) *ntSite {
	t.Helper()
	bot := newNTBot(t)
	d := startDash(t, st, func(c *config.Config) {
		c.WebhookAllowPrivate = true // the fakes listen on loopback
		c.TelegramAPIURL = bot.URL
		for _, f := range more {
			f(c)
		}
	})
	s := &ntSite{d: d, bot: bot, siteID: d.CreateSite("Цветы", "https://flowers.example")["id"].(string), op: d.browser(t, "operator")}
	s.op.setup()
	s.owner = s.join(t, "owner@flowers.example", store.RoleOwner)
	s.manager = s.join(t, "manager@flowers.example", store.RoleManager)
	return s
}

// join invites email with role and has them accept in a browser of their own.
func (s *ntSite) join(t *testing.T, email, role string) *browser {
	t.Helper()
	link := s.op.invite(s.siteID, email, role)
	b := s.d.browser(t, role)
	wantRedirect(t, role+" accepts", b.submit(link, link, url.Values{"password": {role + "-pass-1"}}), "/app/sites/"+s.siteID)
	return b
}

func (s *ntSite) path(rest string) string { return "/app/sites/" + s.siteID + rest }

// ntOutcome is the outcome endpoint's answer.
type ntOutcome struct {
	Done     bool   `json:"done"`
	OK       bool   `json:"ok"`
	State    string `json:"state"`
	Text     string `json:"text"`
	Detail   string `json:"detail"`
	Attempts int    `json:"attempts"`
}

// outcome polls the message's result as the page's script does, until it
// has an attempt after `after` (the sender tries at once; the wait bounds
// a broken test, it is not what is tested).
func (s *ntSite) outcome(t *testing.T, b *browser, id string, after int, lang string) ntOutcome {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		p := b.get(s.path("/notifications/outcome/"+id) + "?after=" + strconv.Itoa(after) + "&lang=" + lang)
		wantStatus(t, "outcome", p, http.StatusOK)
		var o ntOutcome
		if err := json.Unmarshal([]byte(p.Body), &o); err != nil {
			t.Fatalf("outcome %s: %v", p.Body, err)
		}
		if o.Done {
			return o
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s has no attempt after %d", id, after)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

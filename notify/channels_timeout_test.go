package notify

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// TestChannelTimeouts: a Bot API that never answers and an SMTP server
// that never greets are given up on after Options.Timeout, and the
// message is retried later, not lost and not stuck.
func TestChannelTimeouts(t *testing.T) {
	const timeout = 300 * time.Millisecond
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) }) // before Close, which waits for the handler
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn // accepted, never greeted
	acceptDone := make(chan struct{})
	go func() {
		defer close(acceptDone)
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		silent.Close()
		<-acceptDone
		for _, c := range conns {
			c.Close()
		}
	})
	port := silent.Addr().(*net.TCPAddr).Port

	for name, ch := range map[string]Channels{
		"telegram": {Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42", Events: []string{EventLeadSubmitted}}},
		"email":    {Email: &EmailChannel{To: []string{"owner@shop.example"}, Events: []string{EventLeadSubmitted}}},
	} {
		t.Run(name, func(t *testing.T) {
			st := backings["embedded"](t)()
			s, _ := channelSender(t, st, newClock(), ch, func(o *Options) {
				o.Timeout = timeout
				o.TelegramAPI = hung.URL
				o.SMTP = &SMTPConfig{Host: "127.0.0.1", Port: port, From: "beckon@example.com"}
			})
			run(t, s)
			publish(t, s, leadEvent("site-1"))
			a := waitLog(t, st, "site-1", 1)[0]
			n := notification(t, st, "site-1", a.NotificationID)
			if n.State != store.NotificationPending || a.NextAt.IsZero() || a.Error == "" || a.Duration < timeout || a.Duration > 10*timeout {
				t.Fatalf("after a hung %s: %+v, state %s", name, a, n.State)
			}
		})
	}
}

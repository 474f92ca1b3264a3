package dashboard_test

import (
	"net/http"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store/redisstore"
)

// TestStoreOutagePage: with Redis gone, a signed-in person's pages answer
// 503 with Retry-After and say, in their language, that the store is not
// answering, instead of the 500 "something went wrong"; once Redis is
// back the same pages work again.
func TestStoreOutagePage(t *testing.T) {
	t.Parallel()
	mr := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: mr.Addr(), MaxRetries: -1})
	t.Cleanup(func() { client.Close() })
	d := startDash(t, redisstore.New(client, "outage"), nil)
	op := d.browser(t, "operator")
	op.setup()
	wantStatus(t, "home before", op.get("/app/?lang=ru"), http.StatusOK)

	addr := mr.Addr()
	mr.Close()
	p := op.get("/app/")
	wantStatus(t, "home while Redis is down", p, http.StatusServiceUnavailable)
	if p.Header.Get("Retry-After") != "5" {
		t.Errorf("Retry-After %q, want 5", p.Header.Get("Retry-After"))
	}
	wantBody(t, "the outage page", p, "Хранилище данных сейчас не отвечает")

	if err := mr.StartAddr(addr); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "home after", op.get("/app/"), http.StatusOK)
}

package socialproof_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// docExample is the payload docs/SOCIAL_PROOF.md shows under
// <!-- example: name -->: what the doc shows is what the test posts. A
// form example's lines are joined, as the doc writes one field per line.
func docExample(t *testing.T, name string) string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/SOCIAL_PROOF.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- example: " + regexp.QuoteMeta(name) + " -->\\s*```[a-z]*\\n(.*?)```")
	m := re.FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/SOCIAL_PROOF.md has no example %q", name)
	}
	body := string(m[1])
	if !strings.HasPrefix(strings.TrimSpace(body), "{") {
		body = strings.ReplaceAll(body, "\n", "")
	}
	return body
}

// hook posts a shop's payload to the widget's webhook URL.
func (b *backend) hook(t *testing.T, secret, body, contentType string, headers ...string) servertest.Response {
	t.Helper()
	r := b.ts.Request("POST", "/hooks/social-proof/"+b.key+"/"+secret, []byte(body), append([]string{"Content-Type", contentType}, headers...)...)
	return r
}

// inboundWidget creates a widget with a shop webhook and returns its secret.
func (b *backend) inboundWidget(t *testing.T, inbound map[string]any) string {
	t.Helper()
	w := b.widget(t, map[string]any{"name_display": "first_initial", "inbound": inbound})
	return w["settings"].(map[string]any)["inbound"].(map[string]any)["secret"].(string)
}

func wooSign(body, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// result is the webhook's answer, failing unless it is 200.
func result(t *testing.T, r servertest.Response) string {
	t.Helper()
	servertest.ExpectStatus(t, r, http.StatusOK)
	s, _ := r.JSON(t)["result"].(string)
	return s
}

func TestWooCommerceWebhook(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		b := newBackend(t, newStore(t))
		const signing = "wc-webhook-secret"
		secret := b.inboundWidget(t, map[string]any{"platform": "woocommerce", "signing_secret": signing})
		live := b.listen(t)
		paid := docExample(t, "woocommerce-paid")
		const sig = "X-WC-Webhook-Signature"

		// WooCommerce's test when the webhook is saved: unsigned, no order.
		if got := result(t, b.hook(t, secret, "webhook_id=12", "application/x-www-form-urlencoded")); got != "ping" {
			t.Fatalf("ping: %s", got)
		}
		for _, bad := range [][]string{nil, {sig, wooSign(paid, "another-secret")}, {sig, wooSign(paid+" ", signing)}, {sig, "not base64!"}} {
			r := b.hook(t, secret, paid, "application/json", bad...)
			servertest.ExpectStatus(t, r, http.StatusUnauthorized)
		}
		if evs := b.events(t); len(evs) != 0 {
			t.Fatalf("unsigned deliveries stored %q", ids(evs))
		}

		if got := result(t, b.hook(t, secret, paid, "application/json", sig, wooSign(paid, signing))); got != "created" {
			t.Fatalf("paid order: %s", got)
		}
		evs := b.events(t)
		if len(evs) != 1 {
			t.Fatalf("events %q", ids(evs))
		}
		e := evs[0]
		if e.ID != "5821" || e.Type != "purchase" || e.Name != "Maria Ivanova" || e.City != "Bryansk" ||
			e.Product != "Apple Watch, red strap" || e.Image != "https://shop.example/wp-content/uploads/aw-red.jpg" ||
			e.Time.Format("2006-01-02T15:04:05") != "2026-11-30T09:58:41" || e.Source != "webhook" || e.WidgetID == "" {
			t.Fatalf("event %+v", e)
		}
		if m := next(t, live); m.Kind != "event" || m.Event.ID != "5821" {
			t.Fatalf("published %+v", m)
		}
		// WooCommerce sends the order again on every change: nothing new.
		if got := result(t, b.hook(t, secret, paid, "application/json", sig, wooSign(paid, signing))); got != "duplicate" {
			t.Fatalf("repeat: %s", got)
		}
		pending := strings.Replace(paid, `"status": "processing"`, `"status": "on-hold"`, 1)
		pending = strings.Replace(pending, `"id": 5821`, `"id": 5822`, 1)
		if got := result(t, b.hook(t, secret, pending, "application/json", sig, wooSign(pending, signing))); got != "ignored" {
			t.Fatalf("an order on hold: %s", got)
		}
		quiet(t, live)

		cancelled := docExample(t, "woocommerce-cancelled")
		if got := result(t, b.hook(t, secret, cancelled, "application/json", sig, wooSign(cancelled, signing))); got != "deleted" {
			t.Fatalf("cancelled order: %s", got)
		}
		if m := next(t, live); m.Kind != "delete" || m.ID != "5821" {
			t.Fatalf("published %+v, want the delete", m)
		}
		if evs := b.events(t); len(evs) != 0 {
			t.Fatalf("a cancelled order is still shown: %q", ids(evs))
		}
		if got := result(t, b.hook(t, secret, cancelled, "application/json", sig, wooSign(cancelled, signing))); got != "absent" {
			t.Fatalf("cancelled again: %s", got)
		}

		// An order deleted in WooCommerce: its id alone, under its own topic.
		if got := result(t, b.hook(t, secret, paid, "application/json", sig, wooSign(paid, signing))); got != "created" {
			t.Fatalf("paid again after the cancellation: %s", got)
		}
		next(t, live)
		deleted := `{"id":5821}`
		if got := result(t, b.hook(t, secret, deleted, "application/json", sig, wooSign(deleted, signing), "X-WC-Webhook-Topic", "order.deleted")); got != "deleted" {
			t.Fatalf("deleted order: %s", got)
		}
		if m := next(t, live); m.Kind != "delete" || m.ID != "5821" {
			t.Fatalf("published %+v, want the delete", m)
		}
	})
}

func TestTildaWebhook(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		b := newBackend(t, newStore(t))
		secret := b.inboundWidget(t, map[string]any{"platform": "tilda"})
		if got := result(t, b.hook(t, secret, "test=test", "application/x-www-form-urlencoded")); got != "ping" {
			t.Fatalf("Tilda's test: %s", got)
		}
		body := docExample(t, "tilda-paid")
		if got := result(t, b.hook(t, secret, body, "application/x-www-form-urlencoded")); got != "created" {
			t.Fatalf("paid form: %s", got)
		}
		evs := b.events(t)
		if len(evs) != 1 || evs[0].ID != "1904425" || evs[0].Name != "Maria Ivanova" || evs[0].City != "Bryansk" ||
			evs[0].Product != "Apple Watch, red strap" {
			t.Fatalf("events %+v", evs)
		}
		for _, leak := range []string{"999", "example.ru"} {
			if strings.Contains(mustJSON(t, evs[0]), leak) {
				t.Fatalf("the form's phone or e-mail was stored: %+v", evs[0])
			}
		}
		if got := result(t, b.hook(t, secret, body, "application/x-www-form-urlencoded")); got != "duplicate" {
			t.Fatalf("repeat: %s", got)
		}
	})
}

func TestInSalesWebhook(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		b := newBackend(t, newStore(t))
		secret := b.inboundWidget(t, map[string]any{"platform": "insales"})
		live := b.listen(t)
		paid := docExample(t, "insales-paid")
		unpaid := strings.Replace(paid, `"financial_status": "paid"`, `"financial_status": "pending"`, 1)
		if got := result(t, b.hook(t, secret, unpaid, "application/json")); got != "ignored" {
			t.Fatalf("an unpaid order: %s", got)
		}
		if got := result(t, b.hook(t, secret, paid, "application/json")); got != "created" {
			t.Fatalf("paid order: %s", got)
		}
		evs := b.events(t)
		if len(evs) != 1 || evs[0].ID != "38710245" || evs[0].Name != "Мария Иванова" || evs[0].City != "Брянск" ||
			evs[0].Product != "Apple Watch, красный ремешок" || evs[0].Time.UTC().Format("15:04:05") != "09:41:15" {
			t.Fatalf("events %+v", evs)
		}
		if m := next(t, live); m.Kind != "event" {
			t.Fatalf("published %+v", m)
		}
		if got := result(t, b.hook(t, secret, docExample(t, "insales-declined"), "application/json")); got != "deleted" {
			t.Fatalf("declined order: %s", got)
		}
		if m := next(t, live); m.Kind != "delete" || m.ID != "38710245" {
			t.Fatalf("published %+v", m)
		}
		if evs := b.events(t); len(evs) != 0 {
			t.Fatalf("a declined order is still shown: %q", ids(evs))
		}
	})
}

func TestWebhookFindsOnlyItsWidget(t *testing.T) {
	b := newBackend(t, servertest.NewStore(t, "embedded"))
	secret := b.inboundWidget(t, map[string]any{"platform": "custom", "mapping": map[string]string{"id": "order.number", "name": "order.customer"}})
	body := `{"order":{"number":"A-1","customer":"Oleg"}}`
	servertest.ExpectStatus(t, b.hook(t, secret+"x", body, "application/json"), http.StatusNotFound)
	servertest.ExpectStatus(t, b.hook(t, strings.ToUpper(secret), body, "application/json"), http.StatusNotFound)
	r := b.ts.Request("POST", "/hooks/social-proof/nokey/"+secret, body)
	servertest.ExpectStatus(t, r, http.StatusNotFound)
	r = b.hook(t, secret, `{"order":{"customer":"Oleg"}}`, "application/json")
	servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
	if f := r.ErrorField(t); f != "payload.id" {
		t.Fatalf("field %q", f)
	}
	servertest.ExpectStatus(t, b.hook(t, secret, "{not json", "application/json"), http.StatusUnprocessableEntity)
	if got := result(t, b.hook(t, secret, body, "application/json")); got != "created" {
		t.Fatalf("custom mapping: %s", got)
	}
	if evs := b.events(t); len(evs) != 1 || evs[0].ID != "A-1" || evs[0].Name != "Oleg" {
		t.Fatalf("events %+v", evs)
	}
}

package dashboard

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// logPageSize is how many messages one page of the delivery log shows.
const logPageSize = 50

// deliveryRow is one message of the log: its latest attempt, in words.
type deliveryRow struct {
	ID        string
	Channel   string // "widget" for a widget's notify_url
	EventType string
	URL       string // where it went, secrets masked by notify
	At        time.Time
	Attempts  int
	Outcome   outcome
}

// EventKey is the event's text key.
func (r deliveryRow) EventKey() string { return eventKey(r.EventType) }

type deliveryLogData struct {
	Site   store.Site
	Rows   []deliveryRow
	Failed bool // only messages not delivered
	Page   int
	Next   string // the next page's address, "" on the last
	Script string
	Texts  map[string]string
}

// deliveryRows groups the site's attempts (newest first) into one row per
// message, from its newest attempt.
func deliveryRows(l Lang, log []store.DeliveryAttempt) []deliveryRow {
	var rows []deliveryRow
	seen := map[string]bool{}
	for _, a := range log {
		if seen[a.NotificationID] {
			continue
		}
		seen[a.NotificationID] = true
		ch := a.Channel
		if ch == "" {
			ch = "widget"
		}
		rows = append(rows, deliveryRow{ID: a.NotificationID, Channel: ch, EventType: a.EventType, URL: a.URL,
			At: a.At, Attempts: a.Attempt, Outcome: outcomeOf(l, a)})
	}
	return rows
}

func (h *handler) deliveryLogPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	l := h.lang(c)
	page, err := strconv.Atoi(c.Query("page", "1"))
	if err != nil || page < 1 {
		page = 1
	}
	log, err := h.Store.ListDeliveries(c.UserContext(), site.ID, store.DeliveryLogSize)
	if err != nil {
		return h.fail(c, err)
	}
	d := deliveryLogData{Site: site, Failed: c.Query("failed") == "1", Page: page, Script: staticURL("notifications.js"), Texts: islandTexts(l)}
	rows := deliveryRows(l, log)
	if d.Failed {
		kept := rows[:0]
		for _, r := range rows {
			if !r.Outcome.OK {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	from := min((page-1)*logPageSize, len(rows))
	to := min(from+logPageSize, len(rows))
	d.Rows = rows[from:to]
	if to < len(rows) {
		d.Next = "/app/sites/" + site.ID + "/notifications/log?page=" + strconv.Itoa(page+1)
		if d.Failed {
			d.Next += "&failed=1"
		}
	}
	return h.render(c, http.StatusOK, "notifications_log", "nt_log_title", d)
}

// deliveryOutcome is GET …/notifications/outcome/{nid}?after=N, polled by
// notifications.js after "Send a test" or "Replay": done once the message
// has an attempt numbered above N, with that attempt's result in words.
func (h *handler) deliveryOutcome(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	after, _ := strconv.Atoi(c.Query("after"))
	ctx := c.UserContext()
	n, err := h.Store.GetNotification(ctx, site.ID, c.Params("nid"))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if n.Attempts <= after {
		return c.JSON(fiber.Map{"done": false})
	}
	// The newest attempts are at the top; a message's latest is among the
	// last few hundred unless the site sends very many at once.
	log, err := h.Store.ListDeliveries(ctx, site.ID, store.DeliveryLogSize)
	if err != nil {
		return h.fail(c, err)
	}
	for _, a := range log {
		if a.NotificationID == n.ID && a.Attempt > after {
			o := outcomeOf(h.lang(c), a)
			return c.JSON(fiber.Map{"done": true, "ok": o.OK, "state": o.State, "text": o.Text, "detail": o.Detail, "attempts": a.Attempt})
		}
	}
	return c.JSON(fiber.Map{"done": false})
}

package store

import (
	"context"
	"encoding/json"
	"time"
)

// Notification is a message to a site owner (lead.submitted,
// callback.missed …) for one destination, in the durable outbox: stored before anything is
// acknowledged, then delivered at least once by whichever replica claims it.
type Notification struct {
	ID       string `json:"id"` // the webhook-id, "msg_…": the same on every attempt
	SiteID   string `json:"site_id"`
	WidgetID string `json:"widget_id"` // whose notify_url and notify_secret it goes to
	// Channel is where it goes: "" the widget's notify_url; "webhook",
	// "telegram", "email", "bitrix24" the site's channel of that kind.
	Channel   string          `json:"channel,omitempty"`
	EventType string          `json:"event_type"`
	Body      json.RawMessage `json:"body"` // the signed payload, the same on every attempt
	CreatedAt time.Time       `json:"created_at"`
	// GiveUpAt is when retrying stops: a day after CreatedAt, or after the
	// last replay.
	GiveUpAt time.Time `json:"give_up_at"`
	State    string    `json:"state"` // NotificationPending, …Delivered, …Failed, …Cancelled
	Attempts int       `json:"attempts"`
	// NextAt is when a pending notification is next due.
	NextAt time.Time `json:"next_at,omitzero"`
	// Claim numbers the handouts (claims and replays). RecordDelivery
	// changes the state only for the latest one, so a late attempt never
	// overwrites what a replay or another replica's newer claim set.
	Claim int64 `json:"claim"`
}

// States of a Notification.
const (
	NotificationPending   = "pending"
	NotificationDelivered = "delivered"
	NotificationFailed    = "failed"    // a final answer, or retries used up
	NotificationCancelled = "cancelled" // the widget or its notify_url is gone
)

// DeliveryAttempt is one entry of a site's delivery log.
type DeliveryAttempt struct {
	NotificationID string        `json:"notification_id"`
	Channel        string        `json:"channel,omitempty"` // the notification's Channel
	EventType      string        `json:"event_type"`
	Attempt        int           `json:"attempt"` // 1 for the first attempt of the notification
	At             time.Time     `json:"at"`
	URL            string        `json:"url,omitempty"`
	Status         int           `json:"status,omitempty"` // the receiver's HTTP status; 0 when none came
	Error          string        `json:"error,omitempty"`
	Duration       time.Duration `json:"duration"`
	NextAt         time.Time     `json:"next_at,omitzero"` // zero: no further attempt
}

// Retention of the outbox: each site's log keeps its newest
// DeliveryLogSize attempts; a notification that is no longer pending is
// kept (for replay) until FinishedRetention after its last attempt.
const (
	DeliveryLogSize   = 1000
	FinishedRetention = 7 * 24 * time.Hour
)

// Outbox is the durable queue of owners' notifications, shared by every
// replica's senders.
type Outbox interface {
	// EnqueueNotification stores n as pending, due at n.NextAt; once it
	// returns nil, n is delivered whatever crashes next. ErrConflict when
	// n.ID is taken, so repeating an enqueue after an error is safe.
	EnqueueNotification(ctx context.Context, n Notification) error
	// ClaimNotifications hands out up to max pending notifications due at
	// now (the caller's clock), with Claim raised; each stays hidden from
	// other claims until now+lease, so one whose sender died is handed out
	// again after that.
	ClaimNotifications(ctx context.Context, now time.Time, max int, lease time.Duration) ([]Notification, error)
	// RecordDelivery appends a to n's site's log and, when n.Claim is still
	// the latest claim, stores n's State, Attempts and NextAt: a pending
	// notification becomes due at NextAt, any other leaves the queue. One
	// atomic step. ErrNotFound when the notification is gone.
	RecordDelivery(ctx context.Context, n Notification, a DeliveryAttempt) error
	// GetNotification reads one of a site's notifications; another site's
	// is ErrNotFound.
	GetNotification(ctx context.Context, siteID, id string) (Notification, error)
	// ReplayNotification makes one of a site's notifications pending again,
	// due at now and given up at giveUpAt, and raises its Claim so that an
	// attempt in flight cannot undo the replay. ErrNotFound when absent.
	ReplayNotification(ctx context.Context, siteID, id string, now, giveUpAt time.Time) (Notification, error)
	// ListDeliveries returns the site's log newest first, at most limit
	// entries (zero or less: all that are kept).
	ListDeliveries(ctx context.Context, siteID string, limit int) ([]DeliveryAttempt, error)
	// PendingNotifications counts the notifications not yet delivered or
	// given up, of every site.
	PendingNotifications(ctx context.Context) (int64, error)
}

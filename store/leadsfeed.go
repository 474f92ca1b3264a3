package store

import (
	"context"
	"encoding/json"
	"time"
)

// LeadAdded is the message published on LeadsChannel when a lead is
// stored: enough for a live inbox to say "a new lead" and fetch the row,
// never the visitor's data (pub/sub crosses the network to every replica).
type LeadAdded struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	WidgetID  string    `json:"widget_id"`
	CreatedAt time.Time `json:"created_at"`
}

// LeadsChannel is the pub/sub channel of a site's new leads.
func LeadsChannel(siteID string) string { return "leads:added:" + siteID }

// AnnounceLead publishes l as LeadAdded, best effort: pub/sub is a hint
// (the inbox is read from the store), so a failure is not the caller's.
// Both stores call it once a lead is newly created.
func AnnounceLead(ctx context.Context, ps PubSub, l Lead) {
	msg, err := json.Marshal(LeadAdded{ID: l.ID, Type: l.Type, WidgetID: l.WidgetID, CreatedAt: l.CreatedAt})
	if err != nil {
		return
	}
	_ = ps.Publish(context.WithoutCancel(ctx), LeadsChannel(l.SiteID), msg)
}

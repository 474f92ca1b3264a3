package notify

import (
	"encoding/json"
	"time"

	"github.com/beckonhq/beckon/store"
)

// SampleEvent is the "send a test" event of a site: a lead.submitted of
// the same shape as a quiz's, with every field a real one has, so a
// receiver built against the test handles real leads too.
func SampleEvent(siteID string, now time.Time) Event {
	now = now.UTC().Truncate(time.Second)
	lead := &store.Lead{
		ID: "ld_test", SiteID: siteID, WidgetID: "wdg_test", Type: "quiz", Status: store.LeadNew,
		VisitorID: "v_test",
		Contact:   store.LeadContact{Name: "Test Visitor", Phone: "+79000000000", Email: "visitor@example.com", Messenger: "@visitor"},
		Answers: []store.LeadAnswer{
			{Step: "rooms", Title: "How many rooms?", Value: json.RawMessage(`"r3"`), Text: "3 rooms"},
			{Step: "area", Title: "Area, m²", Value: json.RawMessage(`60`), Text: "60"},
		},
		Result:      &store.LeadResult{Screen: "standard", Title: "Standard renovation", Text: "About 420 000", Values: map[string]float64{"price": 420000}},
		Summary:     "Test: 3 rooms, 60 m², estimate 420 000",
		QuizVersion: 1, SessionID: "qs_test", Lang: "en",
		PageURL: "https://example.com/renovation?utm_source=test", Referrer: "https://www.google.com/",
		UTM:    map[string]string{"utm_source": "test", "utm_medium": "cpc", "utm_campaign": "notifications"},
		Hidden: map[string]string{"city": "Moscow"},
		Source: "test", IP: "192.0.2.1",
		Consent:   &store.Consent{Version: "test", TextID: "test", Lang: "en", Text: "I agree to the processing of my personal data (a test)", At: now, IP: "192.0.2.1"},
		CreatedAt: now, UpdatedAt: now,
	}
	return Event{Type: EventLeadSubmitted, SiteID: siteID, WidgetID: lead.WidgetID, Key: lead.ID, At: now, Lead: lead}
}

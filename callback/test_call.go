package callback

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// A test call is the owner's "call me now" from the dashboard: a request
// made by a person of the site rather than a visitor, worked by the same
// engine and provider as any other, so it proves the managers' phones,
// the whisper, the confirm digit and the bridge to the owner's own phone.
//
// It skips what guards visitors (consent, blocklist, the hourly limits per
// number, address and visitor, the daily budget): the caller is already
// signed in with widgets:write. It has its own limit instead, per site.
// It is marked so nobody mistakes it for a customer: its source is
// TestCallSource (the inbox's source column, the per-source analytics
// row), its visitor id starts with TestCallVisitorPrefix, its lead's
// summary says who started it, and its first timeline step does too.

// TestCallsPerHour bounds the test calls of one site per rolling hour: each
// one rings real phones and costs the provider's minutes.
const TestCallsPerHour = 5

// TestCallSource is the traffic source of every test call.
const TestCallSource = "test"

// TestCallVisitorPrefix starts the visitor id of a test call; the rest
// names who started it.
const TestCallVisitorPrefix = "test:"

// testCallInput is the body of POST …/widgets/{wid}/test-call.
type testCallInput struct {
	Phone string `json:"phone"`
	Name  string `json:"name"`
}

// IsTestCall reports whether request c is a test call from the dashboard.
func IsTestCall(c store.Callback) bool { return strings.HasPrefix(c.VisitorID, TestCallVisitorPrefix) }

// testCall is POST /api/v1/sites/{id}/widgets/{wid}/test-call (scope
// widgets:write): ring the widget's managers, then the phone in the body.
func (m *Module) testCall(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, "widgets:write"); err != nil {
		return err
	}
	ctx := c.UserContext()
	site, err := m.deps.Sites.ByID(ctx, id)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	w, ok := site.Widget(c.Params("wid"))
	set, isCallback := w.Parsed.(*Settings)
	if !ok || !isCallback {
		return api.NotFound("callback widget")
	}
	var in testCallInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	phone, err := checkPhone(in.Phone, site.Region, set.AllowedCallingCodes)
	if err != nil {
		return err
	}
	if err := validate.Line("name", in.Name, false, 100); err != nil {
		return err
	}
	now := m.deps.Now().UTC()
	if len(set.Managers) == 0 {
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "no_managers", Field: "managers",
			Message: "the widget has no managers to ring; add one and save first"}
	}
	if !set.OpenAt(now, site.Loc) {
		return &api.Error{Status: http.StatusUnprocessableEntity, Code: "no_manager_available",
			Message: "no manager works at this hour (see the working hours), so nobody would be rung"}
	}
	n, left, err := m.deps.Store.Incr(ctx, id, "cb:test-calls", time.Hour)
	if err != nil {
		return fmt.Errorf("callback: count test calls: %w", err)
	}
	if n > TestCallsPerHour {
		minutes := int(math.Ceil(left.Minutes()))
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message:    fmt.Sprintf("at most %d test calls per hour for a site; try again in %d min", TestCallsPerHour, minutes),
			RetryAfter: max(1, int(math.Ceil(left.Seconds())))}
	}
	caller := api.CallerOf(c)
	who := caller.Who()
	name := in.Name
	if name == "" {
		name = spokenName(caller)
	}
	cb := store.Callback{
		ID: newID(), SiteID: id, WidgetID: w.ID, Phone: phone, Name: name,
		VisitorID: TestCallVisitorPrefix + truncate(who, 59), IP: m.deps.ClientIP(c), Source: TestCallSource,
		DueAt: now, FirstDueAt: now, Status: StatusQueued,
		Timeline: []store.Transition{{Status: StatusQueued, At: now, Detail: "test call by " + who}},
		Legs:     []store.Leg{}, CreatedAt: now, UpdatedAt: now,
	}
	stored, created, err := m.deps.Store.CreateCallback(ctx, cb, now.Add(-DedupeWindow))
	if err != nil {
		return fmt.Errorf("callback: store test call: %w", err)
	}
	if !created && !IsTestCall(stored) {
		return &api.Error{Status: http.StatusConflict, Code: "call_in_progress",
			Message: "a visitor's call to this number is already under way"}
	}
	ensureLead(ctx, m.deps.Store, m.deps.Log, stored, "Test call from the dashboard by "+who)
	return c.Status(http.StatusAccepted).JSON(fiber.Map{"id": stored.ID, "status": stored.Status, "duplicate": !created})
}

// spokenName is who the manager's whisper names when the test gives no
// name: a person's name, else their e-mail's local part (a voice reading
// a whole address is noise), else the caller as the audit names it.
func spokenName(caller api.Caller) string {
	if u := caller.User; u != nil {
		if u.Name != "" {
			return u.Name
		}
		local, _, _ := strings.Cut(u.Email, "@")
		return local
	}
	return caller.Who()
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

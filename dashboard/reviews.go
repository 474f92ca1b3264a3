package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// The reviews page is the moderation queue: the page is read from the
// store here; publishing, hiding and answering go through the admin API
// from the page's script (moderation.js), which checks the caller's scope,
// refreshes the public widget's cache and writes the audit list.
const reviewsPageSize = 20

// pendingCountCap bounds how many pending reviews the tab counts: past
// it the tab says "99+", and no page load reads a long backlog.
const pendingCountCap = 99

// reviewTabs are the page's status tabs, pending first: what waits for
// a decision is what the owner comes for. "all" shows every status.
var reviewTabs = []string{store.ReviewPending, store.ReviewPublished, store.ReviewHidden, "all"}

// mountReviews adds the moderation page and the photos it shows.
func (h *handler) mountReviews(u fiber.Router) {
	u.Get("/sites/:id/reviews", h.reviewsPage)
	u.Get("/sites/:id/reviews/photos/:pid", h.reviewPhoto)
}

// reviewFilter is the page's GET parameters.
type reviewFilter struct {
	Status string // one of reviewTabs
	Rating int    // the lowest rating shown, 0: any
	Widget string
	after  store.ReviewCursor
}

// Query is the filter as URL parameters (without the cursor); with
// status set to tab when given.
func (f reviewFilter) Query(tab ...string) string {
	q := url.Values{}
	status := f.Status
	if len(tab) > 0 {
		status = tab[0]
	}
	q.Set("status", status)
	if f.Rating > 0 {
		q.Set("rating", strconv.Itoa(f.Rating))
	}
	if f.Widget != "" {
		q.Set("widget", f.Widget)
	}
	return q.Encode()
}

// parseReviewFilter reads and checks the filters; the text key names
// what is wrong.
func parseReviewFilter(c *fiber.Ctx) (reviewFilter, string) {
	f := reviewFilter{Status: c.Query("status", store.ReviewPending), Widget: c.Query("widget")}
	if !slices.Contains(reviewTabs, f.Status) {
		f.Status = store.ReviewPending
		return f, "rv_bad_filter"
	}
	if raw := c.Query("rating"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 5 {
			return f, "rv_bad_filter"
		}
		f.Rating = n
	}
	if len(f.Widget) > 100 {
		return f, "rv_bad_filter"
	}
	if v := c.Query("cursor"); v != "" {
		cur, ok := decodeInboxCursor(v)
		if !ok {
			return f, "rv_bad_filter"
		}
		f.after = store.ReviewCursor{CreatedAt: cur.CreatedAt, ID: cur.ID}
	}
	return f, ""
}

// reviewCard is one review as the page shows it.
type reviewCard struct {
	store.Review
	Widget string
}

// Stars is the rating drawn as five stars, filled up to the rating.
func (r reviewCard) Stars() string {
	n := min(max(r.Rating, 0), 5)
	return strings.Repeat("★", n) + strings.Repeat("☆", 5-n)
}

// reviewsData is the page's.
type reviewsData struct {
	Site        store.Site
	Filter      reviewFilter
	Tabs        []string
	Pending     string // how many await moderation ("99+" past the cap), for the tab
	Ratings     []int
	Widgets     []widgetOption
	Reviews     []reviewCard
	Next        string
	First       bool
	CanModerate bool
	Script      string
	CopyScript  string
}

func (h *handler) reviewsPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	ctx := c.UserContext()
	// leads:write, which moderating needs in the API, is what WorkInbox
	// grants (owners and managers).
	canModerate, err := h.acc.Can(ctx, user(c), site.ID, accounts.WorkInbox)
	if err != nil {
		return h.fail(c, err)
	}
	ws, err := h.Store.ListWidgets(ctx, site.ID)
	if err != nil {
		return h.fail(c, err)
	}
	d := reviewsData{Site: site, Tabs: reviewTabs, Ratings: []int{5, 4, 3, 2, 1}, CanModerate: canModerate,
		Script: staticURL("moderation.js"), CopyScript: staticURL("copy.js"), First: c.Query("cursor") == ""}
	names := map[string]string{}
	for _, w := range ws {
		names[w.ID] = widgetLabel(w)
		if w.Type == "reviews" {
			d.Widgets = append(d.Widgets, widgetOption{ID: w.ID, Label: widgetLabel(w)})
		}
	}
	f, bad := parseReviewFilter(c)
	d.Filter = f
	if bad != "" {
		return h.render(c, http.StatusUnprocessableEntity, "reviews", "rv_title", d, bad)
	}
	sf := store.ReviewFilter{WidgetID: f.Widget, MinRating: f.Rating, After: f.after, Limit: reviewsPageSize + 1}
	if f.Status != "all" {
		sf.Status = f.Status
	}
	if d.Pending, err = h.pendingCount(c, site.ID, f.Widget); err != nil {
		return h.fail(c, err)
	}
	list, err := h.Store.ListReviews(ctx, site.ID, sf)
	if err != nil {
		return h.fail(c, err)
	}
	if len(list) > reviewsPageSize {
		list = list[:reviewsPageSize]
		last := list[len(list)-1]
		d.Next = "/app/sites/" + site.ID + "/reviews?" + f.Query() + "&cursor=" +
			encodeInboxCursor(store.LeadCursor{CreatedAt: last.CreatedAt, ID: last.ID})
	}
	for _, r := range list {
		d.Reviews = append(d.Reviews, reviewCard{Review: r, Widget: names[r.WidgetID]})
	}
	return h.render(c, http.StatusOK, "reviews", "rv_title", d)
}

// pendingCount is the number of reviews awaiting moderation (of the
// widget when one is chosen), "" for none.
func (h *handler) pendingCount(c *fiber.Ctx, siteID, widgetID string) (string, error) {
	list, err := h.Store.ListReviews(c.UserContext(), siteID, store.ReviewFilter{WidgetID: widgetID,
		Status: store.ReviewPending, Limit: pendingCountCap + 1})
	switch {
	case err != nil:
		return "", fmt.Errorf("pending reviews of site %s: %w", siteID, err)
	case len(list) > pendingCountCap:
		return strconv.Itoa(pendingCountCap) + "+", nil
	case len(list) > 0:
		return strconv.Itoa(len(list)), nil
	}
	return "", nil
}

// reviewPhoto serves a review's photo, whatever the review's status, to
// who may see the site: the admin API has the same route, but an <img>
// cannot send the CSRF header the API wants from a session.
func (h *handler) reviewPhoto(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.ViewSite)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	p, _, err := h.Store.GetReviewPhoto(c.UserContext(), site.ID, c.Params("pid"))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Set(fiber.HeaderContentType, p.ContentType)
	return c.Send(p.Data)
}

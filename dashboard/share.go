package dashboard

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/store"
)

// Share links: an owner gives the site's analytics, read-only, to someone
// without an account (an agency, a partner). The link's token is shown
// once; the store keeps its SHA-256. A password and an expiry are
// optional; revoking deletes the link, which then answers 404 like an
// unknown one.
const (
	shareLabelMax = 80
	// shareUnlockFor is how long a browser stays let in after the
	// password.
	shareUnlockFor = 12 * time.Hour
)

// shareLinkRow is a link in the owner's list.
type shareLinkRow struct {
	store.ShareLink
	Expired bool
}

// shareLinksView is share_links.html's data.
type shareLinksView struct {
	Site  store.Site
	Links []shareLinkRow
	// NewURL is the link just made, shown once, with its copy button's
	// script.
	NewURL, CopyJS string
	// Form is the create form's values and the field that is wrong.
	Label, Expires, BadField string
	Today                    string
}

func (h *handler) shareLinksPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	return h.renderShareLinks(c, http.StatusOK, site, shareLinksView{}, "")
}

func (h *handler) renderShareLinks(c *fiber.Ctx, status int, site store.Site, v shareLinksView, errKey string) error {
	links, err := h.Store.ListShareLinks(c.UserContext(), site.ID)
	if err != nil {
		return h.fail(c, err)
	}
	now := h.Now()
	v.Site = site
	v.Today = now.In(siteLoc(site)).Format(time.DateOnly)
	for _, l := range links {
		v.Links = append(v.Links, shareLinkRow{ShareLink: l, Expired: l.Expired(now)})
	}
	return h.render(c, status, "share_links", "an_share_title", v, errKey)
}

func siteLoc(site store.Site) *time.Location {
	if loc, err := time.LoadLocation(site.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// createShareLink is POST /app/sites/{id}/analytics/share: label,
// password and expires (a date of the site's zone: the link works through
// that day) are all optional.
func (h *handler) createShareLink(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	v := shareLinksView{Label: strings.TrimSpace(c.FormValue("label")), Expires: c.FormValue("expires")}
	password := c.FormValue("password")
	bad := func(field, key string) error {
		v.BadField = field
		return h.renderShareLinks(c, http.StatusUnprocessableEntity, site, v, key)
	}
	if utf8.RuneCountInString(v.Label) > shareLabelMax {
		return bad("label", "an_share_bad_label")
	}
	if password != "" && (len(password) < accounts.MinPasswordLen || len(password) > accounts.MaxPasswordLen) {
		return bad("password", "an_share_bad_password")
	}
	now := h.Now()
	link := store.ShareLink{ID: "shr_" + accounts.NewToken()[:16], SiteID: site.ID, Label: v.Label,
		CreatedBy: user(c).ID, CreatedAt: now.UTC()}
	if v.Expires != "" {
		day, err := time.ParseInLocation(time.DateOnly, v.Expires, siteLoc(site))
		if err != nil {
			return bad("expires", "an_share_bad_expiry")
		}
		link.ExpiresAt = day.AddDate(0, 0, 1).UTC()
		if !link.ExpiresAt.After(now) {
			return bad("expires", "an_share_past_expiry")
		}
	}
	if password != "" {
		link.PasswordHash = accounts.HashPassword(password, accounts.DefaultArgon2)
	}
	token := accounts.NewToken()
	link.Hash = accounts.HashToken(token)
	if err := h.Store.CreateShareLink(c.UserContext(), link); err != nil {
		return h.fail(c, err)
	}
	h.acc.Audit(c.UserContext(), store.AuditEntry{Action: "share_link_created", UserID: user(c).ID, SiteID: site.ID,
		Detail: link.ID, IP: h.ClientIP(c)})
	return h.renderShareLinks(c, http.StatusOK, site, shareLinksView{NewURL: h.publicURL(c) + "/app/share/" + token, CopyJS: staticURL("copy.js")}, "")
}

// publicURL is the server's address as visitors reach it.
func (h *handler) publicURL(c *fiber.Ctx) string {
	if h.Cfg.PublicURL != "" {
		return strings.TrimSuffix(h.Cfg.PublicURL, "/")
	}
	return c.BaseURL()
}

func (h *handler) revokeShareLink(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	err = h.Store.RevokeShareLink(c.UserContext(), site.ID, c.Params("lid"))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c)
	}
	if err != nil {
		return h.fail(c, err)
	}
	h.acc.Audit(c.UserContext(), store.AuditEntry{Action: "share_link_revoked", UserID: user(c).ID, SiteID: site.ID,
		Detail: c.Params("lid"), IP: h.ClientIP(c)})
	h.flash(c, "an_share_revoked")
	return c.Redirect("/app/sites/"+site.ID+"/analytics/share", http.StatusSeeOther)
}

// sharedLink finds the link of the address's token and its site; ok is
// false for an unknown, revoked or expired link, or a deleted site.
func (h *handler) sharedLink(c *fiber.Ctx) (store.ShareLink, store.Site, bool, error) {
	token := c.Params("token")
	if len(token) != 43 {
		return store.ShareLink{}, store.Site{}, false, nil
	}
	ctx := c.UserContext()
	link, err := h.Store.ShareLinkByHash(ctx, accounts.HashToken(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && link.Expired(h.Now())) {
		return link, store.Site{}, false, nil
	}
	if err != nil {
		return link, store.Site{}, false, err
	}
	site, err := h.Store.GetSite(ctx, link.SiteID)
	if errors.Is(err, store.ErrNotFound) {
		return link, site, false, nil
	}
	return link, site, err == nil, err
}

// sharedAnalytics is GET /app/share/{token}: the site's analytics, read
// only, managers by number; first the password when the link has one.
func (h *handler) sharedAnalytics(c *fiber.Ctx) error {
	link, site, ok, err := h.sharedLink(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	c.Set("X-Robots-Tag", "noindex")
	if link.PasswordHash != "" && c.Cookies(shareCookie(link)) != shareProof(link, c.Params("token")) {
		return h.render(c, http.StatusOK, "share_password", "an_share_password_title", nil)
	}
	v, errKey, err := h.analyticsFor(c, site, "/app/share/"+c.Params("token"))
	if err != nil {
		return h.fail(c, err)
	}
	v.Shared = true
	if v.Report != nil {
		v.Report.HideManagerNames()
	}
	return h.renderAnalytics(c, v, errKey)
}

// Wrong passwords are limited per link and per address, in fixed windows,
// in the store's counters (shared by every replica).
const (
	shareTriesPerLink = 10
	shareTriesPerIP   = 20
	shareTriesWindow  = 15 * time.Minute
)

// unlockShare is POST /app/share/{token}: the link's password.
func (h *handler) unlockShare(c *fiber.Ctx) error {
	link, _, ok, err := h.sharedLink(c)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok || link.PasswordHash == "" {
		return h.notFound(c)
	}
	ctx := c.UserContext()
	window := h.Now().UnixNano() / int64(shareTriesWindow)
	perLink := "share:link:" + link.ID + ":" + strconv.FormatInt(window, 10)
	perIP := "share:ip:" + h.ClientIP(c) + ":" + strconv.FormatInt(window, 10)
	nl, err := h.Store.Count(ctx, "", perLink)
	if err != nil {
		return h.fail(c, err)
	}
	ni, err := h.Store.Count(ctx, "", perIP)
	if err != nil {
		return h.fail(c, err)
	}
	if nl >= shareTriesPerLink || ni >= shareTriesPerIP {
		left := time.Unix(0, (window+1)*int64(shareTriesWindow)).Sub(h.Now())
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(left.Seconds())+1))
		return h.render(c, http.StatusTooManyRequests, "share_password", "an_share_password_title", nil, "an_share_locked")
	}
	good, _, err := accounts.VerifyPassword(link.PasswordHash, c.FormValue("password"), accounts.DefaultArgon2)
	if err != nil {
		return h.fail(c, err)
	}
	if !good {
		for _, name := range []string{perLink, perIP} {
			if _, _, err := h.Store.Incr(ctx, "", name, shareTriesWindow); err != nil {
				return h.fail(c, err)
			}
		}
		return h.render(c, http.StatusUnauthorized, "share_password", "an_share_password_title", nil, "an_share_wrong_password")
	}
	ck := &fiber.Cookie{Name: shareCookie(link), Value: shareProof(link, c.Params("token")), Path: "/app/share/",
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: h.secure, MaxAge: int(shareUnlockFor / time.Second)}
	c.Cookie(ck)
	return c.Redirect("/app/share/"+c.Params("token"), http.StatusSeeOther)
}

// shareCookie names the cookie that lets a browser in to link l.
func shareCookie(l store.ShareLink) string { return "beckon_share_" + l.ID }

// shareProof is the cookie's value: it can be made only knowing the token
// (from the address) and the password's hash (the server's), so it cannot
// be forged, and it stops working with the link.
func shareProof(l store.ShareLink, token string) string {
	return accounts.HashToken("share-unlock\x00" + l.PasswordHash + "\x00" + token)
}

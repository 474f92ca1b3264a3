package main

// This file is the one list of what the command photographs. A new
// dashboard page gets a line in pages; a GET route under /app that is not
// a page (an asset, an export, a stream, a redirect) gets a line in
// notPages with the reason. TestEveryPageIsPhotographed fails on a route in
// neither.

// state is who the browser is when a page is opened.
type state int

const (
	// beforeSetup: nobody has an account yet.
	beforeSetup state = iota
	// signedIn: the operator, signed in through /app/setup.
	signedIn
	// signedOut: nobody is signed in.
	signedOut
	// secondStep: a person with two-step sign-in has given the password.
	secondStep
)

// page is one dashboard page to photograph, on a desktop and a phone, as
// docs/screenshots/dashboard-<name>-<desktop|phone>.png.
type page struct {
	name string
	// route is the route as the app registers it (fiber's pattern).
	route string
	// path is the URL to open: route with {placeholders} the seed fills
	// in (see seed.values); a placeholder without a value skips the page.
	path string
	// ready is the CSS selector of what shows the page has loaded (main
	// when empty).
	ready string
	when  state
	// tall pictures the whole page (up to 1800 px), not only the window.
	tall bool
}

var pages = []page{
	{name: "setup", route: "/app/setup", path: "/app/setup?lang=ru", ready: "#token", when: beforeSetup},
	{name: "sites", route: "/app/", path: "/app/", ready: "ul.sites", when: signedIn},
	{name: "site-new", route: "/app/sites/new", path: "/app/sites/new", when: signedIn},
	{name: "site", route: "/app/sites/:id", path: "/app/sites/{site}", when: signedIn},
	{name: "widgets", route: "/app/sites/:id/widgets", path: "/app/sites/{site}/widgets", when: signedIn},
	{name: "widget-new", route: "/app/sites/:id/widgets/new", path: "/app/sites/{site}/widgets/new?type=countdown", when: signedIn},
	{name: "widget-callback", route: "/app/sites/:id/widgets/:wid", path: "/app/sites/{site}/widgets/{widget_callback}", when: signedIn},
	{name: "widget-popup", route: "/app/sites/:id/widgets/:wid", path: "/app/sites/{site}/widgets/{widget_popup}", when: signedIn},
	{name: "widget-quiz", route: "/app/sites/:id/widgets/:wid", path: "/app/sites/{site}/widgets/{widget_quiz}", when: signedIn},
	{name: "quiz-builder", route: "/app/sites/:id/widgets/:wid/quiz", path: "/app/sites/{site}/widgets/{widget_quiz}/quiz", when: signedIn},
	{name: "experiment", route: "/app/sites/:id/widgets/:wid/experiment", path: "/app/sites/{site}/widgets/{widget_popup}/experiment", when: signedIn},
	{name: "inbox", route: "/app/sites/:id/inbox", path: "/app/sites/{site}/inbox", ready: "#inbox", when: signedIn},
	{name: "lead-callback", route: "/app/sites/:id/inbox/:lid", path: "/app/sites/{site}/inbox/{lead_callback}", when: signedIn, tall: true},
	{name: "lead-quiz", route: "/app/sites/:id/inbox/:lid", path: "/app/sites/{site}/inbox/{lead_quiz}", when: signedIn, tall: true},
	{name: "analytics", route: "/app/sites/:id/analytics", path: "/app/sites/{site}/analytics", when: signedIn},
	{name: "analytics-share", route: "/app/sites/:id/analytics/share", path: "/app/sites/{site}/analytics/share", when: signedIn},
	{name: "reviews", route: "/app/sites/:id/reviews", path: "/app/sites/{site}/reviews", when: signedIn},
	{name: "codes", route: "/app/sites/:id/codes", path: "/app/sites/{site}/codes", when: signedIn},
	{name: "telephony", route: "/app/sites/:id/telephony", path: "/app/sites/{site}/telephony", when: signedIn},
	{name: "notifications", route: "/app/sites/:id/notifications", path: "/app/sites/{site}/notifications", when: signedIn},
	{name: "notifications-log", route: "/app/sites/:id/notifications/log", path: "/app/sites/{site}/notifications/log", when: signedIn},
	{name: "people", route: "/app/sites/:id/people", path: "/app/sites/{site}/people", when: signedIn},
	{name: "keys", route: "/app/sites/:id/keys", path: "/app/sites/{site}/keys", when: signedIn},
	{name: "key-revoke", route: "/app/sites/:id/keys/:kid/revoke", path: "/app/sites/{site}/keys/{key}/revoke", when: signedIn},
	{name: "audit", route: "/app/sites/:id/audit", path: "/app/sites/{site}/audit", when: signedIn},
	{name: "account", route: "/app/account", path: "/app/account", when: signedIn},
	{name: "enrol", route: "/app/account/2fa", path: "/app/account/2fa", ready: "img.qr", when: signedIn},
	{name: "logout", route: "/app/logout", path: "/app/logout", when: signedIn},
	{name: "share", route: "/app/share/:token", path: "/app/share/{share}", when: signedOut},
	{name: "login", route: "/app/login", path: "/app/login", ready: "#email", when: signedOut},
	{name: "invite", route: "/app/invite/:token", path: "/app/invite/{invite}", when: signedOut},
	{name: "login-2fa", route: "/app/login/2fa", path: "/app/login/2fa", ready: "#code", when: secondStep},
}

// notPages are the GET routes under /app that show no page of their own.
var notPages = map[string]string{
	"/app/static/:file":                         "an asset (stylesheet, scripts)",
	"/app/sites/:id/inbox/export.csv":           "an export download",
	"/app/sites/:id/inbox/export.jsonl":         "an export download",
	"/app/sites/:id/inbox/live":                 "the inbox's event stream",
	"/app/oidc/start":                           "a redirect to the OpenID Connect provider",
	"/app/oidc/callback":                        "the provider's redirect back, which signs in and redirects",
	"/app/sites/:id/widgets/preview":            "the editor's preview frame, photographed inside the editor",
	"/app/sites/:id/reviews/photos/:pid":        "a review's photo (an image)",
	"/app/sites/:id/notifications/outcome/:nid": "the result of a test message, which the notifications page's script polls (JSON)",
	"/app/sites/:id/analytics/export.csv":       "an export download",
}

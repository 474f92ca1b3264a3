// Package notify tells site owners about leads and calls ("a lead came in",
// "a callback was missed"): as outgoing webhooks, signed the way the
// Standard Webhooks spec (https://www.standardwebhooks.com) says, so
// receivers can use any of its libraries to check them, and on the site's
// other channels.
//
// # Events and channels
//
// Modules call [Sender.Publish] with an [Event]. It stores one message per
// destination: the widget's notify_url (Notification.Channel ""), and each
// of the site's [Channels] subscribed to the event's type: a site-wide
// webhook, a Telegram chat (Bot API sendMessage), e-mail (the operator's
// SMTP server, a plain and an HTML part) and a Bitrix24 portal
// (crm.lead.add). Every destination's body is the same webhook envelope;
// Telegram, e-mail and Bitrix24 render it at each attempt (report.go) in
// the channel's language. [Sender.SendTest] stores a [SampleEvent] of the
// same shape for one channel. Each channel classifies its service's
// answers as success, retry or final (see docs/NOTIFICATIONS.md); the
// schedule, the log and replays are the same for all.
//
// # Signing
//
// Each message has an id ("msg_…") that stays the same across every attempt
// (receivers dedupe on it), and each attempt carries its own unix-seconds
// timestamp. The signature is HMAC-SHA256 over "id.timestamp.body" with the
// endpoint's secret, sent as
//
//	webhook-id: msg_…
//	webhook-timestamp: 1674087231
//	webhook-signature: v1,<base64 of the MAC>
//
// Secrets are "whsec_" followed by the base64 of the key bytes ([NewSecret]).
// [Sign] is the sender's half and [Verify] the receiver's; a Go receiver can
// use Verify as is. The tests check deliveries with their own reading of the
// spec, and Sign against the spec's published example.
//
// The body is the spec's envelope: {"type": ..., "timestamp": ..., "data": ...},
// where timestamp is when the event happened, not when this attempt was made.
//
// # Delivery
//
// Messages go through the store's durable outbox (store.Outbox).
// [Sender.Send] stores the message and returns once it is stored, so an
// event is never acknowledged before its notification is safe; it never
// waits for the network. [Sender.Run] claims due messages (each replica
// claims with a lease, so a message whose sender died is taken over after
// it) and makes the attempts, up to [Options.Workers] at once. Each attempt
// reads the widget's current notify_url and notify_secret ([Endpoint]) and
// is written to the site's delivery log with its time, URL, status or
// error, duration and next attempt.
//
// An attempt that fails on the network, times out, or gets 408, 429 or a
// 5xx is retried after [Options.FirstRetry] (5 s), doubling each time up to
// [Options.MaxRetry] (1 h), jittered ±20 % and never sooner than a
// Retry-After asks, for [Options.GiveUpAfter] (24 h) after the event, across
// restarts. Any other answer (404, 410, a redirect that is not 307/308, an
// internal address, a malformed secret) ends the message as failed; the
// owner fixes the receiver and replays it. Delivery is at least once: a
// sender that dies between an attempt and its record repeats it, with the
// same webhook-id.
//
// # Address guard
//
// Site owners choose webhook URLs, so a URL is a way into the operator's
// network (SSRF: cloud metadata at 169.254.169.254, Redis on localhost, the
// admin API). Unless [Options.AllowPrivate] is set, the sender refuses to
// connect to loopback, private, link-local, CGNAT, multicast, unspecified and
// reserved addresses, including their IPv4-mapped forms. The check runs in the
// dialer, on the address actually being connected to after DNS resolution, so
// it also covers redirects and hostnames that resolve (or re-resolve, DNS
// rebinding) to an internal address. [CheckURL] gives the friendly 422 when
// a URL is saved: its shape, and (unless private addresses are allowed)
// hosts that can only ever be internal: literal internal addresses,
// localhost and local-only names. [CheckSecret] does the same for secrets.
//
// # Observability
//
// beckon_webhook_deliveries_total{result} counts attempts: ok, retry (another
// is scheduled), failed, refused (internal address), cancelled (the widget
// has no notify_url any more), and dropped for messages the store did not
// take. beckon_webhook_outbox_pending is how many wait, across replicas.
// Every attempt is logged with the message id, site, event type and the
// receiver's host (never the full URL, which may embed a token).
package notify

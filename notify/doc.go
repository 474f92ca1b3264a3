// Package notify delivers outgoing webhooks to site owners ("a lead came
// in", "a callback connected"), signed the way the Standard Webhooks spec
// (https://www.standardwebhooks.com) says, so receivers can use any of its
// libraries to check them.
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
// [Sign] is the sender's half and [Verify] the receiver's: our tests use
// Verify to prove the signatures are right, and a Go receiver can use it as is.
//
// The body is the spec's envelope: {"type": ..., "timestamp": ..., "data": ...},
// where timestamp is when the event happened, not when this attempt was made.
//
// # Delivery
//
// [Sender.Send] checks and encodes a message, then hands it to a fixed pool
// of workers through a bounded queue; it never waits for the network. An
// attempt that fails on the network, times out, or gets 408, 429 or a 5xx is
// retried after the delays in [Options.Schedule] (jittered, and never sooner
// than a Retry-After asks); any other answer is final. 2xx is success.
// A message that cannot be admitted (queue full) is dropped, logged and
// counted rather than blocking the caller; deliveries live in memory only,
// so retries still pending when the process stops are given up.
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
// rebinding) to an internal address. [CheckURL] only checks the URL's shape,
// for a friendly 422 when the URL is saved.
//
// # Observability
//
// beckon_webhook_deliveries_total{result} counts outcomes: ok, retry (an
// attempt failed and another is scheduled), failed, refused (internal
// address) and dropped (queue full, or given up at shutdown). Every outcome is
// logged with the message id, event type and receiver host (never the full
// URL, which may embed a token), and reported to [Options.OnResult] if set.
package notify

// Package servertest is the harness of every HTTP test: a real Beckon
// server on a loopback port, on the embedded store and on Redis (the real
// one when BECKON_TEST_REDIS_URL is set, else miniredis), with the widget
// modules of cmd/beckon and telephony simulated in milliseconds; and a
// headless Chromium for what visitors see. Widget modules test their own
// routes with it from their own packages.
package servertest

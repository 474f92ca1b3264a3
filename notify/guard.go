package notify

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// ErrForbiddenAddress is why a delivery was refused: the receiver's address
// is internal and Options.AllowPrivate is off. Errors wrap it with the address.
var ErrForbiddenAddress = errors.New("notify: receiver address is internal (loopback, private, link-local or reserved)")

// Ranges refused on top of what netip classifies (loopback, private,
// link-local, multicast, unspecified).
var forbiddenPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),     // "this network"; 0.0.0.0 reaches localhost on Linux
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT (RFC 6598), often internal in clouds
	netip.MustParsePrefix("192.0.0.0/24"),  // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking; fake-IP ranges of local proxies
	netip.MustParsePrefix("240.0.0.0/4"),   // reserved, and 255.255.255.255 broadcast
	netip.MustParsePrefix("::/96"),         // IPv4-compatible IPv6 (deprecated)
	netip.MustParsePrefix("100::/64"),      // discard-only
	netip.MustParsePrefix("fec0::/10"),     // site-local (deprecated), still routed by some networks
}

// Prefixes of IPv6 addresses that carry an IPv4 address, checked as that
// IPv4 address: NAT64 (64:ff9b::a.b.c.d, last 4 bytes) and 6to4
// (2002:aabb:ccdd::, bytes 2-5). IPv4-mapped (::ffff:a.b.c.d) is unmapped.
var (
	nat64  = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4 = netip.MustParsePrefix("2002::/16")
)

// forbidden reports whether a is an address no site owner's webhook may
// reach.
func forbidden(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return forbidden(netip.AddrFrom4([4]byte(b[12:16])))
		case sixTo4.Contains(a):
			return forbidden(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() ||
		a.IsLinkLocalUnicast() || a.IsMulticast() ||
		a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() {
		return true
	}
	for _, p := range forbiddenPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// guardDial is the net.Dialer's Control function. It runs for every
// connection the transport opens (first attempts, retries, redirects), after
// DNS resolution and before connect, with the IP actually being dialled. A
// check on the URL alone would be defeated by DNS rebinding: a name that
// resolves to a public address when the URL is checked and to 127.0.0.1 when
// the request is made. Here there is no second lookup to race.
func guardDial(network, address string, _ syscall.RawConn) error {
	if network != "tcp4" && network != "tcp6" {
		return fmt.Errorf("%w: network %s", ErrForbiddenAddress, network)
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	if forbidden(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
	}
	return nil
}

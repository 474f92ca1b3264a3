package server

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientIP is the visitor's address. X-Forwarded-For is believed only when the
// connection comes from a configured trusted proxy, and then read from the
// right: the first hop that is not a trusted proxy is the client (entries
// further left are whatever the client chose to send).
func (s *Server) clientIP(c *fiber.Ctx) string {
	remote := c.Context().RemoteIP()
	addr, ok := netip.AddrFromSlice(remote)
	if !ok {
		return remote.String()
	}
	addr = addr.Unmap()
	if !s.trusted(addr) {
		return addr.String()
	}
	xff := string(c.Request().Header.Peek(fiber.HeaderXForwardedFor))
	for xff != "" {
		var hop string
		if i := strings.LastIndexByte(xff, ','); i >= 0 {
			hop, xff = xff[i+1:], xff[:i]
		} else {
			hop, xff = xff, ""
		}
		a, err := netip.ParseAddr(strings.TrimSpace(hop))
		if err != nil {
			break
		}
		a = a.Unmap()
		if !s.trusted(a) {
			return a.String()
		}
		addr = a
	}
	return addr.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

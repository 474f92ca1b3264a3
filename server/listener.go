package server

import (
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	connsOpen = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "beckon_connections_open",
		Help: "Client connections open now.",
	})
	connsRefused = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_connections_refused_total",
		Help: "Client connections closed at once, by the cap they passed (total, per_ip).",
	}, []string{"cap"})
	acceptRetries = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_accept_retries_total",
		Help: "Accepts that failed for want of file descriptors and were retried.",
	})
)

// Backoff of an accept that failed for want of file descriptors: the
// descriptors come back as connections close, so the listener waits and
// tries again instead of giving up (fasthttp would stop serving).
const (
	acceptBackoffMin = 5 * time.Millisecond
	acceptBackoffMax = time.Second
)

// connLimitListener caps open connections, in all and per client address,
// closing those over a cap as soon as they are accepted: a socket flood
// then costs the flooder its connections, not everybody else theirs, and
// never runs the process out of file descriptors.
type connLimitListener struct {
	net.Listener
	maxTotal, maxPerIP int
	exempt             func(netip.Addr) bool // addresses without a per-IP cap (trusted proxies)
	log                *slog.Logger

	mu    sync.Mutex
	total int
	perIP map[netip.Addr]int
}

func newConnLimitListener(inner net.Listener, maxTotal, maxPerIP int, exempt func(netip.Addr) bool, log *slog.Logger) *connLimitListener {
	return &connLimitListener{Listener: inner, maxTotal: maxTotal, maxPerIP: maxPerIP, exempt: exempt,
		log: log, perIP: map[netip.Addr]int{}}
}

// Accept returns the next connection within the caps. It retries, with
// backoff, accepts that fail for want of file descriptors.
func (l *connLimitListener) Accept() (net.Conn, error) {
	backoff := time.Duration(0)
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !outOfDescriptors(err) {
				return nil, err
			}
			backoff = min(max(2*backoff, acceptBackoffMin), acceptBackoffMax)
			if backoff == acceptBackoffMax {
				l.log.Warn("out of file descriptors; accepting again when connections close", slog.Any("err", err))
			}
			acceptRetries.Inc()
			time.Sleep(backoff)
			continue
		}
		backoff = 0
		if conn := l.admit(c); conn != nil {
			return conn, nil
		}
	}
}

// outOfDescriptors: the process (EMFILE) or the system (ENFILE) has no
// file descriptor left, or the kernel no buffer for one more socket.
func outOfDescriptors(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}

// admit counts c in, or closes it when it is over a cap.
func (l *connLimitListener) admit(c net.Conn) net.Conn {
	ip := remoteAddr(c)
	capped := ip.IsValid() && !l.exempt(ip)
	l.mu.Lock()
	over := ""
	switch {
	case l.total >= l.maxTotal:
		over = "total"
	case capped && l.perIP[ip] >= l.maxPerIP:
		over = "per_ip"
	default:
		l.total++
		if capped {
			l.perIP[ip]++
		}
	}
	l.mu.Unlock()
	if over != "" {
		connsRefused.WithLabelValues(over).Inc()
		c.Close()
		return nil
	}
	connsOpen.Inc()
	return &countedConn{Conn: c, release: func() { l.release(ip, capped) }}
}

func (l *connLimitListener) release(ip netip.Addr, capped bool) {
	l.mu.Lock()
	l.total--
	if capped {
		if l.perIP[ip]--; l.perIP[ip] <= 0 {
			delete(l.perIP, ip)
		}
	}
	l.mu.Unlock()
	connsOpen.Dec()
}

func remoteAddr(c net.Conn) netip.Addr {
	if a, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			return ip.Unmap()
		}
	}
	return netip.Addr{}
}

// countedConn gives its place back once, when closed.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

// NetConn is the connection counted: the live social proof feed writes
// its broadcasts straight to the socket's descriptor (socialproof.socketOf).
func (c *countedConn) NetConn() net.Conn { return c.Conn }

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// connCap is the total cap that fits the open-files limit: a fifth of the
// descriptors (at least 64) stays for the store, outgoing webhooks and
// provider calls, files and the listener itself.
func connCap(configured int, openFilesLimit uint64) int {
	if openFilesLimit == 0 {
		return configured
	}
	reserve := max(64, openFilesLimit/5)
	if openFilesLimit <= reserve+16 {
		return min(configured, 16)
	}
	return min(configured, int(min(openFilesLimit-reserve, 1<<30)))
}

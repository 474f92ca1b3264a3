package server

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

var (
	httpRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "beckon_http_requests_total",
		Help: "HTTP requests by route template, method and status.",
	}, []string{"route", "method", "status"})
	httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "beckon_http_request_duration_seconds",
		Help:    "HTTP request latency by route template.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route", "method"})
	staleConfigServed = promauto.NewCounter(prometheus.CounterOpts{
		Name: "beckon_config_stale_served_total",
		Help: "Public configs served from an expired cache entry because the store did not answer.",
	})
)

// routeLabel is the matched route template, never the raw path, so metric
// cardinality stays bounded whatever clients request.
func routeLabel(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || r.Method == "USE" || r.Path == "/" && c.Path() != "/" {
		return "unmatched"
	}
	return r.Path
}

// methodLabel maps the method to a constant: fasthttp reuses the bytes
// behind c.Method(), so it must not be kept as a label, and unknown methods
// must not grow the label set.
func methodLabel(c *fiber.Ctx) string {
	switch m := c.Method(); m {
	case fiber.MethodGet:
		return fiber.MethodGet
	case fiber.MethodHead:
		return fiber.MethodHead
	case fiber.MethodPost:
		return fiber.MethodPost
	case fiber.MethodPut:
		return fiber.MethodPut
	case fiber.MethodPatch:
		return fiber.MethodPatch
	case fiber.MethodDelete:
		return fiber.MethodDelete
	case fiber.MethodOptions:
		return fiber.MethodOptions
	default:
		return "OTHER"
	}
}

// observe records metrics and the access log for every request.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Render now so the status we record is the one the client gets.
		if herr := s.errorHandler(c, err); herr != nil {
			return herr
		}
	}
	elapsed := time.Since(start)
	status := c.Response().StatusCode()
	route, method := routeLabel(c), methodLabel(c)
	httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	httpDuration.WithLabelValues(route, method).Observe(elapsed.Seconds())

	// Successful public and asset requests are the high-volume path; metrics
	// count them, the log keeps them at debug so it stays readable.
	level := slog.LevelInfo
	if status < 400 && route != "unmatched" && !isAdminPath(c.Path()) {
		level = slog.LevelDebug
	}
	if s.log.Enabled(c.UserContext(), level) {
		s.log.LogAttrs(c.UserContext(), level, "http request",
			slog.String("request_id", requestID(c)),
			slog.String("method", method),
			slog.String("route", route),
			slog.String("path", c.Path()),
			slog.Int("status", status),
			slog.Duration("duration", elapsed),
			slog.String("ip", s.clientIP(c)),
		)
	}
	return nil
}

func isAdminPath(p string) bool { return len(p) >= 5 && p[:5] == "/api/" }

// metricsHandler serves the default Prometheus registry.
var metricsHandler = fasthttpadaptor.NewFastHTTPHandler(promhttp.Handler())

func serveMetrics(c *fiber.Ctx) error {
	metricsHandler(c.Context())
	return nil
}

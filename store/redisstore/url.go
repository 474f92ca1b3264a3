package redisstore

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

const schemes = "redis://, rediss://, redis+sentinel://, rediss+sentinel://, redis+cluster:// or rediss+cluster://"

// ParseURL turns a connection URL of one of the forms in the package doc into
// options for redis.NewUniversalClient. Errors say which part is wrong and
// never repeat the password.
func ParseURL(rawURL string) (*redis.UniversalOptions, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("redis URL: no scheme; want %s", schemes)
	}
	scheme = strings.ToLower(scheme)
	var opts *redis.UniversalOptions
	var err error
	switch scheme {
	case "redis", "rediss":
		opts, err = parseSingle(rawURL)
	case "redis+sentinel", "rediss+sentinel":
		opts, err = parseSentinel(rest)
	case "redis+cluster", "rediss+cluster":
		opts, err = parseCluster(rest)
	default:
		return nil, fmt.Errorf("redis URL: unsupported scheme %q; want %s", scheme, schemes)
	}
	if err != nil {
		return nil, fmt.Errorf("redis URL (%s): %w", scheme, err)
	}
	if strings.HasPrefix(scheme, "rediss+") {
		// No ServerName: each connection checks the certificate against the
		// host it dials, which differs between nodes.
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	// Commands end at their context's deadline, not only at ReadTimeout
	// (3 s, and up to three retries): a request's deadline then bounds how
	// long a frozen Redis can hold it.
	opts.ContextTimeoutEnabled = true
	return opts, nil
}

// parseSingle leaves the one-node forms to go-redis, which also reads its
// tuning parameters, and copies what it found.
func parseSingle(rawURL string) (*redis.UniversalOptions, error) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(redactURLError(err).Error(), "redis: "))
	}
	return &redis.UniversalOptions{
		Addrs:    []string{o.Addr},
		DB:       o.DB,
		Username: o.Username, Password: o.Password,
		TLSConfig:  o.TLSConfig,
		ClientName: o.ClientName, Protocol: o.Protocol,
		MaxRetries: o.MaxRetries, MinRetryBackoff: o.MinRetryBackoff, MaxRetryBackoff: o.MaxRetryBackoff,
		DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout,
		PoolFIFO: o.PoolFIFO, PoolSize: o.PoolSize, PoolTimeout: o.PoolTimeout,
		MaxConcurrentDials: o.MaxConcurrentDials,
		MinIdleConns:       o.MinIdleConns, MaxIdleConns: o.MaxIdleConns, MaxActiveConns: o.MaxActiveConns,
		PipelinePoolSize:       o.PipelinePoolSize,
		PipelineReadBufferSize: o.PipelineReadBufferSize, PipelineWriteBufferSize: o.PipelineWriteBufferSize,
		ConnMaxIdleTime: o.ConnMaxIdleTime, ConnMaxLifetime: o.ConnMaxLifetime,
		ConnMaxLifetimeJitter: o.ConnMaxLifetimeJitter,
	}, nil
}

// parseSentinel reads host1:26379,host2:26379/MASTER?db=N&sentinel_password=P.
func parseSentinel(rest string) (*redis.UniversalOptions, error) {
	m, err := splitMultiHost(rest, "26379")
	if err != nil {
		return nil, err
	}
	master := strings.TrimPrefix(m.path, "/")
	switch {
	case master == "":
		return nil, errors.New("the path must name the master, as in redis+sentinel://host:26379/mymaster")
	case strings.Contains(master, "/"):
		return nil, fmt.Errorf("the path %q must be only the master's name; give the database as ?db=N", m.path)
	}
	opts := &redis.UniversalOptions{Addrs: m.addrs, MasterName: master, Username: m.user, Password: m.password}
	if err := m.only("db", "sentinel_username", "sentinel_password"); err != nil {
		return nil, err
	}
	if db := m.query.Get("db"); db != "" {
		if opts.DB, err = strconv.Atoi(db); err != nil || opts.DB < 0 {
			return nil, fmt.Errorf("db=%q is not a database number", db)
		}
	}
	opts.SentinelUsername = m.query.Get("sentinel_username")
	opts.SentinelPassword = m.query.Get("sentinel_password")
	return opts, nil
}

// parseCluster reads host1:6379,host2:6379: seed nodes, from which go-redis
// learns the rest of the cluster.
func parseCluster(rest string) (*redis.UniversalOptions, error) {
	m, err := splitMultiHost(rest, "6379")
	if err != nil {
		return nil, err
	}
	if m.path != "" && m.path != "/" {
		return nil, fmt.Errorf("no path expected (Redis Cluster has only database 0), got %q", m.path)
	}
	if err := m.only(); err != nil {
		return nil, err
	}
	// IsClusterMode: a single seed node must still mean a cluster client.
	return &redis.UniversalOptions{Addrs: m.addrs, Username: m.user, Password: m.password, IsClusterMode: true}, nil
}

// multiHost is a URL whose authority lists several host:port pairs, which
// net/url cannot parse.
type multiHost struct {
	addrs          []string
	user, password string
	path           string
	query          url.Values
}

// splitMultiHost parses what follows "scheme://": the host list is cut out
// by hand, the rest (user info, path, query) parsed by net/url with a
// placeholder host, so percent-encoding works as usual.
func splitMultiHost(rest, defaultPort string) (multiHost, error) {
	var m multiHost
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo, hosts := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	u, err := url.Parse("x://" + userinfo + "placeholder" + tail)
	if err != nil {
		return m, redactURLError(err)
	}
	if u.Fragment != "" {
		return m, errors.New("unexpected #fragment")
	}
	if hosts == "" {
		return m, errors.New("no hosts; list them as host1:port,host2:port")
	}
	for _, h := range strings.Split(hosts, ",") {
		addr, err := hostPort(h, defaultPort)
		if err != nil {
			return m, err
		}
		m.addrs = append(m.addrs, addr)
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.password, _ = u.User.Password()
	}
	m.path = u.Path
	// ParseQuery rather than Query: a malformed parameter is an error, not
	// silently dropped.
	if m.query, err = url.ParseQuery(u.RawQuery); err != nil {
		return m, fmt.Errorf("query: %w", err)
	}
	return m, nil
}

// only refuses query parameters other than allowed, so a typo is not ignored.
func (m multiHost) only(allowed ...string) error {
	var unknown []string
	for name, values := range m.query {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		} else if len(values) > 1 {
			return fmt.Errorf("query parameter %s given %d times", name, len(values))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	if len(allowed) == 0 {
		return fmt.Errorf("unknown query parameters %s (none are supported)", strings.Join(unknown, ", "))
	}
	return fmt.Errorf("unknown query parameters %s (supported: %s)", strings.Join(unknown, ", "), strings.Join(allowed, ", "))
}

// hostPort checks one entry of a host list and adds the default port.
func hostPort(h, defaultPort string) (string, error) {
	if h == "" {
		return "", errors.New("empty entry in the host list")
	}
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		// Without a port ("host", "[::1]"), try again with the default.
		host, port, err = net.SplitHostPort(h + ":" + defaultPort)
	}
	if err != nil || host == "" {
		return "", fmt.Errorf("host %q is not host or host:port", h)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("host %q has no valid port", h)
	}
	return net.JoinHostPort(host, port), nil
}

// redactURLError drops the URL that net/url puts in its errors: it may hold a
// password, and the error may end up in a log.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

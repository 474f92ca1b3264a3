package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/valyala/fasthttp"
)

// Flags of the live scenario.
var (
	liveConns   = flag.Int("live-conns", 15000, "live: WebSocket connections to open (the tool holds one file per connection: stay under ulimit -n)")
	liveEvents  = flag.Int("live-events", 60, "live: events to post, one at a time")
	liveEvery   = flag.Duration("live-every", 500*time.Millisecond, "live: time between two events")
	liveBases   = flag.String("live-bases", "", "live: comma-separated base URLs to spread the connections over (replicas); default -base")
	livePIDs    = flag.String("server-pids", "", "live: comma-separated pids of the server processes, to read their RSS (VmRSS)")
	liveDialers = flag.Int("live-dialers", 500, "live: connections being opened at once")
	liveProfile = flag.String("live-cpuprofile", "", "live: write this tool's CPU profile while the events are posted to this file")
	liveProcs   = flag.Int("live-procs", 1, "live: GOMAXPROCS of this tool (0: Go's default, one per core)")
)

// benchLive opens -live-conns WebSocket connections to the live feed of a
// new social proof widget, posts -live-events events through the admin API
// and measures, for each event, the time from the start of its POST to its
// arrival at each connection, and what never arrived.
func benchLive(base, token, origin string) {
	// The readers sleep in the netpoller until a frame comes: one P wakes
	// and reads them all with the least scheduling, and a second would
	// mostly spin on the core the server needs (measured: p99 164–195 ms
	// with one, about 245 ms with two; docs/BENCHMARKS.md).
	if *liveProcs > 0 {
		runtime.GOMAXPROCS(*liveProcs)
	}
	site, err := createLiveSite(base, token, origin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "beckonbench: setup:", err)
		os.Exit(1)
	}
	bases := []string{base}
	if *liveBases != "" {
		bases = strings.Split(*liveBases, ",")
	}
	n, events := *liveConns, *liveEvents
	fmt.Printf("live: %d WebSocket connections over %v, %d events every %s\n", n, bases, events, *liveEvery)

	// sent[i] is when event i's POST started (UnixNano); got[i][c] is the
	// delay to connection c in microseconds, 0 while it has not arrived.
	sent := make([]atomic.Int64, events)
	got := make([][]int32, events)
	for i := range got {
		got[i] = make([]int32, n)
	}
	var connected, failed atomic.Int64
	var firstErr atomic.Value
	conns := make([]*websocket.Conn, n)
	start := time.Now()
	var wg sync.WaitGroup
	slots := make(chan struct{}, *liveDialers)
	for c := 0; c < n; c++ {
		slots <- struct{}{}
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			defer func() { <-slots }()
			ws, err := dialLive(bases[c%len(bases)], site.key, site.widget, origin, c)
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			conns[c] = ws
			connected.Add(1)
		}(c)
	}
	wg.Wait()
	connectTime := time.Since(start)
	fmt.Printf("connect: %d of %d connected (hello received) in %s; %d failed", connected.Load(), n, connectTime.Round(time.Millisecond), failed.Load())
	if e := firstErr.Load(); e != nil {
		fmt.Printf(" (first error: %s)", e)
	}
	fmt.Println()

	var readers sync.WaitGroup
	for c, ws := range conns {
		if ws == nil {
			continue
		}
		readers.Add(1)
		go func(c int, ws *websocket.Conn) {
			defer readers.Done()
			readLive(ws, func(i int, at time.Time) {
				if i >= 0 && i < events && got[i][c] == 0 {
					got[i][c] = int32(max(1, at.Sub(time.Unix(0, sent[i].Load())).Microseconds()))
				}
			})
		}(c, ws)
	}

	rss := serverRSS() // with every connection open, before the events
	stopProfile := startProfile(*liveProfile)
	serverCPU0, ownCPU0 := serverCPU(), ownCPU()
	posts := make([]time.Duration, events)
	for i := 0; i < events; i++ {
		t0 := time.Now()
		sent[i].Store(t0.UnixNano())
		if err := postEvent(base, token, site.id, i); err != nil {
			fmt.Fprintln(os.Stderr, "beckonbench: post event:", err)
			os.Exit(1)
		}
		posts[i] = time.Since(t0)
		time.Sleep(*liveEvery)
	}
	time.Sleep(5 * time.Second) // the last event's stragglers
	rssAfter := serverRSS()
	serverCPU1, ownCPU1 := serverCPU(), ownCPU()
	stopProfile()
	for _, ws := range conns {
		if ws != nil {
			ws.Close()
		}
	}
	readers.Wait()
	fmt.Printf("POST answered (202) in: %s\n", percentiles(posts))
	reportLive(got, int(connected.Load()), conns)
	fmt.Printf("server RSS: %s with the connections open, %s after the events\n", rss, rssAfter)
	fmt.Printf("CPU per event while posting (of the 2 cores): server %s, this tool %s\n",
		(serverCPU1-serverCPU0)/time.Duration(events), (ownCPU1-ownCPU0)/time.Duration(events))
}

// startProfile writes the tool's CPU profile to path until the returned
// function is called; with no path it does nothing. The readers' share of
// the two cores is half the cost of a broadcast, so it is worth a look.
func startProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "beckonbench: cpu profile:", err)
		os.Exit(1)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

// serverCPU is the CPU time (user and system) the -server-pids processes
// have used, from /proc/<pid>/stat (in clock ticks of 10 ms).
func serverCPU() time.Duration {
	var total time.Duration
	for _, pid := range strings.Split(*livePIDs, ",") {
		stat, err := os.ReadFile("/proc/" + strings.TrimSpace(pid) + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: state is the 3rd
		// field of the line, utime and stime the 14th and 15th.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.Atoi(f[11])
			s, _ := strconv.Atoi(f[12])
			total += time.Duration(u+s) * 10 * time.Millisecond
		}
	}
	return total
}

// ownCPU is the CPU time this process has used.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type liveSite struct{ id, key, widget string }

// createLiveSite makes a site with a social proof widget.
func createLiveSite(base, token, origin string) (liveSite, error) {
	var site struct{ ID, Key string }
	body := fmt.Sprintf(`{"name":"live bench","origins":[%q],"timezone":"Europe/Moscow","locale":"ru","region":"RU"}`, origin)
	if err := post(base+"/api/v1/sites", token, body, &site); err != nil {
		return liveSite{}, err
	}
	var widget struct{ ID string }
	if err := post(base+"/api/v1/sites/"+site.ID+"/widgets", token, `{"type":"social_proof"}`, &widget); err != nil {
		return liveSite{}, err
	}
	return liveSite{id: site.ID, key: site.Key, widget: widget.ID}, nil
}

// dialLive opens connection c and waits for its hello. Each connection
// comes from its own address (X-Forwarded-For from 198.18.0.0/15, reserved
// for benchmarks), as visitors behind a reverse proxy do.
func dialLive(base, key, widget, origin string, c int) (*websocket.Conn, error) {
	d := websocket.Dialer{HandshakeTimeout: 60 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 256}
	h := http.Header{}
	h.Set("Origin", origin)
	h.Set("X-Forwarded-For", fmt.Sprintf("198.%d.%d.%d", 18+(c>>16&1), c>>8&255, c&255))
	url := strings.Replace(base, "http", "ws", 1) + "/w/v1/" + key + "/live?widget_id=" + widget +
		"&visitor_id=bench-" + strconv.Itoa(c) + "&page=/p" + strconv.Itoa(c%10)
	ws, resp, err := d.Dial(url, h)
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
		}
		return nil, err
	}
	_ = ws.SetReadDeadline(time.Now().Add(60 * time.Second))
	_, msg, err := ws.ReadMessage()
	if err != nil || !bytes.Contains(msg, []byte(`"type":"hello"`)) {
		ws.Close()
		return nil, fmt.Errorf("no hello: %v %.80s", err, msg)
	}
	_ = ws.SetReadDeadline(time.Time{})
	return ws, nil
}

// readLive calls arrived with the number of each bench event that comes,
// until the connection closes. It finds the id by its bytes instead of
// decoding JSON, into a buffer of its own: 15,000 readers share the cores
// with the server.
func readLive(ws *websocket.Conn, arrived func(i int, at time.Time)) {
	marker := []byte(`"type":"event","event":{"id":"bench-`)
	buf := make([]byte, 1024) // an event's message is about 250 bytes
	for {
		_, r, err := ws.NextReader()
		if err != nil {
			return
		}
		n, err := io.ReadFull(r, buf)
		at := time.Now()
		if err == nil {
			_, _ = io.Copy(io.Discard, r) // longer than any bench event
		}
		msg := buf[:n]
		k := bytes.Index(msg, marker)
		if k < 0 {
			continue
		}
		rest := msg[k+len(marker):]
		end := bytes.IndexByte(rest, '"')
		if i, err := strconv.Atoi(string(rest[:max(end, 0)])); err == nil {
			arrived(i, at)
		}
	}
}

func postEvent(base, token, siteID string, i int) error {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(base + "/api/v1/sites/" + siteID + "/events")
	req.Header.SetMethod("POST")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.SetContentType("application/json")
	req.SetBodyString(fmt.Sprintf(`{"events":[{"id":"bench-%d","type":"purchase","name":"Maria Ivanova","city":"Bryansk","product":"Apple Watch","time":%q}]}`,
		i, time.Now().UTC().Format(time.RFC3339Nano)))
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		return err
	}
	if resp.StatusCode() != 202 {
		return fmt.Errorf("%d %s", resp.StatusCode(), resp.Body())
	}
	return nil
}

// reportLive prints the delays of every delivery, the time each event took
// to reach every connection, and the deliveries lost.
func reportLive(got [][]int32, connected int, conns []*websocket.Conn) {
	var all, last []time.Duration
	lost := 0
	for _, row := range got {
		worst := time.Duration(0)
		for c, us := range row {
			if conns[c] == nil {
				continue
			}
			if us == 0 {
				lost++
				continue
			}
			d := time.Duration(us) * time.Microsecond
			all = append(all, d)
			worst = max(worst, d)
		}
		last = append(last, worst)
	}
	fmt.Printf("deliveries: %d of %d (%d events × %d connections); lost: %d\n", len(all), len(got)*connected, len(got), connected, lost)
	fmt.Printf("POST → arrival, every delivery: %s\n", percentiles(all))
	fmt.Printf("POST → arrival at the last connection, per event: %s\n", percentiles(last))
}

func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p float64) time.Duration {
		return ds[min(len(ds)-1, int(float64(len(ds))*p))].Round(100 * time.Microsecond)
	}
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s", pct(.50), pct(.90), pct(.99), ds[len(ds)-1].Round(100*time.Microsecond))
}

// serverRSS reads VmRSS of each -server-pids process.
func serverRSS() string {
	if *livePIDs == "" {
		return "(no -server-pids)"
	}
	var out []string
	for _, pid := range strings.Split(*livePIDs, ",") {
		status, err := os.ReadFile("/proc/" + strings.TrimSpace(pid) + "/status")
		if err != nil {
			out = append(out, pid+": "+err.Error())
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				out = append(out, pid+": "+strings.Join(strings.Fields(v), " "))
			}
		}
	}
	return strings.Join(out, ", ")
}

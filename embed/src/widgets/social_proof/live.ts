// The live feed: one connection per tab to
//   GET {base}/w/v1/{siteKey}/live          WebSocket (JSON text messages)
//   GET {base}/w/v1/{siteKey}/live/events   Server-Sent Events, the same messages
//   GET {base}/w/v1/{siteKey}/live/poll     {events, viewers}, every 15–30 s
// each with ?widget_id&visitor_id&page&since. The server sends
// {"type":"hello",events,viewers} on connect, then "event", "delete",
// "viewers", "show" (the owner's push) and "reconnect" just before it shuts
// down. A poll answer lists the pushes of the last minute under "show";
// each push reaches `on` as one {"type":"show"} message, once per tab
// session whichever way it came (its push_id is remembered).
//
// A connection that closes after it worked is opened again after a jittered,
// growing delay (1 s, 2 s, 4 s … 30 s, each times 0.5–1), with `since`: the
// largest event seq seen (the site's order of storing, so an order a shop
// reports late is not missed), and the server sends only what was missed. Where a
// WebSocket never opens (a proxy or a firewall that blocks it) the feed falls
// back to SSE after WS_TRIES failures, and to polling after SSE_TRIES.

import type { Msg } from './model';

const WS_TRIES = 3;
const SSE_TRIES = 2;
const MAX_DELAY = 30e3;

export interface FeedOptions {
  /** The WebSocket URL without the query. */
  ws: string;
  /** The http(s) URL of the live routes without the query: + '/events', + '/poll'. */
  http: string;
  /** The query, with the current `since` unless for a poll. */
  query(poll: boolean): string;
  /** Every message; poll answers arrive as {type: "poll", events, viewers}. */
  on(m: Msg): void;
}

/** Push ids this tab has passed on (sessionStorage, so a poll on the next page does not repeat them). */
const PUSHES_KEY = 'beckon_pushes';
let pushesSeen: string[] | null = null;

/** Whether the push is new to this tab; it is noted as seen. */
function firstTime(id: string): boolean {
  if (!pushesSeen) {
    try {
      pushesSeen = JSON.parse(sessionStorage.getItem(PUSHES_KEY) || '[]');
    } catch (e) {}
    if (!Array.isArray(pushesSeen)) pushesSeen = [];
  }
  if (pushesSeen.indexOf(id) >= 0) return false;
  pushesSeen = pushesSeen.concat(id).slice(-30);
  try {
    sessionStorage.setItem(PUSHES_KEY, JSON.stringify(pushesSeen));
  } catch (e) {}
  return true;
}

/** Opens the feed, for as long as the page lives or until the returned stop is called. */
export function feed(o: FeedOptions): () => void {
  let mode: 'ws' | 'sse' | 'poll' = typeof WebSocket === 'function' ? 'ws' : typeof EventSource === 'function' ? 'sse' : 'poll';
  let fails = 0; // consecutive failures to open in this mode
  let attempt = 0; // consecutive reconnects, for the backoff
  let timer: ReturnType<typeof setTimeout> | undefined;
  let close: (() => void) | null = null;

  const backoff = () => Math.min(MAX_DELAY, 1e3 * Math.pow(2, attempt++)) * (0.5 + Math.random() / 2);

  let stopped = false;

  function later(ms: number) {
    clearTimeout(timer);
    if (close) close();
    close = null;
    if (!stopped) timer = setTimeout(open, ms);
  }

  /** A connection ended; opened tells whether it had worked. */
  function ended(opened: boolean) {
    if (opened) fails = 0;
    else if (++fails >= (mode === 'ws' ? WS_TRIES : SSE_TRIES) && mode !== 'poll') {
      mode = mode === 'ws' && typeof EventSource === 'function' ? 'sse' : 'poll';
      fails = 0;
      attempt = 0;
      return later(0);
    }
    later(backoff());
  }

  function message(data: string) {
    let m: Msg;
    try {
      m = JSON.parse(data);
    } catch (e) {
      return;
    }
    if (!m || typeof m !== 'object') return;
    attempt = 0;
    // The server is going away: reconnect soon, spread over a second or two
    // so that its visitors do not all arrive at once.
    if (m.type === 'reconnect') return later(250 + Math.random() * 1500);
    if (m.type === 'show') return show(m);
    o.on(m);
  }

  function show(m: Msg) {
    if (typeof m.push_id === 'string' && typeof m.widget === 'string' && firstTime(m.push_id)) o.on(m);
  }

  function open() {
    const url = '?' + o.query(mode === 'poll');
    if (mode === 'ws') {
      let opened = false;
      let done = false;
      const ws = new WebSocket(o.ws + url);
      const end = () => {
        if (done) return;
        done = true;
        ended(opened);
      };
      ws.onopen = () => (opened = true);
      ws.onmessage = (e) => typeof e.data === 'string' && message(e.data);
      ws.onclose = end;
      ws.onerror = end;
      close = () => {
        done = true;
        ws.close();
      };
    } else if (mode === 'sse') {
      let opened = false;
      const es = new EventSource(o.http + '/events' + url);
      es.onopen = () => (opened = true);
      es.onmessage = (e) => message(e.data);
      // EventSource would reconnect by itself, without our `since`: close it
      // and do it ourselves.
      es.onerror = () => {
        es.close();
        close = null;
        ended(opened);
      };
      close = () => es.close();
    } else {
      poll(url);
    }
  }

  function poll(url: string) {
    fetch(o.http + '/poll' + url, { credentials: 'omit' })
      .then((r) => {
        if (!r.ok) throw r.status;
        return r.json();
      })
      .then((j: Msg) => {
        if (stopped) return;
        attempt = 0;
        later(15e3 + Math.random() * 15e3);
        o.on({ type: 'poll', events: j.events, viewers: j.viewers, now: j.now, no_pushes: j.no_pushes });
        (Array.isArray(j.show) ? j.show : []).forEach((p) => p && p.type === 'show' && show(p));
      })
      .catch(() => later(Math.max(15e3, backoff())));
  }

  // A page kept in the back/forward cache closes its connection (an open
  // one would keep it out of the cache) and opens it again when shown.
  addEventListener('pagehide', () => {
    clearTimeout(timer);
    if (close) close();
    close = null;
  });
  addEventListener('pageshow', (e) => e.persisted && later(0));

  open();
  return () => {
    stopped = true;
    later(0);
  };
}

// Trigger analytics (docs/TRIGGERS.md, "Analytics"): the engine tells the
// server what became of the showings it caused: shown (by which trigger),
// closed without converting (a dismissal), converted. One small beacon
// each, which the browser delivers even when the page is being left.

export type Event = 'shown' | 'closed' | 'converted';

/** Limits of the server (triggerstats): longer values are refused, so cut here. */
const MAX_PAGE = 300;
const MAX_SOURCE = 100;

/**
 * Returns the function that reports event of widget id's showing by
 * trigger; source is the visit's utm_source, else its referrer's host,
 * else "direct".
 */
export function reporter(base: string, key: string, visitorId: string, source: string) {
  const src = (source || 'direct').slice(0, MAX_SOURCE);
  return (id: string, event: Event, trigger: string) => {
    const url = base + '/w/v1/' + encodeURIComponent(key) + '/widgets/' + encodeURIComponent(id) + '/trigger-events';
    const body = JSON.stringify({ visitor_id: visitorId, event, trigger, page: location.pathname.slice(0, MAX_PAGE), source: src });
    // A string goes as text/plain: a simple request, no CORS preflight
    // (the server reads the body as JSON whatever its type says).
    try {
      if (navigator.sendBeacon(url, body)) return;
    } catch (e) {
      // no beacons: fetch below
    }
    fetch(url, { method: 'POST', body, keepalive: true, credentials: 'omit' }).catch(() => {});
  };
}

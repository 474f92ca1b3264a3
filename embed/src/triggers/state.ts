// What the engine remembers of a visitor, in localStorage (one key per
// site): the visit, and per widget how often it was shown, dismissed and
// whether the visitor converted. Storage blocked: the same state for this
// page view only, so caps still hold within the page. Another tab of the
// site writes the same key: a widget's record is read afresh before it is
// judged or changed, so a dismissal in one tab counts in the other.

/** A visit ends after this long without a page view. */
export const VISIT_GAP = 30 * 60 * 1000;

export interface Seen {
  /** Start of the visit the count c belongs to. */
  v: number;
  /** Showings in that visit. */
  c: number;
  /** Time of the last showing. */
  t: number;
  /** Dismissals: closed without converting, after a showing of the engine's. */
  d: number;
  /** 1 once the visitor converted (a lead, a call asked for). */
  x?: 1;
}

export interface State {
  /** Visits so far (1: a new visitor). */
  n: number;
  /** Start of this visit. */
  s: number;
  /** Time of the last page view. */
  l: number;
  /** Pages viewed in this visit, this one included. */
  p: number;
  /** utm_source of this visit, lower case ('' when none). */
  u: string;
  /** Host of the page that referred the visit's first page ('' when none, or the site itself). */
  r?: string;
  w: Record<string, Seen>;
}

export interface Store {
  /** The visit as this page view found it. */
  state: State;
  /** Widget id's record as stored now. */
  seen(id: string): Seen;
  /** Changes widget id's record in storage. */
  change(id: string, fn: (s: Seen) => void): void;
}

/** Reads the state of site key and counts this page view at time now. */
export function open(key: string, now: number, search: string, referrer: string): Store {
  const name = 'beckon_trg_' + key;
  const read = (): State | null => {
    try {
      const st = JSON.parse(localStorage.getItem(name) || 'null');
      return st && typeof st.n === 'number' && st.w ? st : null;
    } catch (e) {
      return null; // blocked or damaged: start afresh
    }
  };
  const write = (st: State) => {
    try {
      localStorage.setItem(name, JSON.stringify(st));
    } catch (e) {
      // blocked: kept for this page view
    }
  };
  const st = read() || { n: 0, s: 0, l: 0, p: 0, u: '', w: {} };
  const utm = (new URLSearchParams(search).get('utm_source') || '').trim().toLowerCase();
  if (now - st.l > VISIT_GAP || now < st.l) {
    st.n++;
    st.s = now;
    st.p = 0;
    st.u = utm;
    st.r = hostOf(referrer);
  } else if (utm) st.u = utm;
  st.p++;
  st.l = now;
  write(st);
  let w = st.w;
  const seen = (id: string) => {
    w = (read() || st).w;
    const s = (w[id] = w[id] || { v: 0, c: 0, t: 0, d: 0 });
    // Showings count per visit: another visit's count starts again.
    if (s.v !== st.s) {
      s.v = st.s;
      s.c = 0;
    }
    return s;
  };
  return {
    state: st,
    seen,
    change(id, fn) {
      fn(seen(id));
      const fresh = read() || st;
      fresh.w[id] = w[id];
      write(fresh);
    },
  };
}

/** The host of an address other than this site's, without "www."; '' for none or this site. */
function hostOf(url: string): string {
  try {
    const h = new URL(url).hostname.toLowerCase();
    return h === location.hostname ? '' : h.replace(/^www\./, '');
  } catch (e) {
    return '';
  }
}

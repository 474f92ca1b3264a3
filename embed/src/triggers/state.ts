// What the engine remembers of a visitor, in localStorage (one key per
// site): the visit, and per widget how often it was shown, dismissed and
// whether the visitor converted. Storage blocked: the same state for this
// page view only, so caps still hold within the page.

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
  w: Record<string, Seen>;
}

export interface Store {
  state: State;
  save(): void;
  seen(id: string): Seen;
}

/** Reads the state of site key and counts this page view at time now. */
export function open(key: string, now: number, search: string): Store {
  const name = 'beckon_trg_' + key;
  let st: State | null = null;
  try {
    st = JSON.parse(localStorage.getItem(name) || 'null');
  } catch (e) {
    // blocked or damaged: start afresh
  }
  if (!st || typeof st.n !== 'number' || !st.w) st = { n: 0, s: 0, l: 0, p: 0, u: '', w: {} };
  const utm = (new URLSearchParams(search).get('utm_source') || '').trim().toLowerCase();
  if (now - st.l > VISIT_GAP || now < st.l) {
    st.n++;
    st.s = now;
    st.p = 0;
    st.u = utm;
  } else if (utm) st.u = utm;
  st.p++;
  st.l = now;
  const state = st;
  const store: Store = {
    state,
    save() {
      try {
        localStorage.setItem(name, JSON.stringify(state));
      } catch (e) {
        // blocked: kept for this page view
      }
    },
    seen(id) {
      const s = (state.w[id] = state.w[id] || { v: 0, c: 0, t: 0, d: 0 });
      if (s.v !== state.s) {
        s.v = state.s;
        s.c = 0;
      }
      return s;
    },
  };
  store.save();
  return store;
}

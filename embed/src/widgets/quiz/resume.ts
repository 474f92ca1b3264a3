// Where a visitor left a quiz: {widget id, session id} in localStorage, so a
// reload continues at the saved step, and the resume link's fragment
// #beckon-quiz=<widget id>.<session id>, which opens the quiz there on any
// page of the site.

export interface Saved {
  wid: string;
  sid: string;
  /** The quiz was open when the page went: a reload opens it again. */
  open?: boolean;
}

const key = (wid: string) => 'beckon_quiz_' + wid;

export function load(wid: string): Saved | null {
  try {
    const s = JSON.parse(localStorage.getItem(key(wid)) || 'null');
    return s && s.wid === wid && typeof s.sid === 'string' ? s : null;
  } catch (e) {
    return null; // storage blocked or garbage: nothing saved
  }
}

export function save(s: Saved): void {
  try {
    localStorage.setItem(key(s.wid), JSON.stringify(s));
  } catch (e) {
    // storage blocked: this page view only
  }
}

export function forget(wid: string): void {
  try {
    localStorage.removeItem(key(wid));
  } catch (e) {
    // storage blocked
  }
}

const FRAGMENT = /#beckon-quiz=([\w-]+)\.([\w-]+)$/;

/** The session id of the page's resume fragment when it names wid; the fragment is then dropped from the address. */
export function fromFragment(wid: string): string {
  const m = FRAGMENT.exec(location.hash);
  if (!m || m[1] !== wid) return '';
  try {
    history.replaceState(history.state, '', location.href.replace(FRAGMENT, ''));
  } catch (e) {
    // the address keeps it: harmless
  }
  return m[2];
}

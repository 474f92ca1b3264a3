// The page signals the triggers need, watched with passive listeners and one
// slow tick: nothing here does more than compare a few numbers, so the
// engine never holds the main thread (docs/TRIGGERS.md, "Cost").

/** How the engine reads the time and what it does when a signal comes. */
export interface Watcher {
  now(): number;
  /** A momentary signal: exit intent, on desktop or on a phone. */
  exit(): void;
  /** Something changed: evaluate the triggers now. */
  check(): void;
}

/** A phone's "idle after reading": half the page seen, then this long without a touch. */
export const READ_IDLE = 10 * 1000;
/** A phone's fast scroll up: at least this share of the screen's height… */
const UP_SHARE = 0.3;
/** …within this many milliseconds (event time, not the engine's clock). */
const UP_WINDOW = 500;

export interface Page {
  /** When the visitor last moved, touched, scrolled or typed (engine clock). */
  active: number;
  /** The deepest the visitor has scrolled, in % of the page's height. */
  depth: number;
  stop(): void;
}

export function watch(wt: Watcher, phone: boolean): Page {
  const d = document;
  const de = d.documentElement;
  const pg: Page = { active: wt.now(), depth: 0, stop };
  const opts = { passive: true, capture: true };
  const measure = () => {
    const p = ((scrollY + innerHeight) / Math.max(1, de.scrollHeight)) * 100;
    if (p > pg.depth) pg.depth = Math.min(100, p);
  };
  const active = () => {
    pg.active = wt.now();
  };

  // Fast scroll up on a phone: the run upwards starts at `from`.
  let lastY = scrollY;
  let from: { y: number; t: number } | null = null;
  let framed = false;
  const scrolled = (e: Event) => {
    active();
    const y = scrollY;
    if (y >= lastY) from = null;
    else {
      if (!from || e.timeStamp - from.t > UP_WINDOW) from = { y: lastY, t: e.timeStamp };
      if (phone && from.y - y >= innerHeight * UP_SHARE) {
        from = null;
        wt.exit();
      }
    }
    lastY = y;
    if (!framed) {
      framed = true;
      requestAnimationFrame(() => {
        framed = false;
        measure();
        wt.check();
      });
    }
  };
  // The pointer leaves the window through its top edge (towards the tabs
  // and the address bar).
  const out = (e: MouseEvent) => {
    if (!e.relatedTarget && e.clientY <= 0) wt.exit();
  };
  // A phone's tab hidden (another app, the tab list) and shown again.
  let hidden = false;
  const vis = () => {
    if (d.hidden) hidden = true;
    else if (hidden) {
      hidden = false;
      if (phone) wt.exit();
    }
    wt.check();
  };
  // Typing ended: what waited for it may show. After the focus has moved.
  const blur = () => setTimeout(wt.check, 0);

  const listen = (on: boolean) => {
    const f = on ? addEventListener : removeEventListener;
    for (const n of ['mousemove', 'keydown', 'touchstart', 'pointerdown', 'wheel']) f(n, active, opts);
    f('scroll', scrolled, opts);
    f('focusout', blur, opts);
    (on ? d.addEventListener : d.removeEventListener).call(d, 'mouseout', out as EventListener, opts);
    (on ? d.addEventListener : d.removeEventListener).call(d, 'visibilitychange', vis, opts);
  };
  listen(true);
  measure();
  function stop() {
    listen(false);
  }
  return pg;
}

/** Whether the visitor is typing: the focus is in a text field or editable text, of the page or of a widget. */
export function typing(): boolean {
  let a: Element | null = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a) return false;
  const tag = a.tagName;
  return (
    (a as HTMLElement).isContentEditable ||
    tag === 'TEXTAREA' ||
    tag === 'SELECT' ||
    (tag === 'INPUT' && !/^(button|submit|reset|checkbox|radio|range|color|file|image|hidden)$/.test((a as HTMLInputElement).type))
  );
}

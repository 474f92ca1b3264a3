// The social proof widget: notices of real events on the site ("Maria from
// Bryansk bought an Apple Watch", with their real age) and the live count of
// the people on the page, from the server's live feed (live.ts). Nothing here
// can create an event: the browser only receives them.
//
// One feed per tab: the first social proof widget that shows on this page
// opens it, any other is left out. A page the include/exclude rules leave
// out, or a phone when settings.mobile is false, opens none.
//
// A notice shows settings.delay_seconds after the page loads, stays
// display_seconds (longer while the pointer or the focus is on it), and the
// next follows interval_seconds after; at most max_per_visit per browser
// session, never one the visitor has seen (memory.ts). Each shown notice is
// reported (POST /live/notices/{id} "impression"); a click on one with a url
// reports "click" and opens it. Every value is text (textContent): nothing an
// event carries is ever parsed as HTML.
//
// The feed also brings the owner's pushes (a widget to show now): each is
// passed on once as the page event live:show {id: widget, pages, push_id},
// which the trigger engine turns into the widget's push trigger. On a page
// where the widget shows no notices it still carries them when the page
// has the trigger engine: the feed is then push-only (only=push: no events,
// no counts), and closes when the server says no widget of the site accepts
// pushes.
//
// Page events: social_proof:shown {id}, social_proof:click {id, url},
// live:show {id, pages, push_id}.

import type { WidgetContext, WidgetFactory } from '../../types';
import { adoptStyle, h, icon } from '../_shared/dom';
import { fill, lang } from '../_shared/i18n';
import { feed } from './live';
import { memory } from './memory';
import type { Msg, PublicEvent, Viewers } from './model';
import { pageAllowed } from './pages';
import { css } from './style';
import { ago, plural, texts } from './texts';

interface Settings {
  position?: string;
  theme?: string;
  delay_seconds?: number;
  display_seconds?: number;
  interval_seconds?: number;
  max_per_visit?: number;
  max_age_hours?: number;
  include_pages?: string[];
  exclude_pages?: string[];
  mobile?: boolean;
  /** The owner's own notice per event type and language: {"purchase": {"ru": "…"}}. */
  templates?: Record<string, Record<string, string>>;
  viewers?: { enabled?: boolean; threshold?: number; scope?: string; round_down_to?: number };
}

const ICONS: Record<string, string> = {
  purchase: 'M18 6h-2a4 4 0 0 0-8 0H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2zm-6-2a2 2 0 0 1 2 2h-4a2 2 0 0 1 2-2zm6 16H6V8h2v2h2V8h4v2h2V8h2z',
  signup: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4z',
  review: 'M12 17.3 18.2 21l-1.6-7L22 9.2l-7.2-.6L12 2 9.2 8.6 2 9.2 7.5 14l-1.7 7z',
  callback: 'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z',
  custom: 'M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z',
};
const CLOSE_ICON = 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z';
/** The most notices waiting to be shown; older ones make room. */
const QUEUE = 30;
/** Space between this widget and what it stands above. */
const GAP = 12;
/** Other widgets' elements in a bottom corner: the callback button, a floating countdown, a countdown bar. */
const NEIGHBOURS = '.bkcb .fab,.bkqz .launch,.bkcd.floating,.bkcd.bottom_bar';
/** The longest wait for the other widgets of the page to render before this one shows anything. */
const SETTLE_MS = 3e3;

let running = false;
/** Stops the push-only feed of a widget that shows no notices on this page, while one is open. */
let pushOnly: (() => void) | null = null;

/** The live routes' base URL. */
const liveBase = (ctx: WidgetContext<any>) => ctx.base + '/w/v1/' + encodeURIComponent(ctx.site.key) + '/live';

/** Passes a push on to the page (and the trigger engine). */
function pushed(ctx: WidgetContext<any>, m: Msg) {
  ctx.emit('live:show', { id: m.widget, pages: m.pages || {}, push_id: m.push_id });
}

/** The feed of a page without notices: pushes only, closed when the site takes none. */
function carryPushes(ctx: WidgetContext<any>) {
  const base = liveBase(ctx);
  const stop = feed({
    ws: base.replace(/^http/, 'ws'),
    http: base,
    query: () => new URLSearchParams({ widget_id: ctx.widget.id, visitor_id: ctx.visitorId, page: location.pathname, only: 'push' }).toString(),
    on(m) {
      if (m.type === 'show') pushed(ctx, m);
      else if (m.no_pushes) {
        stop();
        pushOnly = null;
      }
    },
  });
  return stop;
}

const num = (v: unknown, def: number, min: number) => (typeof v === 'number' && isFinite(v) && v >= min ? v : def);
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** An http(s) URL as an absolute href, or '' for anything else (javascript:, data: …). */
function safeURL(u: string): string {
  try {
    const url = new URL(u, location.href);
    return /^https?:$/.test(url.protocol) ? url.href : '';
  } catch (e) {
    return '';
  }
}

const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

const factory: WidgetFactory<Settings> = (ctx) => {
  const s = ctx.widget.settings || {};
  const id = ctx.widget.id;
  const phone = typeof matchMedia === 'function' && matchMedia('(max-width: 600px)').matches;
  if (!pageAllowed(location.pathname, s.include_pages, s.exclude_pages) || (s.mobile === false && phone)) {
    // Pushes need the trigger engine, which the loader mounts (its container
    // first, with every widget's) only when some widget has a trigger block:
    // without it this page opens no connection at all.
    if (!running && !pushOnly && ctx.shadow.querySelector('[data-type="triggers"]')) pushOnly = carryPushes(ctx);
    return;
  }
  if (running) return;
  running = true;
  if (pushOnly) pushOnly();
  pushOnly = null;

  const locale = lang(ctx.locale);
  const t = texts[locale];
  const word = plural(locale);
  const mem = memory(ctx.site.key, id);
  const delay = num(s.delay_seconds, 5, 0) * 1e3;
  const display = num(s.display_seconds, 6, 1) * 1e3;
  const interval = num(s.interval_seconds, 10, 0) * 1e3;
  const maxPer = num(s.max_per_visit, 5, 0);
  const maxAge = num(s.max_age_hours, 168, 0) * 36e5;
  const v = s.viewers || {};
  const round = num(v.round_down_to, 0, 0);

  // ---- the DOM ----------------------------------------------------------------
  const counted = v.enabled !== false;
  const box = h('div', { class: 'bksp' + (s.position === 'bottom-right' ? ' right' : '') + (s.theme === 'dark' ? ' dark' : '') + (counted ? ' counted' : '') });
  const region = h('div', { class: 'live', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'aria-label': t.label });
  // The count is one element per text: a new number is a new element, not
  // a resized one (whose left edge would move when anchored on the right,
  // a layout shift).
  const newBadge = (text: string) => h('div', { class: 'badge' + (text ? '' : ' off') }, h('span', { class: 'dot', 'aria-hidden': 'true' }), text);
  let badge = newBadge('');
  box.appendChild(region);
  if (counted) box.appendChild(badge);
  adoptStyle(ctx.shadow, ctx.root, css);
  ctx.root.appendChild(box);

  /**
   * Stands above the other widgets' elements in this corner (the callback
   * button, a floating countdown, a bar at the bottom): whatever of theirs
   * shares this widget's columns and sits in the lower half of the window.
   */
  function place() {
    const me = box.getBoundingClientRect();
    const vh = innerHeight;
    let bottom = phoneWide() ? 8 : 20;
    ctx.shadow.querySelectorAll(NEIGHBOURS).forEach((el) => {
      const r = el.getBoundingClientRect();
      if (r.width && r.top > vh / 2 && r.left < me.right && r.right > me.left) bottom = Math.max(bottom, vh - r.top + GAP);
    });
    box.style.bottom = Math.ceil(bottom) + 'px';
  }
  const phoneWide = () => innerWidth <= 480;

  // Nothing shows until the page's other widgets have rendered (or for
  // SETTLE_MS at most): this widget's place depends on theirs, and moving
  // it once shown would be a layout shift.
  let settled = false;
  const pending = () => Array.prototype.some.call(ctx.shadow.querySelectorAll('[part="widget"]'), (r: Element) => r !== ctx.root && !r.childElementCount);
  function settle() {
    if (settled) return;
    settled = true;
    place();
    viewers(lastViewers);
    schedule();
  }
  setTimeout(settle, SETTLE_MS);
  addEventListener('resize', place);
  // The callback button or a countdown may arrive after this widget, and a
  // bar at the bottom lifts the button by a custom property on the host.
  if (typeof MutationObserver === 'function') {
    const obs = new MutationObserver(() => {
      place();
      if (!pending()) settle();
    });
    obs.observe(ctx.shadow, { childList: true, subtree: true });
    obs.observe(ctx.shadow.host, { attributes: true, attributeFilter: ['style'] });
  }

  // ---- the live count -----------------------------------------------------------
  let lastViewers: Viewers | null | undefined;
  function viewers(vw: Viewers | null | undefined) {
    lastViewers = vw;
    if (!settled) return;
    let n = vw ? num(v.scope === 'site' ? vw.site : vw.page, 0, 0) : 0;
    // Rounded down, never up; nothing below the threshold.
    if (round > 0) n -= n % round;
    const on = n > 0 && n >= num(v.threshold, 3, 1);
    const text = on ? word(v.scope === 'site' ? t.viewers.site : t.viewers.page, n) : '';
    if (text !== badge.textContent) {
      const b = newBadge(text);
      badge.replaceWith(b);
      badge = b;
    }
  }

  // ---- the notices --------------------------------------------------------------
  let queue: PublicEvent[] = [];
  let current: { ev: PublicEvent; el: HTMLElement } | null = null;
  let offset = 0; // the server's clock minus ours, when it says
  // Where a reconnect resumes: the largest seq seen; the newest time only
  // from a server that numbers no events.
  let since = '';
  let sinceSeq = 0;
  let sinceMs = 0;
  let readyAt = Date.now() + delay;
  let hiddenAt = 0;
  let next: ReturnType<typeof setTimeout> | undefined;
  let hideTimer: ReturnType<typeof setTimeout> | undefined;

  const age = (ev: PublicEvent) => Date.now() + offset - Date.parse(ev.time);
  const fresh = (ev: PublicEvent) => !(age(ev) > maxAge) && !mem.seen(ev.id);
  const done = () => mem.hidden() || mem.count() >= maxPer;

  /** The notice's sentence: the owner's template for its type and language, else ours, whichever has all its values. */
  function sentence(ev: PublicEvent): string {
    const vals: Record<string, string> = { name: str(ev.name) || t.someone, city: str(ev.city), product: str(ev.product) };
    const tpl = (t.templates as Record<string, Record<string, string>>)[ev.type] || t.templates.custom;
    const own = s.templates && s.templates[ev.type];
    const all = [ev.type === 'custom' ? str(ev.text) : '', own ? str(own[locale]) : '', tpl.full, tpl.no_city, tpl.no_product, tpl.bare];
    const complete = (c: string) => (c.match(/\{\w+\}/g) || []).every((m) => vals[m.slice(1, -1)] !== '');
    for (const c of all) if (c && complete(c)) return fill(c, vals);
    return vals.name;
  }

  function report(ev: PublicEvent, action: string) {
    return ctx
      .api('/live/notices/' + encodeURIComponent(ev.id), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ widget_id: id, visitor_id: ctx.visitorId, action }),
        keepalive: true,
      })
      .catch(() => undefined);
  }

  function schedule() {
    clearTimeout(next);
    if (!settled || current || done() || !queue.length) return;
    next = setTimeout(showNext, Math.max(0, readyAt - Date.now(), hiddenAt + interval - Date.now()));
  }

  function showNext() {
    if (document.hidden) return; // visibilitychange brings it back
    let ev: PublicEvent | undefined;
    while ((ev = queue.shift()) && !fresh(ev));
    if (ev && !current && !done()) show(ev);
  }

  function show(ev: PublicEvent) {
    const url = safeURL(str(ev.url));
    const img = safeURL(str(ev.image));
    const text = sentence(ev);
    const msg = url ? h('a', { class: 'msg', href: url }, text) : h('span', { class: 'msg' }, text);
    const pic = h('span', { class: 'pic', 'aria-hidden': 'true' });
    if (img) {
      const im = h('img', { src: img, alt: '', width: 48, height: 48, referrerpolicy: 'no-referrer', decoding: 'async' });
      // A broken picture gives way to the type's icon.
      im.onerror = () => pic.replaceChildren(icon(ICONS[ev.type] || ICONS.custom, ''));
      pic.appendChild(im);
    } else pic.appendChild(icon(ICONS[ev.type] || ICONS.custom, ''));
    const x = h('button', { type: 'button', class: 'x', 'aria-label': t.close, title: t.close }, icon(CLOSE_ICON, ''));
    const el = h('div', { class: 'card', 'data-id': ev.id }, pic, h('span', { class: 'txt' }, msg, h('span', { class: 'ago' }, ago(t, word, Math.max(0, age(ev))))), x);
    x.addEventListener('click', dismiss);
    if (url) {
      msg.addEventListener('click', (e) => {
        ctx.emit('social_proof:click', { id: ev.id, url });
        const sent = report(ev, 'click');
        // In this tab: go once the click is counted (or after 500 ms).
        if (e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        const go = () => location.assign(url);
        Promise.race([sent, new Promise((r) => setTimeout(r, 500))]).then(go, go);
      });
    }
    // The visitor is reading it: it stays while the pointer or the focus is on it.
    const hold = () => clearTimeout(hideTimer);
    const release = () => {
      clearTimeout(hideTimer);
      hideTimer = setTimeout(hide, display);
    };
    el.addEventListener('mouseenter', hold);
    el.addEventListener('focusin', hold);
    el.addEventListener('mouseleave', release);
    el.addEventListener('focusout', release);

    current = { ev, el };
    place();
    region.appendChild(el);
    mem.shown(ev.id);
    report(ev, 'impression');
    ctx.emit('social_proof:shown', { id: ev.id });
    release();
  }

  function hide() {
    clearTimeout(hideTimer);
    if (!current) return;
    const el = current.el;
    current = null;
    hiddenAt = Date.now();
    if (reducedMotion()) el.remove();
    else {
      el.classList.add('out');
      setTimeout(() => el.remove(), 250);
    }
    schedule();
  }

  /** The visitor (or the page API) closed the notices: none more in this visit. */
  function dismiss() {
    mem.hide(true);
    hide();
  }

  function add(ev: PublicEvent | undefined, first: boolean) {
    if (!ev || typeof ev.id !== 'string' || isNaN(Date.parse(ev.time))) return;
    const ms = Date.parse(ev.time);
    const seq = typeof ev.seq === 'number' ? ev.seq : 0;
    if (seq > sinceSeq) {
      sinceSeq = seq;
      since = String(seq);
    } else if (!sinceSeq && ms > sinceMs) {
      sinceMs = ms;
      since = ev.time;
    }
    if (!fresh(ev) || queue.some((q) => q.id === ev.id) || (current && current.ev.id === ev.id)) return;
    if (first) queue.unshift(ev);
    else queue.push(ev);
    queue = queue.slice(0, QUEUE);
  }

  function remove(evId: string | undefined) {
    queue = queue.filter((q) => q.id !== evId);
    if (current && current.ev.id === evId) hide();
  }

  function on(m: Msg) {
    if (m.type === 'show') return pushed(ctx, m);
    const now = Date.parse(m.now || '');
    if (!isNaN(now)) offset = now - Date.now();
    if (m.type === 'event') add(m.event, true);
    else if (m.type === 'delete') remove(m.id);
    else if (m.type === 'hello' || m.type === 'poll') {
      const evs = Array.isArray(m.events) ? m.events : [];
      if (m.type === 'poll') {
        // A poll lists the recent events: one we hold that is newer than the
        // oldest listed but missing was deleted.
        const ids = evs.map((e) => e.id);
        const oldest = evs.length ? Math.min(...evs.map((e) => Date.parse(e.time))) : -Infinity;
        const gone = (e: PublicEvent) => ids.indexOf(e.id) < 0 && !(Date.parse(e.time) < oldest);
        queue.filter(gone).forEach((e) => remove(e.id));
        if (current && gone(current.ev)) remove(current.ev.id);
      }
      evs.forEach((e) => add(e, false));
    }
    if (m.type !== 'event' && m.type !== 'delete') viewers(m.viewers);
    schedule();
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) schedule();
  });

  if (!pending()) settle();
  const base = liveBase(ctx);
  feed({
    ws: base.replace(/^http/, 'ws'),
    http: base,
    // A poll asks for every recent event (no since): what is missing from
    // the answer was deleted.
    query: (poll) => {
      const q = new URLSearchParams({ widget_id: id, visitor_id: ctx.visitorId, page: location.pathname });
      if (since && !poll) q.set('since', since);
      return q.toString();
    },
    on,
  });

  return {
    open() {
      mem.hide(false);
      readyAt = 0;
      schedule();
    },
    close: dismiss,
  };
};

window.beckon('define', 'social_proof', factory);

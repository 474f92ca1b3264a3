// The countdown widget: an honest timer. The deadline always comes from the
// server, never from the visitor's clock or from the settings: an evergreen
// visitor keeps one deadline across reloads, tabs and pages, and the timer on
// the site and the one in an e-mail (?bk_r=<recipient> on the link) agree.
//
// Server endpoint (under ctx.base + /w/v1/{siteKey}):
//   POST /timers/{widgetId}  {visitor_id, recipient?}
//        -> {deadline, now, state: "running"|"expired"}
//
// The visitor's clock may be wrong by hours: the remaining time is
// deadline - (Date.now() + offset), where offset is the server's clock minus
// ours, measured on the response (half the round trip added).
//
// Placements: top_bar and bottom_bar (a full-width bar, with a close button
// that hides it for the browser session; a top bar pushes the page down by
// its height unless settings.top_bar is "overlay", see push.ts; a bottom bar
// lifts the other widgets' buttons above itself), floating (a card in
// the bottom-left corner, likewise closable) and inline (rendered into the
// page's element matched by settings.selector, in a shadow root of its own,
// its final height reserved from the moment it is inserted).
//
// Triggers (settings.triggers, docs/TRIGGERS.md; bars and the floating card
// only): the timer loads as usual but stays off screen until the trigger
// engine shows it; a top bar then overlays the page, never pushes it.
//
// Page events: countdown:shown {id, deadline}, countdown:expired {id}.

import { triggerable, type Reporter } from '../../triggers/client';
import type { WidgetFactory } from '../../types';
import { palette } from '../_shared/color';
import { adoptStyle, h, icon } from '../_shared/dom';
import { lang } from '../_shared/i18n';
import { pagePush } from './push';
import { css } from './style';
import { texts } from './texts';
import { allForms, plural, shown, split, spoken, UNITS } from './time';

interface Settings {
  mode?: string;
  placement?: string;
  top_bar?: string;
  selector?: string;
  color?: string;
  title?: Record<string, string>;
  on_expire?: string;
  expired_message?: Record<string, string>;
  redirect_url?: string;
  triggers?: unknown;
  // Only hints for the size of the inline frame before the server answers;
  // the deadline itself always comes from the server.
  deadline?: string;
  duration_seconds?: number;
}

/** The answer of POST /timers/{id}. */
interface Timer {
  deadline: string;
  now: string;
  state: string;
}

const CLOSE_ICON = 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z';
const PLACEMENTS = ['top_bar', 'bottom_bar', 'floating', 'inline'];
/** How long an inline timer waits for its page element to appear (pages that render late). */
const FIND_MS = 10e3;
/** Retries of a failed request: after 2 s, then 6 s. */
const RETRY_MS = [2e3, 6e3];
/** Recurring timers: tries to get the next occurrence after one ended. */
const NEXT_TRIES = 5;
/** A recipient id from an e-mail link: letters, digits and the punctuation of tokens. */
const RECIPIENT = /^[\w.~:=+/-]{1,64}$/;

let memRecipient = '';

/**
 * The e-mail recipient this visitor came from: ?bk_r= on the page's URL,
 * kept in localStorage (beckon_r; in memory when storage is blocked) so
 * later pages send it too.
 */
function recipient(): string {
  let r = '';
  try {
    r = new URLSearchParams(location.search).get('bk_r') || '';
  } catch (e) {
    // no URLSearchParams: no recipient from the URL
  }
  if (!RECIPIENT.test(r)) r = '';
  try {
    if (r) localStorage.setItem('beckon_r', r);
    else r = localStorage.getItem('beckon_r') || '';
  } catch (e) {
    if (r) memRecipient = r;
    else r = memRecipient;
  }
  return RECIPIENT.test(r) ? r : '';
}

/** sessionStorage, or memory for this page view when storage is blocked. */
const mem: Record<string, string> = {};
const session = {
  get(k: string): boolean {
    try {
      return sessionStorage.getItem(k) === '1';
    } catch (e) {
      return mem[k] === '1';
    }
  },
  set(k: string, on: boolean) {
    try {
      if (on) sessionStorage.setItem(k, '1');
      else sessionStorage.removeItem(k);
    } catch (e) {
      mem[k] = on ? '1' : '';
    }
  },
};

const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

const factory: WidgetFactory<Settings> = (ctx) => {
  const settings = ctx.widget.settings || {};
  const id = ctx.widget.id;
  const locale = lang(ctx.locale);
  const t = texts[locale];
  const word = plural(locale);
  const own = (m: Record<string, string> | undefined) => (m && typeof m[locale] === 'string' && m[locale].trim()) || '';
  const placement = PLACEMENTS.indexOf(settings.placement || '') >= 0 ? settings.placement! : 'top_bar';
  const isInline = placement === 'inline';
  const recurring = settings.mode === 'recurring';
  const onExpire = settings.on_expire || 'hide';
  const closedKey = 'beckon_cd_closed_' + id;
  const title = own(settings.title) || t.title;
  const pusher = pagePush(ctx.site.key, id);
  // A bar shown by a trigger appears later: it must not push the page.
  const byTriggers = !!settings.triggers && !isInline;
  const push = placement === 'top_bar' && settings.top_bar !== 'overlay' && !byTriggers ? pusher : null;
  // This widget kept room on an earlier view but no longer pushes: give it back.
  if (!push && pusher.kept()) pusher.clear();

  // ---- the widget ----------------------------------------------------------
  const pal = palette(settings.color || '', '#dc2626');
  const wrap = h('div', { class: 'bkcd ' + placement });
  wrap.style.setProperty('--bk-bg', pal.strong);
  wrap.style.setProperty('--bk-fg', pal.onStrong);
  wrap.style.setProperty('--bk-brand', pal.brand);
  // Digits on white: the strong shade reads on white when white reads on it.
  wrap.style.setProperty('--bk-num', pal.onStrong === '#fff' ? pal.strong : '#111827');

  // Each unit: the number, and its word in a cell that also holds every
  // other form of the word, hidden, so the cell is as wide as the longest.
  const nums: HTMLElement[] = [];
  const words: HTMLElement[] = [];
  const units = UNITS.map((u) => {
    const n = h('span', { class: 'n' }, '--');
    const cur = h('span', { class: 'w' });
    const l = h('span', { class: 'l' }, cur, ...allForms(t.units[u]).map((f) => h('span', { class: 'sz' }, f)));
    nums.push(n);
    words.push(cur);
    return h('span', { class: 'u', 'data-unit': u }, n, l);
  });
  // Screen readers get the whole sentence from the timer's label, updated
  // once a minute; the ticking digits are hidden from them.
  const clock = h('div', { class: 'clock', role: 'timer', 'aria-live': 'off', 'aria-atomic': 'true' }, h('span', { class: 'digits', 'aria-hidden': 'true' }, ...units));
  const msg = h('p', { class: 'msg', role: 'status', hidden: true });
  const titleEl = h('p', { class: 'title', 'aria-hidden': 'true' }, title);
  const body = h('div', { class: 'body' }, titleEl, clock, msg);
  wrap.appendChild(body);
  if (!isInline) {
    const x = h('button', { type: 'button', class: 'x', 'aria-label': t.close, title: t.close }, icon(CLOSE_ICON, ''));
    x.addEventListener('click', () => dismiss());
    wrap.appendChild(x);
  }

  // ---- state ---------------------------------------------------------------
  let deadline = 0; // server clock, ms
  let offset = 0; // server clock minus ours, ms
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let finished = false; // expired and acted on
  let gone = false; // removed for good (on_expire hide, or no timer to show)
  let loading = false;
  // With triggers the engine's caps decide when it shows again, not the session.
  let dismissed = !isInline && !byTriggers && session.get(closedKey);
  /** Triggers: off screen until the engine (or the page API) shows it. */
  let waiting = byTriggers;
  let trig: Reporter | null = null;
  let host: HTMLElement | null = null; // inline: the element in the page
  let label = '';
  let shownFor = 0; // the deadline countdown:shown was emitted for
  let awaitingNext = false; // recurring: one occurrence ended, the next is asked for
  let nextTries = 0;

  const left = () => deadline - (Date.now() + offset);

  /** Shows whole seconds left; units above the largest non-zero one stay out. */
  function render(total: number) {
    const parts = split(total);
    const on = shown(total);
    for (let i = 0; i < 4; i++) {
      units[i].hidden = !on[i];
      // Below a larger unit, two digits: "2 дня 05 часов".
      nums[i].textContent = i > 0 && on[i - 1] && parts[i] < 10 ? '0' + parts[i] : String(parts[i]);
      words[i].textContent = word(parts[i], t.units[UNITS[i]]);
    }
    const said = spoken(total, t, word);
    if (said !== label) {
      label = said;
      clock.setAttribute('aria-label', title + ' ' + said);
    }
  }

  /** The placeholder before the server answers: "--" in the units the settings suggest. */
  function placeholder() {
    let hint = 3600;
    if (settings.mode === 'fixed') hint = (Date.parse(settings.deadline || '') - Date.now()) / 1000;
    else if (settings.mode === 'evergreen') hint = Number(settings.duration_seconds) || 0;
    const on = shown(hint > 0 ? hint : 0);
    for (let i = 0; i < 4; i++) {
      units[i].hidden = !on[i];
      nums[i].textContent = '--';
      words[i].textContent = t.units[UNITS[i]].many || t.units[UNITS[i]].other;
    }
  }

  // ---- where it shows --------------------------------------------------------
  /** Puts a bar or a card on the screen (an inline frame is in the page already). */
  function show() {
    if (isInline || dismissed || gone || waiting || wrap.isConnected) return;
    ctx.root.appendChild(wrap);
    inset();
  }

  /**
   * A bar at the bottom lifts the other widgets' buttons (--bk-inset-bottom
   * on the host) above itself; a bar at the top in push mode moves the page
   * down. Both follow the bar's height as it changes.
   */
  let resizeObs: ResizeObserver | null = null;
  function inset() {
    if (placement !== 'bottom_bar' && !push) return;
    const hostEl = ctx.shadow.host as HTMLElement;
    const set = () => {
      const px = wrap.isConnected ? wrap.getBoundingClientRect().height : 0;
      if (push) {
        if (px) push.set(px);
        else push.clear();
      } else if (px) hostEl.style.setProperty('--bk-inset-bottom', Math.ceil(px) + 'px');
      else hostEl.style.removeProperty('--bk-inset-bottom');
    };
    set();
    if (!resizeObs && typeof ResizeObserver === 'function' && wrap.isConnected) {
      resizeObs = new ResizeObserver(set);
      resizeObs.observe(wrap);
    }
    if (!wrap.isConnected && resizeObs) {
      resizeObs.disconnect();
      resizeObs = null;
    }
  }

  function unshow() {
    if (isInline) {
      if (host) host.style.display = 'none';
      return;
    }
    wrap.remove();
    inset();
  }

  /** The close button: hidden for this browser session. */
  function dismiss() {
    if (isInline) return unshow();
    if (trig && wrap.isConnected) trig.closed();
    dismissed = true;
    session.set(closedKey, true);
    unshow();
  }

  /**
   * Triggers: the timer has something to show (its deadline, or its
   * message), so the engine may show it now.
   */
  function arm() {
    if (!byTriggers || trig) return;
    trig = triggerable(ctx, () => {
      if (gone || wrap.isConnected) return false;
      waiting = dismissed = false;
      if (running) start();
      else show();
      return wrap.isConnected;
    });
  }

  /** Removes the widget for good. */
  function remove() {
    // Gone from the screen by itself (expired): the engine's one interruption is free again.
    if (trig && wrap.isConnected) trig.closed();
    gone = true;
    stop();
    if (host) host.remove();
    unshow();
  }

  /** Inline: a frame in the page's element, with its own shadow root and its final height. */
  function mountInline(target: Element) {
    host = document.createElement('beckon-countdown');
    host.setAttribute('data-beckon-widget', id);
    host.lang = ctx.locale;
    host.style.display = 'block';
    const root = host.attachShadow({ mode: 'open' });
    adoptStyle(root, root, css);
    placeholder();
    root.appendChild(wrap);
    target.appendChild(host);
    load();
  }

  function findTarget() {
    const sel = (settings.selector || '').trim();
    const find = (): Element | null => {
      try {
        return sel ? document.querySelector(sel) : null;
      } catch (e) {
        return null;
      }
    };
    const el = find();
    if (el) return mountInline(el);
    if (!sel || typeof MutationObserver !== 'function') return warn('no element matches the selector ' + JSON.stringify(sel));
    // The page may render its element later (a single-page app): watch for a while.
    const obs = new MutationObserver(() => {
      const found = find();
      if (found) {
        obs.disconnect();
        clearTimeout(giveUp);
        mountInline(found);
      }
    });
    obs.observe(document.documentElement, { childList: true, subtree: true });
    const giveUp = setTimeout(() => {
      obs.disconnect();
      warn('no element matches the selector ' + JSON.stringify(sel));
    }, FIND_MS);
  }

  let warned = false;
  function warn(what: unknown) {
    if (!warned) console.warn('beckon: countdown:', what);
    warned = true;
  }

  // ---- the deadline from the server ------------------------------------------
  function load(attempt = 0) {
    if (loading || gone) return;
    if (ctx.widget.draft) {
      // The dashboard's preview of an unsaved timer has no timer on the
      // server: show it as it would run from now.
      const fixed = Date.parse(settings.deadline || '');
      return got(settings.mode === 'fixed' ? fixed : Date.now() + (Number(settings.duration_seconds) || 3600) * 1000, false);
    }
    loading = true;
    const req: Record<string, string> = { visitor_id: ctx.visitorId };
    const r = recipient();
    if (r) req.recipient = r;
    const sent = performance.now();
    let rtt = 0;
    let arrived = 0;
    ctx
      .api('/timers/' + encodeURIComponent(id), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(req),
      })
      .then((res) => {
        rtt = performance.now() - sent;
        arrived = Date.now();
        if (!res.ok) throw res.status;
        return res.json();
      })
      .then((j: Timer) => {
        loading = false;
        const now = Date.parse(j && j.now);
        const dl = Date.parse(j && j.deadline);
        if (isNaN(now) || isNaN(dl)) throw 'a bad answer from the server';
        // The server read its clock about half a round trip before the
        // answer arrived: that moment, on our clock, is arrived - rtt/2.
        offset = now - (arrived - rtt / 2);
        got(dl, j.state === 'expired');
      })
      .catch((e) => {
        loading = false;
        // A network error, 429 or 5xx may pass; a 4xx will not.
        if (attempt < RETRY_MS.length && (typeof e !== 'number' || e === 429 || e >= 500)) {
          setTimeout(() => load(attempt + 1), RETRY_MS[attempt]);
          return;
        }
        warn(typeof e === 'number' ? 'POST /timers: HTTP ' + e : e);
        // No honest deadline: show nothing rather than a made-up one.
        remove();
      });
  }

  function got(dl: number, expired: boolean) {
    if (awaitingNext) {
      // The server may not have moved on yet (its clock a little behind
      // ours): ask again in a moment, a few times.
      if (expired || dl <= deadline) {
        if (++nextTries > NEXT_TRIES) {
          awaitingNext = false;
          return act();
        }
        setTimeout(load, 1000 * nextTries);
        return;
      }
      awaitingNext = false;
    }
    deadline = dl;
    if (expired || left() <= 0) {
      // Expired already: act at once, without a flash of a running timer.
      ctx.emit('countdown:expired', { id });
      act();
      return;
    }
    start();
  }

  function start() {
    running = true;
    finished = false;
    tick();
    arm();
    show();
    if (shownFor !== deadline && (isInline || wrap.isConnected)) {
      shownFor = deadline;
      ctx.emit('countdown:shown', { id, deadline: new Date(deadline).toISOString() });
    }
  }

  function stop() {
    running = false;
    clearTimeout(timer);
  }

  function tick() {
    clearTimeout(timer);
    if (!running) return;
    const ms = left();
    if (ms <= 0) return expire();
    // Whole seconds, rounded up: "1 секунда" until the very end.
    render(Math.ceil(ms / 1000));
    // Next when the shown second changes, a little after, so it has.
    timer = setTimeout(tick, ((ms - 1) % 1000) + 1 + 15);
  }

  /** The timer reached zero while the page was open. */
  function expire() {
    stop();
    render(0);
    ctx.emit('countdown:expired', { id });
    if (recurring) {
      // The next occurrence comes from the server, like the first.
      awaitingNext = true;
      nextTries = 0;
      load();
      return;
    }
    act();
  }

  /** What the owner asked for at the end: hide, a message, or another page. */
  function act() {
    stop();
    finished = true;
    if (onExpire === 'message') {
      msg.textContent = own(settings.expired_message) || t.expired;
      msg.hidden = false;
      wrap.classList.add('done');
      if (!isInline) {
        clock.hidden = true;
        titleEl.hidden = true;
      }
      arm();
      show();
      return;
    }
    if (onExpire === 'redirect' && redirect()) return;
    remove();
  }

  /** Goes to settings.redirect_url when it is an http(s) URL other than this page. */
  function redirect(): boolean {
    let url: URL;
    try {
      url = new URL(settings.redirect_url || '', location.href);
    } catch (e) {
      return false;
    }
    const here = location.href.split('#')[0];
    if (!/^https?:$/.test(url.protocol) || url.href.split('#')[0] === here) return false;
    location.assign(url.href);
    return true;
  }

  // Background tabs run timers late: catch up as soon as the tab is seen.
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) tick();
  });

  // ---- start -----------------------------------------------------------------
  if (isInline) findTarget();
  else {
    adoptStyle(ctx.shadow, ctx.root, css);
    if (!dismissed) {
      // The room the loader kept: the page's fixed header moves into it now,
      // not only once the server has answered.
      if (push && pusher.kept()) push.set(pusher.kept());
      load();
    }
    // Closed for this session: the room the loader kept for the bar goes back.
    else if (push) push.clear();
  }

  return {
    open() {
      if (isInline) {
        if (host && !gone) {
          host.style.display = 'block';
          host.scrollIntoView({ block: 'center', behavior: reducedMotion() ? 'auto' : 'smooth' });
        }
        return;
      }
      dismissed = waiting = false;
      session.set(closedKey, false);
      if (gone) return;
      if (trig && !wrap.isConnected) trig.opened();
      if (running) start();
      else if (finished) show();
      else load();
    },
    close: dismiss,
  };
};

window.beckon('define', 'countdown', factory);

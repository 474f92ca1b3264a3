// The trigger engine: a lazy bundle the loader adds only when some widget's
// public settings carry a trigger block, defined as the pseudo widget type
// "triggers" whose settings are those widgets (EngineSettings). It decides
// when each of them shows; the widgets draw themselves (client.ts).
// docs/TRIGGERS.md describes every trigger, condition and cap.
//
// Rules kept here:
// - `on` is any-of; a trigger that fired keeps the widget wanted until it
//   shows or is dropped for the page view;
// - a widget shows at most once per page view, and only when its caps
//   allow (rules.ts), counted only once it is on screen;
// - one interrupting widget at a time: of widgets wanted together the
//   highest priority shows (ties: the order of the site's widgets); one
//   wanted while another is on screen is dropped for this page view, so
//   closing one pop-up never brings the next;
// - nothing shows while the visitor types or while the tab is hidden: it
//   waits, and shows when that ends;
// - the owner's push (live.ts, or the social-proof bundle's 'live:show')
//   is a manual trigger the server pulls: same conditions and caps;
// - what became of each showing it caused is reported (report.ts).

import type { WidgetFactory } from '../types';
import type { Block, EngineSettings } from './block';
import { listen, type Push } from './live';
import { reporter } from './report';
import { capped, isPhone, onPages, welcome } from './rules';
import { open } from './state';
import { type Page, READ_IDLE, typing, watch } from './watch';

/**
 * The engine's clock, in milliseconds. Test hook: a function set as
 * window.__beckonClock before embed.js runs replaces Date.now (browser
 * tests move time with it; docs/TRIGGERS.md).
 */
const now = (): number => ((window as any).__beckonClock || Date.now)();

/** How often the time-based triggers are looked at. */
const TICK = 1000;

interface Entry {
  id: string;
  b: Block;
  /** The widget's bundle said it can be shown. */
  ready: boolean;
  /** The trigger that fired, while it waits to show; '' when none did. */
  want: string;
  /** Shown or dropped: nothing more on this page view. */
  done: boolean;
}

type Detail = { id: string; trigger?: string };

const engine: WidgetFactory<EngineSettings> = (ctx) => {
  const d = document;
  const cfg = ctx.widget.settings;
  const t0 = now();
  const store = open(ctx.site.key, t0, location.search, d.referrer);
  const st = store.state;
  const pageStart = t0 - performance.now();
  const phone = isPhone();
  const entries: Entry[] = cfg.widgets
    .filter((wc) => welcome(wc.settings.triggers, location.pathname, phone, st))
    .map((wc) => ({ id: wc.id, b: wc.settings.triggers, ready: false, want: '', done: false }));
  const byId = (id: string) => entries.filter((e) => e.id === id)[0];
  const uses = (e: Entry, type: string) => e.b.on.some((t) => t.type === type);
  const report = reporter(ctx.base, ctx.site.key, ctx.visitorId, st.u || st.r || '');
  /** The trigger of each widget's showing on this page view, until it closes: what a conversion is attributed to. */
  const by: Record<string, string> = {};

  /** The interrupting widget on screen ('' none); shownByUs: the engine showed it; won: it converted meanwhile. */
  let onScreen = '';
  let shownByUs = false;
  let won = false;

  const fire = (e: Entry, trigger: string) => {
    if (!e.done && !e.want) e.want = trigger;
  };

  const check = () => {
    if (d.hidden || typing()) return;
    const wanted = entries.filter((e) => e.want && e.ready && !e.done);
    if (!wanted.length) return;
    // Stable: ties keep the order of the site's widgets.
    wanted.sort((a, b) => b.b.priority - a.b.priority);
    const t = now();
    for (const e of wanted) {
      e.done = true;
      if (onScreen || capped(e.b, store.seen(e.id), t)) continue;
      ctx.emit('trigger:show', { id: e.id, trigger: e.want });
    }
  };

  const on = (name: string, fn: (d: Detail) => void) => window.beckon('on', name, (x: Detail) => x && fn(x));
  on('trigger:ready', (x) => {
    const e = byId(x.id);
    if (e && !e.ready) {
      e.ready = true;
      check();
    }
  });
  on('trigger:opened', (x) => {
    if (!onScreen) {
      onScreen = x.id;
      shownByUs = won = false;
    }
  });
  on('trigger:shown', (x) => {
    by[x.id] = x.trigger || '';
    report(x.id, 'shown', by[x.id]);
    store.change(x.id, (s) => {
      s.c++;
      s.t = now();
    });
    onScreen = x.id;
    shownByUs = true;
    won = false;
  });
  on('trigger:converted', (x) => {
    if (by[x.id]) report(x.id, 'converted', by[x.id]);
    by[x.id] = '';
    store.change(x.id, (s) => (s.x = 1));
    if (x.id === onScreen) won = true;
  });
  on('trigger:closed', (x) => {
    if (x.id !== onScreen) return;
    if (shownByUs && !won) {
      store.change(x.id, (s) => s.d++);
      if (by[x.id]) report(x.id, 'closed', by[x.id]);
    }
    by[x.id] = '';
    onScreen = '';
  });
  // beckon('show', id) and the owner's push: triggers that come from
  // outside, through the same conditions and caps. One that cannot show
  // at once (typing, a hidden tab, a bundle still loading) waits: the
  // watch starts again if it had stopped.
  const pull = (id: string, type: string) => {
    const e = byId(id);
    if (e && uses(e, type)) {
      e.done = false;
      e.want = type;
      check();
      if (!e.done) start();
    }
  };
  // A push may name pages of its own, on top of the widget's.
  const push = (p: Push) => (!p.pages || onPages(p.pages, location.pathname)) && pull(p.id, 'push');

  if (!entries.length) return;
  let pg: Page;
  let timer: ReturnType<typeof setInterval> | 0 = 0;
  /** Watches the page and ticks until every widget is shown or dropped. */
  const start = () => {
    if (timer) return;
    pg = watch(
      {
        now,
        exit: () => {
          entries.forEach((e) => uses(e, 'exit_intent') && fire(e, 'exit_intent'));
          check();
        },
        check: () => evaluate(),
      },
      phone,
    );
    timer = setInterval(() => {
      evaluate();
      // Every widget shown or dropped: nothing left to watch on this page.
      if (entries.every((e) => e.done)) {
        clearInterval(timer);
        timer = 0;
        pg.stop();
      }
    }, TICK);
  };

  /** Fires the triggers whose moment has come, then shows what may show. */
  const evaluate = () => {
    const t = now();
    for (const e of entries) {
      for (const tr of e.b.on) {
        const n = tr.seconds! * 1000;
        if (
          (tr.type === 'time_on_page' && t - pageStart >= n) ||
          (tr.type === 'time_on_site' && t - st.s >= n) ||
          (tr.type === 'idle' && t - pg.active >= n) ||
          (tr.type === 'scroll' && pg.depth >= tr.percent!) ||
          (tr.type === 'pages_viewed' && st.p >= tr.count!) ||
          // A phone's third exit intent: idle after reading half the page.
          (tr.type === 'exit_intent' && phone && pg.depth >= 50 && t - pg.active >= READ_IDLE)
        )
          fire(e, tr.type);
      }
    }
    check();
  };
  start();
  on('show', (x) => pull(x.id, 'manual'));
  cfg.shows.forEach((id) => pull(id, 'manual'));
  on('live:show', push as (x: Detail) => void);
  const pushed = entries.filter((e) => uses(e, 'push'))[0];
  // Without a social-proof widget nobody brings the pushes: fetch them.
  if (pushed && !ctx.shadow.querySelector('[data-type="social_proof"]')) listen(ctx, pushed.id);
  ctx.emit('trigger:hello');
  evaluate();
};

window.beckon('define', 'triggers', engine);

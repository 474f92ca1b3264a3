// embed.js: the loader a site owner pastes as
//   <script async src="https://beckon.example.com/embed.js" data-site="SITE_KEY"></script>
// It reads data-site, fetches the site's public config, mounts one
// <beckon-root> host with a shadow root, and lazy-loads the bundles of the
// enabled widgets. The page API (window.beckon) is described in README.md.
//
// Budget: 2048 bytes gzipped (TestLoaderSizeBudget). Keep it one small IIFE:
// no dependencies, no classes, no polyfills. Nothing here may throw into the
// host page: hooks and widget code run in try/catch, failures are one
// console.warn.

import type { Beckon, EventDetail, Hook, SiteConfig, WidgetConfig, WidgetFactory, WidgetHandle } from './types';

type Cmd = 'open' | 'close';

// The trigger engine's bundle (src/triggers), named by build.mjs.
declare const ENGINE: string;

const w = window;
const d = document;
const warn = (...a: unknown[]) => console.warn('beckon:', ...a);

const script =
  (d.currentScript as HTMLScriptElement | null) ||
  // Fallback (the loader was run by something that hides currentScript):
  // the last script of the page that looks like the snippet.
  Array.from(d.querySelectorAll<HTMLScriptElement>('script[data-site]'))
    .reverse()
    .filter((s) => /\/embed\.js([?#]|$)/.test(s.src))[0];
const siteKey = script && script.getAttribute('data-site');
const prior = w.beckon;

if (!siteKey) {
  warn('no data-site on the embed.js script');
} else if (!(prior && prior.l)) {
  // Base: the origin of embed.js plus any path prefix before /embed.js.
  const base = script!.src.replace(/\/[^/?#]*([?#].*)?$/, '');
  const prefix = base + '/w/v1/' + encodeURIComponent(siteKey);
  const hooks: Record<string, Hook[]> = {};
  const factories: Record<string, WidgetFactory> = {};
  // Containers whose bundle has not defined its factory yet, by type.
  const waiting: Record<string, [HTMLDivElement, WidgetConfig][]> = {};
  const mounted: Record<string, WidgetHandle[]> = {};
  // open/close asked for before the widget of that type mounted.
  const pending: Record<string, Cmd> = {};
  // beckon('show', id) calls so far, for the trigger engine when it comes.
  const shows: string[] = [];
  let shadow: ShadowRoot;
  let locale: string;
  let visitorId = '';
  let site: SiteConfig['site'];

  // A top bar that pushes the page down left its widget id and height (see
  // widgets/countdown/push.ts): keep that room from the start, so the page
  // does not jump when the bar comes back.
  const topKey = 'beckon_top_' + siteKey;
  const htmlStyle = d.documentElement.style;
  let top: string[] = [];
  try {
    top = (localStorage.getItem(topKey) || '').split(' ');
  } catch (e) {
    // storage blocked: nothing remembered
  }
  if (+top[1] > 0 && +top[1] < 300) htmlStyle.marginTop = +top[1] + 'px';

  const call = (list: Hook[] | undefined, a: unknown, b?: unknown) => {
    if (list)
      for (const fn of list.slice())
        try {
          fn(a, b);
        } catch (e) {
          warn(e);
        }
  };

  const emit = (name: string, detail?: EventDetail) => {
    call(hooks[name], detail);
    call(hooks['*'], name, detail);
    w.dispatchEvent(new CustomEvent('beckon:' + name, { detail }));
  };

  const act = (h: WidgetHandle, cmd: Cmd, type: string) => {
    const f = h[cmd];
    if (f)
      try {
        f.call(h);
        emit(cmd, { type });
      } catch (e) {
        warn(type, e);
      }
  };

  const flush = (type: string) => {
    const factory = factories[type];
    const list = waiting[type];
    if (!factory || !list) return;
    delete waiting[type];
    for (const [root, cfg] of list) {
      try {
        const h = factory({
          root,
          shadow,
          widget: cfg,
          site,
          locale,
          visitorId,
          base,
          emit,
          api: (path, init) => fetch(prefix + path, { credentials: 'omit', ...init }),
        });
        (mounted[type] = mounted[type] || []).push(h || {});
        // beckon('open', '<widget id>') reaches this one widget of its type.
        mounted[cfg.id] = [h || {}];
        const cmd = pending[type] || pending[cfg.id];
        delete pending[cfg.id];
        if (cmd) act(h || {}, cmd, type);
      } catch (e) {
        warn(type, e);
      }
    }
    delete pending[type];
  };

  const run = (cmd: string, a: string, b?: any) => {
    if (cmd == 'on') (hooks[a] = hooks[a] || []).push(b);
    else if (cmd == 'off') hooks[a] = (hooks[a] || []).filter((f) => f != b);
    else if (cmd == 'define') {
      factories[a] = b;
      flush(a);
    } else if (cmd == 'open' || cmd == 'close') {
      if (mounted[a]) for (const h of mounted[a]) act(h, cmd, a);
      else pending[a] = cmd;
    } else if (cmd == 'show') {
      shows.push(a);
      emit('show', { id: a });
    }
  };
  (w.beckon = run as Beckon).l = 1;
  // Replay what the page queued before we arrived, in order.
  for (const args of (prior && prior.q) || []) run(args[0] as string, args[1] as string, args[2]);

  const newId = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b | 256).toString(16).slice(1)).join('');

  // "ru", "uk" or "en" from a language tag such as "ru-RU"; else "".
  const known = (tag: string | null) => {
    const l = (tag || '').toLowerCase().split('-')[0];
    return /^(ru|uk|en)$/.test(l) ? l : '';
  };

  const apply = (cfg: SiteConfig) => {
    site = cfg.site;
    // The widgets speak the page's language, never the browser's unless the
    // site asks for that: data-lang on the snippet, else the browser's when
    // the site follows it, else <html lang>, else the site's locale.
    locale =
      known(script!.getAttribute('data-lang')) ||
      (site.follow_browser_language && known(navigator.language)) ||
      known(d.documentElement.lang) ||
      site.locale;
    // The widget that kept the room is gone: give it back.
    if (top[1] && !(cfg.widgets || []).some((wc) => wc.id == top[0])) {
      htmlStyle.marginTop = '';
      try {
        localStorage.removeItem(topKey);
      } catch (e) {
        // storage blocked
      }
    }

    const host = d.createElement('beckon-root');
    host.setAttribute('data-beckon-site', siteKey);
    // Screen readers pronounce the widgets in their language, not the page's.
    host.lang = locale;
    host.style.cssText =
      'position:fixed;top:0;left:0;width:0;height:0;z-index:2147483000;overflow:visible';
    shadow = host.attachShadow({ mode: 'open' });
    d.body.appendChild(host);

    const types: string[] = [];
    const list = cfg.widgets || [];
    const watched = list.filter((wc) => wc.settings && wc.settings.triggers);
    // Widgets with a trigger block bring the engine: one more bundle, loaded
    // the same way as a widget's (docs/TRIGGERS.md).
    if (watched.length) list.push({ id: '', type: 'triggers', bundle: '/embed/' + ENGINE, settings: { widgets: watched, shows } });
    for (const wc of list) {
      const type = wc.type;
      if (!wc.bundle) continue;
      const root = d.createElement('div');
      root.setAttribute('part', 'widget');
      root.setAttribute('data-type', type);
      shadow.appendChild(root);
      (waiting[type] = waiting[type] || []).push([root, wc]);
      if (types.indexOf(type) < 0) {
        types.push(type);
        if (!factories[type]) {
          const s = d.createElement('script');
          s.src = base + wc.bundle;
          s.async = true;
          s.onerror = () => warn('cannot load', s.src);
          d.head.appendChild(s);
        }
      }
    }
    emit('ready', { widgets: types.filter((t) => t != 'triggers') });
    types.forEach(flush);
  };

  // The visitor id comes first: /config serves a widget's A/B variant by
  // it, the same on every page (docs/EXPERIMENTS.md).
  try {
    visitorId = localStorage.getItem('beckon_vid') || '';
  } catch (e) {
    // storage blocked
  }
  if (!/^[0-9a-f]{32}$/.test(visitorId))
    try {
      localStorage.setItem('beckon_vid', (visitorId = newId()));
    } catch (e) {
      // Storage blocked: an id for this page view only.
    }

  // The dashboard's preview hands the loader a draft config in the page
  // (a JSON block) instead of the site's stored one.
  const draft = script!.hasAttribute('data-preview') && d.getElementById('beckon-preview');
  Promise.all([
    draft
      ? JSON.parse(draft.textContent!)
      : fetch(prefix + '/config?visitor_id=' + visitorId, { credentials: 'omit' }).then((r) => {
          if (!r.ok) throw 'config: HTTP ' + r.status;
          return r.json();
        }),
    new Promise((ready) => (d.body ? ready(0) : d.addEventListener('DOMContentLoaded', ready))),
  ])
    .then(([cfg]) => apply(cfg))
    .catch(warn);
}

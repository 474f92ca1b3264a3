// The multi-button: one floating button that opens a fan of the site's
// channels (its callback, quiz and pop-up widgets, phone, e-mail,
// messengers, links). The widgets it hosts draw no button of their own
// (/config marks them hosted_by); their items open them through
// beckon('open', '<widget id>'). A callback channel reads the callback
// widget's availability and reads "call me later" after hours.
//
// Server endpoints (under ctx.base + /w/v1/{siteKey}):
//   GET  /callbacks/availability?widget_id=…   {open, …}
//   POST /widgets/{wid}/clicks                 {channel, visitor_id} → 204
//
// Page events: multibutton:open, multibutton:click {id, channel, type}.

import type { WidgetFactory } from '../../types';
import { palette } from '../_shared/color';
import { adoptStyle, focusables, h, icon } from '../_shared/dom';
import { lang, pick } from '../_shared/i18n';
import { CLOSE, ICONS } from './icons';
import { css } from './style';
import { texts, type Texts } from './texts';

type L = Record<string, string>;

interface Channel {
  type: string;
  widget_id?: string;
  href?: string;
  label?: L;
  icon?: string;
}

interface Settings {
  channels?: Channel[];
  label?: L;
  color?: string;
  position?: string;
  icon?: string;
}

/** Each messenger's own colour behind its glyph (white glyphs read on each). */
const TINT: Record<string, string> = {
  phone: '#15803d',
  email: '#c2410c',
  telegram: '#0088cc',
  whatsapp: '#128c7e',
  viber: '#7360f2',
  vk: '#0070f0',
  max: '#5b3cf5',
};
const AVAILABILITY_TTL_MS = 60e3;

const factory: WidgetFactory<Settings> = (ctx) => {
  const s = ctx.widget.settings || {};
  const locale = lang(ctx.locale);
  const t = texts[locale];
  const say = (m: L | undefined) => pick(m, locale, ctx.site.locale);
  const uid = 'bkmb-' + ctx.widget.id.replace(/[^\w-]/g, '');
  const pal = palette(s.color || '', '#2563eb');
  const glyph = (name: string | undefined, cls: string) => icon(ICONS[name || ''] || ICONS.chat, cls);

  const wrap = h('div', { class: 'bkmb' + (s.position === 'bottom-left' ? ' left' : '') });
  wrap.style.setProperty('--bk-brand', pal.brand);
  wrap.style.setProperty('--bk-on-brand', pal.onBrand);
  wrap.style.setProperty('--bk-strong', pal.strong);

  const label = say(s.label) || t.button;
  const fab = h(
    'button',
    { type: 'button', class: 'fab', 'aria-label': label, title: label, 'aria-expanded': 'false', 'aria-controls': uid },
    glyph(s.icon, 'i'),
    icon(CLOSE, 'x'),
  );

  // A widget channel is offered only when that type of widget is on the
  // page (a switched-off widget has no container).
  const onPage = (type: string) => !!ctx.shadow.querySelector(`[part="widget"][data-type="${type}"]`);
  const list = h('ul');
  let callbackLabel: HTMLElement | null = null;
  let callbackID = '';
  let callbackOwn = '';
  (s.channels || []).forEach((ch, index) => {
    if (ch.widget_id ? !onPage(ch.type) : !ch.href) return;
    const own = say(ch.label);
    const text = own || (t[ch.type as keyof Texts] as string) || t.link;
    const lbl = h('span', { class: 'lbl' }, text);
    const ic = h('span', { class: 'ic' }, glyph(ch.icon || ch.type, ''));
    if (TINT[ch.type]) ic.style.setProperty('--c', TINT[ch.type]);
    let item: HTMLElement;
    if (ch.widget_id) {
      item = h('button', { type: 'button', class: 'item', 'aria-haspopup': 'dialog' }, ic, lbl);
      const id = ch.widget_id;
      item.addEventListener('click', () => {
        clicked(index, ch.type);
        // The focus goes back to the button first, so the panel that opens
        // returns it there when it closes.
        fab.focus();
        close(false);
        window.beckon('open', id);
      });
      if (ch.type === 'callback' && !callbackLabel) {
        callbackLabel = lbl;
        callbackID = id;
        callbackOwn = own;
      }
    } else {
      const away = /^https?:/.test(ch.href!) && !ch.href!.startsWith(location.origin + '/');
      item = h('a', { class: 'item', href: ch.href, target: away ? '_blank' : null, rel: away ? 'noopener' : null }, ic, lbl);
      if (away) lbl.appendChild(h('span', { class: 'sr' }, ' (' + t.newTab + ')'));
      item.addEventListener('click', () => {
        clicked(index, ch.type);
        fab.focus();
        close(false);
      });
    }
    list.appendChild(h('li', null, item));
  });

  const closeBtn = h('button', { type: 'button', class: 'close', 'aria-label': t.close, title: t.close }, icon(CLOSE, ''));
  const fan = h(
    'div',
    // tabindex -1: a press on the fan's background keeps the focus in it,
    // so only a focus that leaves the widget closes the fan.
    { class: 'fan', id: uid, role: 'group', 'aria-label': t.menu, tabindex: -1, hidden: true },
    h('div', { class: 'head' }, h('span', { 'aria-hidden': 'true' }, t.menu), closeBtn),
    list,
  );
  const shade = h('div', { class: 'shade', hidden: true });

  adoptStyle(ctx.shadow, ctx.root, css);
  wrap.append(shade, fan, fab);
  ctx.root.appendChild(wrap);

  // ---- a click: counted even when the link leaves the page ----------------
  function clicked(index: number, type: string) {
    ctx.emit('multibutton:click', { id: ctx.widget.id, channel: index, type });
    // No Content-Type (a Blob without a type): a simple CORS request, sent
    // without a preflight and kept alive past the page's unload.
    ctx
      .api('/widgets/' + encodeURIComponent(ctx.widget.id) + '/clicks', {
        method: 'POST',
        keepalive: true,
        body: new Blob([JSON.stringify({ channel: index, visitor_id: ctx.visitorId })]),
      })
      .catch(() => {});
  }

  // ---- working hours of the callback channel -------------------------------
  let checkedAt = 0;
  function loadAvailability() {
    if (!callbackLabel || Date.now() - checkedAt < AVAILABILITY_TTL_MS) return;
    checkedAt = Date.now();
    ctx
      .api('/callbacks/availability?widget_id=' + encodeURIComponent(callbackID))
      .then((r) => (r.ok ? r.json() : null))
      .then((a: { open?: boolean } | null) => {
        if (a && callbackLabel) callbackLabel.firstChild!.textContent = a.open === false ? t.callbackLater : callbackOwn || t.callback;
      })
      .catch(() => {
        checkedAt = 0;
      });
  }
  // Known before the fan first opens, so its label does not change in view.
  setTimeout(loadAvailability, 0);

  // ---- open, close, keyboard -----------------------------------------------
  let isOpen = false;
  function open() {
    if (isOpen || !list.childElementCount) return;
    isOpen = true;
    loadAvailability();
    fan.hidden = shade.hidden = false;
    wrap.classList.add('open');
    fab.setAttribute('aria-expanded', 'true');
    const first = list.querySelector<HTMLElement>('.item');
    if (first) first.focus();
    ctx.emit('multibutton:open', { id: ctx.widget.id });
  }
  function close(refocus = true) {
    if (!isOpen) return;
    isOpen = false;
    fan.hidden = shade.hidden = true;
    wrap.classList.remove('open');
    fab.setAttribute('aria-expanded', 'false');
    if (refocus) fab.focus();
  }

  fab.addEventListener('click', () => (isOpen ? close() : open()));
  fab.addEventListener('pointerenter', loadAvailability);
  closeBtn.addEventListener('click', () => close());
  shade.addEventListener('click', () => close());
  wrap.addEventListener('focusout', (e) => {
    const to = (e as FocusEvent).relatedTarget as Node | null;
    // Tab past the button, or the window losing the focus (to: null).
    if (isOpen && !(to && wrap.contains(to))) close(false);
  });
  wrap.addEventListener('keydown', (e) => {
    if (!isOpen) return;
    if (e.key === 'Escape' || e.key === 'Esc') {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    // Arrows walk the items, as in a list of options.
    const items = focusables(list);
    const i = items.indexOf(ctx.shadow.activeElement as HTMLElement);
    const next = e.key === 'ArrowDown' ? (i + 1) % items.length : (i <= 0 ? items.length : i) - 1;
    if (items[next]) {
      e.preventDefault();
      items[next].focus();
    }
  });

  if (!list.childElementCount) wrap.hidden = true;
  return { open, close: () => close() };
};

window.beckon('define', 'multibutton', factory);

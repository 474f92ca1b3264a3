// The pop-up widget: a title, a text and an image in a modal, a slide-in or
// a bar, with one button (a link, another widget of the site, a promo code
// with Copy) or a small lead form. The page API (beckon('open', '<widget
// id>')) and the trigger engine open it. While it is open the focus stays
// inside it; Esc, the close button and a press outside close it, and the
// focus goes back where it was.

import type { WidgetFactory } from '../../types';
import { palette } from '../_shared/color';
import { adoptStyle, focusables, h, icon } from '../_shared/dom';
import { lang, pick } from '../_shared/i18n';
import { call } from '../quiz/api';
import { formView } from '../quiz/form';
import { triggerable } from '../../triggers/client';
import type { Reporter } from '../../triggers/client';
import type { Form } from '../quiz/model';
import type { Texts as FormTexts } from '../quiz/texts';
import { css } from './style';
import { texts } from './texts';

type L = Record<string, string>;

interface Popup {
  layout?: string;
  color?: string;
  title?: L;
  text?: L;
  image?: string;
  image_ratio?: string;
  button?: { label?: L; action: string; url?: string; widget?: string; pool_empty?: string; empty_text?: L };
  form?: Form & { success?: L };
  triggers?: unknown;
}

const CLOSE = 'M18.3 5.71a1 1 0 0 0-1.41 0L12 10.59 7.11 5.7A1 1 0 0 0 5.7 7.11L10.59 12 5.7 16.89a1 1 0 1 0 1.41 1.41L12 13.41l4.89 4.89a1 1 0 0 0 1.41-1.41L13.41 12l4.89-4.89a1 1 0 0 0 0-1.4z';

/** The element that has the focus, looking into shadow roots (the page's or Beckon's). */
function deepActive(): HTMLElement | null {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a as HTMLElement | null;
}

const newId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b | 256).toString(16).slice(1)).join('');

const factory: WidgetFactory<Popup> = (ctx) => {
  const s = ctx.widget.settings;
  const wid = ctx.widget.id;
  const t = texts[lang(ctx.locale)];
  const say = (m: L | undefined) => pick(m, ctx.locale, ctx.site.locale);
  const layout = s.layout === 'slide_in' || s.layout === 'bar' ? s.layout : 'modal';
  const uid = 'bkpp-' + wid.replace(/[^\w-]/g, '');
  adoptStyle(ctx.shadow, ctx.root, css);

  const wrap = h('div', { class: 'bkpp' });
  const pal = palette(s.color || '', '#2563eb');
  wrap.style.setProperty('--bk-strong', pal.strong);
  wrap.style.setProperty('--bk-on-strong', pal.onStrong);

  const title = say(s.title);
  const heading = title ? h('h2', { id: uid + '-t', tabindex: -1 }, title) : null;
  const closeBtn = h('button', { type: 'button', class: 'x', 'aria-label': t.close }, icon(CLOSE, ''));
  let pic: HTMLImageElement | null = null;
  if (s.image && /^https:\/\//.test(s.image) && layout !== 'bar') {
    // The box keeps the image's shape before it loads; loading="lazy" in a
    // hidden pop-up fetches nothing until the pop-up is shown.
    const m = /^(\d+):(\d+)$/.exec(s.image_ratio || '') || ['', '16', '9'];
    pic = h('img', { class: 'pic', src: s.image, alt: '', loading: 'lazy', decoding: 'async', width: m[1], height: m[2] });
    pic.style.setProperty('aspect-ratio', m[1] + '/' + m[2]);
  }
  const body = say(s.text);
  const action = h('div', { class: 'act' });
  const inner = h('div', { class: 'in' }, heading, body ? h('p', { class: 'text' }, body) : null, action);
  const box = h(
    'div',
    { class: 'box', role: 'dialog', 'aria-modal': layout === 'modal' ? 'true' : null, 'aria-labelledby': heading ? uid + '-t' : null, 'aria-label': heading ? null : body || t.close, id: uid },
    closeBtn,
    pic,
    inner,
  );
  const frame = h('div', { class: layout === 'modal' ? 'shade modal' : layout, hidden: true }, box);
  wrap.appendChild(frame);
  ctx.root.appendChild(wrap);

  let isOpen = false;
  let converted = false;
  let returnTo: HTMLElement | null = null;
  // The trigger engine's reporter when the settings carry triggers.
  let engine: Reporter | null = null;

  const convert = () => {
    if (!converted) {
      ctx.emit('popup:converted', { id: wid });
      if (engine) engine.converted();
    }
    converted = true;
  };

  // --- the offer: a link, another widget, a promo code, or the form ---
  // Whether the pop-up has something to show: null until a promo code is
  // claimed (claim() finds out), false when the pool is empty and the owner
  // hides the pop-up then.
  let avail: boolean | null = true;
  let claim: () => Promise<void> = () => Promise.resolve();
  const b = s.button;
  const label = b ? say(b.label) : '';
  if (b && b.action === 'link' && b.url && /^(https?:\/\/|\/(?!\/))/i.test(b.url)) {
    const a = h('a', { class: 'primary', href: b.url }, label);
    a.addEventListener('click', () => {
      convert();
      close();
    });
    action.append(a);
  } else if (b && b.action === 'widget' && b.widget) {
    const btn = h('button', { type: 'button', class: 'primary' }, label);
    btn.addEventListener('click', () => {
      convert();
      close(true);
      window.beckon('open', b.widget!);
    });
    action.append(btn);
  } else if (b && b.action === 'code') {
    avail = null;
    claim = codeOffer(b);
  } else if (s.form) {
    formOffer(s.form);
  }

  /** Claims the visitor's code (the server gives the same one again) and puts it in the pop-up. */
  function codeOffer(btn: NonNullable<Popup['button']>): () => Promise<void> {
    return () =>
      call(ctx, 'POST', '/widgets/' + encodeURIComponent(wid) + '/claim', { visitor_id: ctx.visitorId }).then((r) => {
        action.textContent = '';
        if (r.status === 200 && r.body && typeof r.body.code === 'string') {
          const code: string = r.body.code;
          const value = h('span', { class: 'cval' }, code);
          const copy = h('button', { type: 'button', class: 'primary copy' }, label || t.copy);
          const done = h('span', { class: 'hp', role: 'status' });
          copy.addEventListener('click', () => {
            copyText(code, value).then((ok) => {
              if (!ok) return;
              copy.textContent = done.textContent = t.copied;
              convert();
            });
          });
          action.append(h('div', { class: 'code' }, h('p', { class: 'clabel' }, t.codeLabel), value, copy, done));
          avail = true;
        } else if (r.status === 410) {
          avail = btn.pool_empty === 'text';
          // The page may want to know (offer something else); the pop-up stays away when avail is false.
          ctx.emit('popup:pool_empty', { id: wid });
          action.append(h('p', { class: 'note' }, say(btn.empty_text)));
        } else {
          // Not known yet: this showing says so, the next one asks again.
          action.append(h('p', { class: 'note', role: 'alert' }, t.codeError));
        }
      });
  }

  function formOffer(form: NonNullable<Popup['form']>) {
    const fv = formView(form, uid, t as unknown as FormTexts, ctx.locale, ctx.site.locale, ctx.site.region);
    action.append(fv.el);
    // One id per filled-in form: a retry after a lost answer is the same lead.
    let submission = '';
    let busy = false;
    fv.el.addEventListener('submit', (e) => {
      e.preventDefault();
      if (busy) return;
      fv.say('');
      const bad = fv.check();
      if (bad) return bad.focus();
      submission = submission || newId();
      busy = true;
      fv.submit.setAttribute('aria-disabled', 'true');
      fv.submit.textContent = t.sending;
      const data = { visitor_id: ctx.visitorId, submission_id: submission, lang: lang(ctx.locale), page_url: location.href, ...fv.data() };
      call(ctx, 'POST', '/popups/' + encodeURIComponent(wid) + '/leads', data).then((r) => {
        busy = false;
        fv.submit.removeAttribute('aria-disabled');
        fv.submit.textContent = say(form.button) || t.send;
        if (r.status === 201) {
          submission = '';
          const ok = h('p', { class: 'ok', role: 'status', tabindex: -1 }, say(form.success) || t.sent);
          fv.el.replaceWith(ok);
          ok.focus();
          convert();
          return;
        }
        const field = r.status === 422 && r.body && r.body.error ? fv.fault(r.body.error.field) : null;
        if (field) return field.focus();
        fv.say(r.status === 429 ? t.errTooMany : t.errNetwork);
      });
    });
  }

  // --- open and close ---
  let opening = false;
  /** Shows the pop-up, once a promo code (if any) is claimed. */
  function open() {
    if (isOpen || opening) return;
    if (avail !== null) {
      if (avail) reveal(deepActive(), false);
      return;
    }
    opening = true;
    // The focus to give back: taken now, before the wait.
    const from = deepActive();
    claim().then(() => {
      opening = false;
      if (avail !== false && !isOpen) reveal(from, false);
    });
  }

  /** Puts the pop-up on screen; byEngine: a trigger asked (the engine counts that showing itself). */
  function reveal(from: HTMLElement | null, byEngine: boolean) {
    isOpen = true;
    converted = false;
    returnTo = from;
    frame.hidden = false;
    (heading || focusables(box)[0] || closeBtn).focus();
    ctx.emit('popup:shown', { id: wid });
    if (engine && !byEngine) engine.opened();
  }

  /** Hides the pop-up; quiet: the visitor went on to another widget, which takes the focus. */
  function close(quiet?: boolean) {
    if (!isOpen) return;
    isOpen = false;
    frame.hidden = true;
    ctx.emit('popup:closed', { id: wid, converted });
    if (engine) engine.closed();
    const to = returnTo;
    returnTo = null;
    if (!quiet && to && to.isConnected && to !== document.body) to.focus();
  }

  closeBtn.addEventListener('click', () => close());
  frame.addEventListener('click', (e) => {
    if (e.target === frame && layout === 'modal') close();
  });
  // A slide-in or a bar has no shade: a press anywhere else closes it. A
  // press, not a click: the click that opened it must not close it again.
  document.addEventListener(
    'pointerdown',
    (e) => {
      if (isOpen && layout !== 'modal' && e.composedPath().indexOf(box) < 0) close();
    },
    true,
  );
  document.addEventListener('keydown', (e) => {
    if (isOpen && (e.key === 'Escape' || e.key === 'Esc')) {
      e.preventDefault();
      close();
    }
  });
  box.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    // Keep Tab inside the pop-up while it is open.
    const list = focusables(box);
    const i = list.indexOf(ctx.shadow.activeElement as HTMLElement);
    if (e.shiftKey && i <= 0) {
      e.preventDefault();
      list[list.length - 1].focus();
    } else if (!e.shiftKey && i === list.length - 1) {
      e.preventDefault();
      list[0].focus();
    }
  });

  if (!s.triggers) {
    // beckon('show', id) without a trigger block: no conditions or caps to
    // weigh, so it opens as beckon('open', id) does. (With a block the
    // engine answers it, when the block has the manual trigger.)
    window.beckon('on', 'show', (d: { id?: string } | undefined) => {
      if (d && d.id === wid) open();
    });
  } else {
    // The engine counts a showing only when show answers true, at once. A
    // code not claimed yet is claimed first; the showing is then told on
    // the engine's event bus as the client would have told it, and an
    // empty pool set to hide shows nothing and counts nothing.
    engine = triggerable(ctx, (trigger) => {
      if (isOpen || opening) return false;
      if (avail === null) {
        opening = true;
        const from = deepActive();
        claim().then(() => {
          opening = false;
          if (avail === false || isOpen) return;
          reveal(from, true);
          ctx.emit('trigger:shown', { id: wid, trigger });
        });
        return false;
      }
      if (avail) reveal(deepActive(), true);
      return avail;
    });
  }

  return { open: () => open(), close: () => close() };
};

/** Copies text to the clipboard; without the Clipboard API the code is selected and copied the old way. */
function copyText(text: string, el: HTMLElement): Promise<boolean> {
  const old = () => {
    const r = document.createRange();
    r.selectNodeContents(el);
    const sel = getSelection();
    if (!sel) return false;
    sel.removeAllRanges();
    sel.addRange(r);
    try {
      return document.execCommand('copy');
    } catch (e) {
      return false;
    }
  };
  if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text).then(() => true, old);
  return Promise.resolve(old());
}

window.beckon('define', 'popup', factory);

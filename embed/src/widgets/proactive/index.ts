// The proactive message: a chat-like bubble with a photo (or initials), a
// name, the label "Automated message" always visible beside the name, and
// the owner's text. Only triggers (and the page API) show it. Its button
// opens the callback, a quiz, a pop-up or a link; a reply typed into it
// (with a contact, when the owner asks for one) becomes a lead, and the
// bubble then says who answers and how: it never pretends to be a live
// chat. It takes no focus when a trigger shows it (a screen reader hears
// it through a status message); Esc and the close button hide it.

import type { WidgetFactory } from '../../types';
import { palette } from '../_shared/color';
import { adoptStyle, h, icon } from '../_shared/dom';
import { fill, lang, pick } from '../_shared/i18n';
import { call, pageInfo } from '../quiz/api';
import { formView } from '../quiz/form';
import type { FormView } from '../quiz/form';
import type { Consent } from '../quiz/model';
import type { Texts as FormTexts } from '../quiz/texts';
import { triggerable } from '../../triggers/client';
import type { Reporter } from '../../triggers/client';
import { css } from './style';
import { texts } from './texts';

type L = Record<string, string>;

interface Proactive {
  name?: L;
  photo?: string;
  text?: L;
  label?: L;
  typing_indicator?: boolean;
  action?: { type: string; widget_id?: string; url?: string; label?: L };
  reply?: boolean;
  ask_contact?: string;
  thanks?: L;
  position?: string;
  color?: string;
  consent?: Consent;
  triggers?: unknown;
}

const CLOSE = 'M18.3 5.71a1 1 0 0 0-1.41 0L12 10.59 7.11 5.7A1 1 0 0 0 5.7 7.11L10.59 12 5.7 16.89a1 1 0 1 0 1.41 1.41L12 13.41l4.89 4.89a1 1 0 0 0 1.41-1.41L13.41 12l4.89-4.89a1 1 0 0 0 0-1.4z';
const SEND = 'M3.4 20.4l17.45-7.48a1 1 0 0 0 0-1.84L3.4 3.6a.99.99 0 0 0-1.39.91L2 9.12c0 .5.37.93.87.99L17 12 2.87 13.88c-.5.07-.87.5-.87 1l.01 4.61c0 .71.73 1.2 1.39.91z';

/** How long the typing dots show before the text, when the owner turns them on. */
const TYPING_MS = 1200;

const newId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => (b | 256).toString(16).slice(1)).join('');

/** Up to two initials of a name, before any comma ("Анна Петрова, консультант" → "АП"). */
const initials = (name: string) =>
  name
    .split(',')[0]
    .split(/[\s.-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w.charAt(0).toUpperCase())
    .join('');

/** The element that has the focus, looking into shadow roots. */
function deepActive(): HTMLElement | null {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a as HTMLElement | null;
}

const factory: WidgetFactory<Proactive> = (ctx) => {
  const s = ctx.widget.settings;
  const wid = ctx.widget.id;
  const lg = lang(ctx.locale);
  const t = texts[lg];
  const say = (m: L | undefined) => pick(m, ctx.locale, ctx.site.locale);
  const uid = 'bkpa-' + wid.replace(/[^\w-]/g, '');
  adoptStyle(ctx.shadow, ctx.root, css);

  const name = say(s.name);
  // The label is never empty: the server fills every language, and this
  // falls back to Beckon's own text should a config lack one.
  const label = say(s.label) || t.label;
  const message = say(s.text);
  const ask = s.ask_contact || 'phone_or_email';
  const action = s.action || { type: 'reply' };

  const wrap = h('div', { class: 'bkpa' + (s.position === 'bottom-left' ? ' left' : '') });
  const pal = palette(s.color || '', '#2563eb');
  wrap.style.setProperty('--bk-strong', pal.strong);
  wrap.style.setProperty('--bk-on-strong', pal.onStrong);

  const ava =
    s.photo && /^https:\/\//.test(s.photo)
      ? h('img', { class: 'ava', src: s.photo, alt: '', width: 44, height: 44, loading: 'lazy', decoding: 'async' })
      : h('span', { class: 'ava ini', 'aria-hidden': 'true' }, initials(name) || '•');
  const closeBtn = h('button', { type: 'button', class: 'x', 'aria-label': t.close }, icon(CLOSE, ''));
  const head = h('div', { class: 'head' }, ava, h('p', { class: 'who' }, h('span', { class: 'name' }, name), ' ', h('span', { class: 'tag' }, label)));
  const msg = h('p', { class: 'msg', id: uid + '-m' }, message);
  const dots = h('span', { class: 'dots', role: 'img', 'aria-label': t.loading }, h('i'), h('i'), h('i'));
  const bubble = h('div', { class: 'says' }, msg, dots);
  const act = h('div', { class: 'act' });
  // A screen reader hears the message when it appears; the bubble takes no focus.
  const live = h('p', { class: 'sr', role: 'status' });
  const card = h(
    'div',
    { class: 'card', role: 'dialog', 'aria-modal': 'false', 'aria-label': fill(t.from, { name }), 'aria-describedby': uid + '-m', id: uid, tabindex: -1, hidden: true },
    closeBtn,
    head,
    bubble,
    act,
  );
  wrap.append(card, live);
  ctx.root.appendChild(wrap);

  let isOpen = false;
  let converted = false;
  let returnTo: HTMLElement | null = null;
  let engine: Reporter | null = null;
  let typing = 0;

  const convert = () => {
    if (!converted) {
      ctx.emit('proactive:converted', { id: wid, action: action.type });
      if (engine) engine.converted();
    }
    converted = true;
  };

  // --- the button: another widget of the site, or a link ---
  const buttonText = say(action.label);
  if (action.type === 'link' && action.url && /^(https?:\/\/|\/(?!\/))/i.test(action.url)) {
    const a = h('a', { class: 'primary', href: action.url }, buttonText || t.actionLink);
    a.addEventListener('click', () => {
      convert();
      close(true);
    });
    act.append(a);
  } else if ((action.type === 'callback' || action.type === 'quiz' || action.type === 'popup') && action.widget_id) {
    const defaults: Record<string, string> = { callback: t.actionCallback, quiz: t.actionQuiz, popup: t.actionPopup };
    const btn = h('button', { type: 'button', class: 'primary' }, buttonText || defaults[action.type]);
    btn.addEventListener('click', () => {
      convert();
      // The other widget takes the focus; this one steps aside first.
      close(true);
      window.beckon('open', action.widget_id!);
    });
    act.append(btn);
  }
  if (s.reply !== false) replyForm();

  /** The reply field, then (when the owner asks) a contact, then the honest thanks. */
  function replyForm() {
    const field = h('textarea', {
      class: 'ta',
      id: uid + '-r',
      name: 'text',
      rows: 1,
      maxlength: 1000,
      placeholder: t.replyPlaceholder,
      'aria-describedby': uid + '-re',
    });
    const send = h('button', { type: 'submit', class: 'send', 'aria-label': t.send }, icon(SEND, ''));
    const err = h('p', { class: 'err', id: uid + '-re', role: 'alert' });
    const honeypot = h('input', { type: 'text', name: 'website', tabindex: -1, autocomplete: 'off' });
    const form = h(
      'form',
      { class: 'rf', novalidate: true },
      h('label', { class: 'sr', for: uid + '-r' }, t.replyLabel),
      h('div', { class: 'row' }, field, send),
      h('div', { class: 'hp', 'aria-hidden': 'true' }, honeypot),
      err,
    );
    act.append(form);
    // One id per reply: a retry after a lost answer is the same lead.
    let submission = '';
    let text = '';
    let fv: FormView | null = null;
    let busy = false;

    field.addEventListener('input', () => {
      err.textContent = '';
      field.removeAttribute('aria-invalid');
    });
    // Enter sends, as in a messenger; Shift+Enter starts a new line. The
    // line break of a sending Enter is refused where it arrives too, for
    // input that delivers the character apart from the key (automation,
    // some virtual keyboards).
    let sending = false;
    field.addEventListener('keydown', (e) => {
      sending = e.key === 'Enter' && !e.shiftKey && !e.isComposing;
      if (sending) {
        e.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
      }
    });
    field.addEventListener('beforeinput', (e) => {
      if (sending && (e.inputType === 'insertLineBreak' || e.inputType === 'insertParagraph')) e.preventDefault();
    });
    field.addEventListener('keyup', () => {
      sending = false;
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      text = field.value.trim();
      if (!text) {
        err.textContent = t.errText;
        field.setAttribute('aria-invalid', 'true');
        field.focus();
        return;
      }
      if (ask === 'none') return post({ website: honeypot.value });
      contactStep();
    });

    /** Asks how to reach the visitor, under their message. */
    function contactStep() {
      const fields =
        ask === 'phone'
          ? [{ name: 'name' }, { name: 'phone', required: true }]
          : ask === 'email'
            ? [{ name: 'name' }, { name: 'email', required: true }]
            : [{ name: 'name' }, { name: 'phone' }, { name: 'email' }];
      fv = formView({ fields, consent: s.consent, button: undefined }, uid, t as unknown as FormTexts, ctx.locale, ctx.site.locale, ctx.site.region);
      if (ask === 'phone_or_email') {
        // One of the two is needed, so neither reads "optional" on its own.
        fv.el.querySelectorAll('label.lbl').forEach((l) => {
          const f = l.getAttribute('for') || '';
          if (/-f-(phone|email)$/.test(f)) l.textContent = /phone$/.test(f) ? t.phone : t.email;
        });
      }
      const intro = h('p', { class: 'ask', tabindex: -1 }, ask === 'phone' ? t.askPhone : ask === 'email' ? t.askEmail : t.askAny);
      form.replaceWith(mine(), intro, fv.el);
      const view = fv;
      view.el.addEventListener('submit', (e) => {
        e.preventDefault();
        if (busy) return;
        view.say('');
        const bad = view.check();
        if (bad) return bad.focus();
        const d = view.data();
        if (ask === 'phone_or_email' && !d.phone && !d.email) {
          const phone = view.fault('phone');
          view.say(t.errReach);
          return phone && phone.focus();
        }
        post(d);
      });
      intro.focus();
    }

    /** The visitor's own message, as a chat shows what one sent. */
    function mine() {
      return h('p', { class: 'mine' }, h('span', { class: 'sr' }, t.yours + ': '), text);
    }

    function post(d: Record<string, unknown>) {
      if (busy) return;
      busy = true;
      submission = submission || newId();
      const submit = fv ? fv.submit : send;
      submit.setAttribute('aria-disabled', 'true');
      if (fv) submit.textContent = t.sending;
      const info = pageInfo();
      const body = {
        visitor_id: ctx.visitorId,
        submission_id: submission,
        text,
        contact: { name: d.name || '', phone: d.phone || '', email: d.email || '' },
        consent: d.consent,
        consent_text_id: d.consent_text_id,
        website: d.website || '',
        lang: lg,
        page_url: info.page_url,
        referrer: info.referrer,
        utm: info.utm,
      };
      call(ctx, 'POST', '/widgets/' + encodeURIComponent(wid) + '/replies', body).then((r) => {
        busy = false;
        submit.removeAttribute('aria-disabled');
        if (fv) submit.textContent = t.send;
        if (r.status === 201) {
          submission = '';
          done(d);
          return;
        }
        const f = r.status === 422 && r.body && r.body.error ? String(r.body.error.field || '') : '';
        const problem = r.status === 429 ? t.errTooMany : t.errNetwork;
        if (f === 'text' || !fv) {
          err.textContent = f === 'text' ? t.errText : problem;
          return field.focus();
        }
        const bad = f ? fv.fault(f.replace(/^contact\./, '')) : null;
        if (bad) return bad.focus();
        fv.say(problem);
      });
    }

    /** The thanks: who answers and how, by what the visitor left. */
    function done(d: Record<string, unknown>) {
      const how = ask === 'none' ? t.thanksNone : d.phone && d.email ? t.thanksAny : d.phone ? t.thanksPhone : d.email ? t.thanksEmail : t.thanksAny;
      const ok = h('p', { class: 'ok', role: 'status', tabindex: -1 }, say(s.thanks) || how);
      // Asked before the form goes: the field that had the focus goes with it.
      const focused = card.contains(deepActive());
      act.textContent = '';
      act.append(mine(), ok);
      if (focused) ok.focus();
      convert();
      ctx.emit('proactive:replied', { id: wid });
    }
  }

  // --- show and hide ---
  /** Puts the bubble on screen; focus: the page API asked (a visitor's own act), so the bubble takes the focus. */
  function reveal(focus: boolean) {
    isOpen = true;
    converted = false;
    card.hidden = false;
    if (s.typing_indicator && !typing) {
      // The dots stand over the text, which keeps its place: nothing grows
      // or moves when the text appears.
      card.classList.add('typing');
      typing = window.setTimeout(() => {
        card.classList.remove('typing');
        live.textContent = fill(t.from, { name }) + ': ' + message;
      }, TYPING_MS);
    } else {
      live.textContent = fill(t.from, { name }) + ': ' + message;
    }
    if (focus) {
      returnTo = deepActive();
      card.focus();
    }
    ctx.emit('proactive:shown', { id: wid });
  }

  /** Hides the bubble; quiet: the visitor went on to another widget, which takes the focus. */
  function close(quiet?: boolean) {
    if (!isOpen) return;
    const hadFocus = card.contains(deepActive()) || deepActive() === card;
    isOpen = false;
    card.hidden = true;
    live.textContent = '';
    ctx.emit('proactive:closed', { id: wid, converted });
    if (engine) engine.closed();
    const to = returnTo;
    returnTo = null;
    if (!quiet && hadFocus && to && to.isConnected && to !== document.body) to.focus();
  }

  closeBtn.addEventListener('click', () => close());
  card.addEventListener('focusin', (e) => {
    // Where the visitor came from, to go back there when it closes.
    const from = e.relatedTarget as HTMLElement | null;
    if (!returnTo && from && !card.contains(from)) returnTo = from;
  });
  document.addEventListener('keydown', (e) => {
    if (isOpen && (e.key === 'Escape' || e.key === 'Esc')) close();
  });

  engine = triggerable(ctx, () => {
    if (isOpen) return false;
    reveal(false);
    return true;
  });

  return {
    open() {
      if (isOpen) return;
      reveal(true);
      if (engine) engine.opened();
    },
    close: () => close(),
  };
};

window.beckon('define', 'proactive', factory);

// The quiz widget: a start screen, one question at a time, the contact form
// and the result the server worked out. Opens from its launcher button (when
// settings.launcher is set), from any page element with data-beckon-quiz
// (the widget id, or empty for the page's first quiz) and from the page API
// (beckon('open','quiz') or beckon('open','<widget id>')).
//
// Server endpoints (under ctx.base + /w/v1/{siteKey}/quizzes/{wid}):
//   POST /views                              once, when the quiz is first shown
//   POST /sessions                           {session_id, step}
//   GET  /sessions/{sid}?visitor_id=         where the visitor is (resume)
//   PUT  /sessions/{sid}/answers/{step}      {next, progress, result?}
//   POST /sessions/{sid}/lead                {lead_id, result}
// and, from the result screen, the callback widget's POST /callbacks.
//
// Nothing is computed here: prices and result screens are the server's.
// Everything an owner or a visitor wrote is set as text, never as markup.
//
// Page events: quiz:started {id, session_id}, quiz:lead {id, lead_id}.
//
// Triggers (settings.triggers, docs/TRIGGERS.md): the engine opens the quiz
// when a trigger fires; the quiz tells it when it opens and closes by other
// means and when the visitor leaves a lead (a conversion).

import type { WidgetFactory } from '../../types';
import { palette } from '../_shared/color';
import { adoptStyle, focusables, h, icon } from '../_shared/dom';
import { fill, lang, pick } from '../_shared/i18n';
import { addHidden, call, pageInfo, snippet } from './api';
import type { Reply } from './api';
import { formView } from './form';
import type { FormView } from './form';
import type { Answered, L, Quiz, Result, Session, Step } from './model';
import { forget, fromFragment, load, save } from './resume';
import { stepView } from './steps';
import type { StepView } from './steps';
import { place } from './place';
import { css } from './style';
import { texts } from './texts';
import { triggerable } from '../../triggers/client';

const CLOSE_ICON = 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z';
const BACK_ICON = 'M20 11H7.83l5.59-5.59L12 4l-8 8 8 8 1.41-1.41L7.83 13H20z';
const QUIZ_ICON = 'M19 3H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm-9 14H6v-2h4zm0-4H6v-2h4zm0-4H6V7h4zm7.6 7.2-2.8-2.8 1.4-1.4 1.4 1.4 2.8-2.8 1.4 1.4z';
const GIFT_ICON = 'M20 6h-2.18A3 3 0 0 0 12 3.52 3 3 0 0 0 6.18 6H4a2 2 0 0 0-2 2v3h20V8a2 2 0 0 0-2-2zM9 6a1 1 0 1 1 1-1v1zm5 0V5a1 1 0 1 1 1 1zM3 13v7a2 2 0 0 0 2 2h6v-9zm10 9h6a2 2 0 0 0 2-2v-7h-8z';

/** The page's first quiz: a data-beckon-quiz element without a value opens it. */
let firstQuiz = '';

const factory: WidgetFactory<Quiz> = (ctx) => {
  const wid = ctx.widget.id;
  firstQuiz = firstQuiz || wid;
  let quiz: Quiz = ctx.widget.settings || {};
  const locale = lang(ctx.locale);
  const t = texts[locale];
  const say = (m: L) => pick(m, locale, ctx.site.locale);
  const uid = 'bkqz-' + wid.replace(/[^\w-]/g, '');
  const base = '/quizzes/' + encodeURIComponent(wid);
  const pal = palette(quiz.color || '', '#2563eb');

  // ---- the frame -----------------------------------------------------------
  const wrap = h('div', { class: 'bkqz' });
  wrap.style.setProperty('--bk-strong', pal.strong);
  wrap.style.setProperty('--bk-on-strong', pal.onStrong);
  wrap.style.setProperty('--bk-tint', pal.strong + '14');

  const launcherText = quiz.launcher ? say(quiz.launcher.label) || t.launcher : '';
  // A multi-button shows this quiz's launcher (hosted_by): no button of its own.
  const launcher =
    quiz.launcher &&
    !ctx.widget.hosted_by &&
    h(
      'button',
      { type: 'button', class: 'launch' + (quiz.launcher.position === 'bottom-left' ? ' left' : ''), 'aria-haspopup': 'dialog', 'aria-expanded': 'false', hidden: true },
      icon(QUIZ_ICON, ''),
      h('span', null, launcherText),
    );

  const backBtn = h('button', { type: 'button', class: 'icon', 'aria-label': t.back, title: t.back }, icon(BACK_ICON, ''));
  const closeBtn = h('button', { type: 'button', class: 'icon', 'aria-label': t.close, title: t.close }, icon(CLOSE_ICON, ''));
  const fill_ = h('i');
  const bar = h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': 0 }, fill_);
  const pct = h('span', { class: 'pct', 'aria-hidden': 'true' });
  const main = h('div', { class: 'main' });
  const nextBtn = h('button', { type: 'button', class: 'primary' });
  const foot = h('div', { class: 'foot' }, nextBtn);
  // Progress and the outcome of a request, for screen readers.
  const live = h('p', { class: 'sr', 'aria-live': 'polite' });
  const dlg = h(
    'div',
    { class: 'dlg', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': uid + '-t', id: uid },
    h('div', { class: 'top' }, backBtn, bar, pct, closeBtn),
    main,
    foot,
    live,
  );
  const shade = h('div', { class: 'shade', hidden: true }, dlg);
  if (launcher) {
    launcher.setAttribute('aria-controls', uid);
    wrap.appendChild(launcher);
  }
  wrap.appendChild(shade);
  adoptStyle(ctx.shadow, ctx.root, css);
  ctx.root.appendChild(wrap);
  // Measured in place: styled and on the page.
  if (launcher) place(ctx.shadow, ctx.root, launcher);

  // ---- state ---------------------------------------------------------------
  type View = '' | 'start' | 'step' | 'form' | 'result';
  let view: View = '';
  let isOpen = false;
  let viewed = false;
  let busy = false;
  let sid = '';
  let cur = '';
  /** Questions in the order the visitor met them, the current one last. */
  let path: string[] = [];
  let answers: Record<string, unknown> = {};
  const progressAt: Record<string, number> = {};
  let leadId = '';
  let result: Result | undefined;
  let contacts: Record<string, unknown> = {};
  let sv: StepView | null = null;
  let err: HTMLElement | null = null;
  let heading: HTMLElement | null = null;
  let opener: Element | null = null;
  let returnFocus: HTMLElement | null = null;
  let auto: ReturnType<typeof setTimeout> | undefined;

  const steps = () => quiz.steps || [];
  const stepOf = (id: string): Step | undefined => steps().filter((s) => s.id === id)[0];
  const form = () => quiz.form;
  const hasForm = () => !!form() && !(form()!.fields && !form()!.fields!.length);
  // Contacts before the questions only when the quiz keeps partial leads:
  // otherwise the server takes no lead before the end, so the form waits.
  const formFirst = () => hasForm() && form()!.position === 'start' && !!quiz.partial_leads;

  function progress(p: number) {
    const n = Math.max(0, Math.min(100, Math.round(p * 100)));
    fill_.style.width = n + '%';
    bar.setAttribute('aria-valuenow', String(n));
    bar.setAttribute('aria-valuetext', fill(t.progress, { p: n }));
    pct.textContent = n + '%';
  }

  /** Clears the main area for a new screen titled title; the title takes the focus once shown. */
  function screen(v: View, title: string, ...nodes: (Node | null | false)[]) {
    view = v;
    sv = null;
    clearTimeout(auto);
    // What is shown, for the page's own styles and for tests.
    dlg.setAttribute('data-view', v);
    dlg.setAttribute('data-step', v === 'step' ? cur : '');
    main.textContent = '';
    heading = h('h2', { id: uid + '-t', tabindex: -1 }, title);
    err = h('p', { class: 'err', role: 'alert' });
    for (const n of nodes) if (n) main.appendChild(n === TITLE ? heading : n);
    main.appendChild(err);
    main.scrollTop = 0;
    live.textContent = '';
    // No way back from the start or the result: the button keeps its room
    // (the bar does not jump) but leaves the Tab order.
    const ghost = v === 'start' || v === 'result';
    backBtn.classList.toggle('ghost', ghost);
    backBtn.tabIndex = ghost ? -1 : 0;
    foot.hidden = v === 'form' || v === 'result';
    if (isOpen) heading.focus();
  }
  /** Where screen() puts the title among its nodes. */
  const TITLE = document.createComment('title');

  function problem(msg: string) {
    if (err) err.textContent = msg;
  }

  function failed(r: Reply) {
    problem(r.status === 429 ? fill(t.errTooMany, { n: Math.max(1, Math.ceil((r.retry || 60) / 60)) }) : r.status === 422 ? t.errAnswer : t.errNetwork);
  }

  function setBusy(b: boolean, btn: HTMLButtonElement) {
    busy = b;
    // aria-disabled, not disabled: a disabled button drops the focus to the page.
    if (b) btn.setAttribute('aria-disabled', 'true');
    else btn.removeAttribute('aria-disabled');
  }

  // ---- screens -------------------------------------------------------------
  function showStart() {
    const s = quiz.start || {};
    const bonus = say(s.bonus);
    screen(
      'start',
      say(s.title) || launcherText || t.launcher,
      s.image ? h('img', { class: 'hero', src: s.image, alt: '', width: 1200, height: 675, decoding: 'async' }) : null,
      TITLE,
      say(s.text) ? h('p', { class: 'text' }, say(s.text)) : null,
      bonus ? h('p', { class: 'bonus' }, icon(GIFT_ICON, ''), h('span', null, bonus)) : null,
    );
    nextBtn.textContent = say(s.button) || t.start;
    progress(0);
  }

  function showStep(id: string) {
    const step = stepOf(id);
    if (!step) return questionsDone();
    cur = id;
    let i = path.indexOf(id);
    if (i < 0) i = path.push(id) - 1;
    const hint = say(step.hint);
    const v = stepView(step, answers[id], {
      uid,
      t,
      locale,
      say,
      // A second click within the delay still makes one move.
      picked: () => {
        clearTimeout(auto);
        auto = setTimeout(next, 250);
      },
      changed: () => {
        problem('');
        label();
      },
    });
    const n = fill(t.question, { n: i + 1 });
    screen(
      'step',
      say(step.title),
      h('p', { class: 'qn', 'aria-hidden': 'true' }, n + (step.required ? '' : ' · ' + t.optional)),
      TITLE,
      hint ? h('p', { class: 'hint', id: uid + '-h' }, hint) : null,
      v.el,
    );
    sv = v;
    v.el.setAttribute('aria-labelledby', uid + '-t');
    if (hint) v.el.setAttribute('aria-describedby', uid + '-h');
    const p = progressAt[id] !== undefined ? progressAt[id] : i / Math.max(i + 1, steps().length);
    progress(p);
    live.textContent = n + ', ' + fill(t.progress, { p: Math.round(p * 100) });
    label();
  }

  /** The button says Skip on an optional question left empty. */
  function label() {
    const step = stepOf(cur);
    nextBtn.textContent = step && !step.required && sv && sv.value() === undefined ? t.skip : t.next;
  }

  function showForm() {
    const f = form()!;
    const bonus = say((quiz.start || {}).bonus);
    const view = formView(f, uid, t, locale, ctx.site.locale, ctx.site.region);
    screen(
      'form',
      say(f.title) || t.formTitle,
      TITLE,
      h('p', { class: 'text' }, say(f.text) || t.formText),
      bonus ? h('p', { class: 'bonus' }, icon(GIFT_ICON, ''), h('span', null, bonus)) : null,
      view.el,
    );
    view.el.addEventListener('submit', (e) => {
      e.preventDefault();
      sendLead(view);
    });
  }

  function showResult() {
    const r = result || {};
    const values = r.values || {};
    const text = (v: string | L) => {
      const s = typeof v === 'string' ? v : say(v);
      // Placeholders the server left: its values, grouped the visitor's way.
      return s.replace(/\{(\w+)\}/g, (m, k: string) => {
        const x = values[k];
        return typeof x === 'number' ? x.toLocaleString(locale) : typeof x === 'string' ? x : m;
      });
    };
    const screenDef = (quiz.results || []).filter((x) => x.id === r.screen)[0];
    const title = text(r.title || (screenDef && screenDef.title) || '') || (result ? t.resultTitle : t.thanks);
    const body = text(r.text || '');
    const callBtn = h('button', { type: 'button', class: 'primary', hidden: true }, t.callMe);
    const note = h('p', { class: 'ok', role: 'status' });
    const done = h('button', { type: 'button', class: 'second' }, t.close);
    done.addEventListener('click', close);
    screen(
      'result',
      title,
      screenDef && screenDef.image ? h('img', { class: 'hero', src: screenDef.image, alt: '', width: 1200, height: 675, decoding: 'async' }) : null,
      TITLE,
      body ? h('p', { class: 'res' }, body) : null,
      callBtn,
      note,
      done,
    );
    progress(1);
    if (quiz.offer_callback) {
      callbackWidget().then((cb) => {
        if (!cb) return;
        callBtn.hidden = false;
        callBtn.addEventListener('click', () => askCall(cb, callBtn, note));
      });
    }
  }

  // ---- moving on -----------------------------------------------------------
  function questionsDone() {
    if (!leadId && hasForm()) showForm();
    else showResult();
  }

  function begin() {
    if (busy) return;
    // Back at the start of a session under way: its first question again.
    if (sid && path.length) return formFirst() && !leadId ? showForm() : showStep(path[0]);
    if (sid) return resume(sid);
    const hidden: Record<string, string> = {};
    addHidden(hidden, snippet(ctx.site.key));
    addHidden(hidden, opener);
    setBusy(true, nextBtn);
    call(ctx, 'POST', base + '/sessions', { visitor_id: ctx.visitorId, ...pageInfo(), hidden, lang: locale }).then((r) => {
      setBusy(false, nextBtn);
      const j = r.body || {};
      if (r.status !== 201 || typeof j.session_id !== 'string') return failed(r);
      sid = j.session_id;
      save({ wid, sid, open: true });
      path = [];
      answers = {};
      ctx.emit('quiz:started', { id: wid, session_id: sid });
      const first = stepOf(j.step) ? j.step : steps().length ? steps()[0].id : '';
      if (formFirst()) {
        cur = first;
        showForm();
      } else showStep(first);
    });
  }

  function next() {
    if (view === 'start') return begin();
    if (view !== 'step' || !sv || busy) return;
    const why = sv.problem();
    if (why) {
      problem(why);
      const f = sv.first();
      if (f) f.focus();
      return;
    }
    const id = cur;
    const value = sv.value();
    setBusy(true, nextBtn);
    call(ctx, 'PUT', base + '/sessions/' + encodeURIComponent(sid) + '/answers/' + encodeURIComponent(id), {
      value: value === undefined ? null : value,
      visitor_id: ctx.visitorId,
    }).then((r) => {
      setBusy(false, nextBtn);
      if (cur !== id || view !== 'step') return;
      const j: Answered = r.body || {};
      if (r.status === 404 || r.status === 409) return resume(sid);
      if (r.status !== 200) return failed(r);
      answers[id] = value;
      // Answering an earlier question again: the server forgot the later path.
      path = path.slice(0, path.indexOf(id) + 1);
      if (j.result) result = j.result;
      if (j.next) {
        if (typeof j.progress === 'number') progressAt[j.next] = j.progress;
        showStep(j.next);
      } else questionsDone();
    });
  }

  function back() {
    if (busy) return;
    if (view === 'step') {
      const i = path.indexOf(cur);
      if (i > 0) showStep(path[i - 1]);
      else if (formFirst() && leadId) return;
      else showStart();
    } else if (view === 'form') {
      if (formFirst()) showStart();
      else if (path.length) showStep(path[path.length - 1]);
      else showStart();
    }
  }

  function sendLead(f: FormView) {
    if (busy) return;
    f.say('');
    const bad = f.check();
    if (bad) return bad.focus();
    const data = f.data();
    setBusy(true, f.submit);
    f.submit.textContent = t.sending;
    const label = say(form()!.button) || t.send;
    call(ctx, 'POST', base + '/sessions/' + encodeURIComponent(sid) + '/lead', { visitor_id: ctx.visitorId, lang: locale, ...data }).then((r) => {
      setBusy(false, f.submit);
      f.submit.textContent = label;
      const j = r.body || {};
      if ((r.status === 201 || r.status === 200) && typeof j.lead_id === 'string') {
        leadId = j.lead_id;
        contacts = data;
        if (j.result) result = j.result;
        ctx.emit('quiz:lead', { id: wid, lead_id: leadId });
        trig.converted();
        if (formFirst() && stepOf(cur) && !result) return showStep(cur);
        forget(wid);
        return showResult();
      }
      const e = j.error || {};
      const field = r.status === 422 && typeof e.field === 'string' ? f.fault(e.field) : null;
      if (field) field.focus();
      else if (r.status === 404) resume(sid);
      else if (r.status === 429) f.say(fill(t.errTooMany, { n: Math.max(1, Math.ceil((r.retry || 60) / 60)) }));
      else f.say(r.status === 422 ? t.errAnswer : t.errNetwork);
    });
  }

  /** Continues session id where the server says the visitor is; a session that is gone starts over. */
  function resume(id: string) {
    setBusy(true, nextBtn);
    call(ctx, 'GET', base + '/sessions/' + encodeURIComponent(id) + '?visitor_id=' + encodeURIComponent(ctx.visitorId)).then((r) => {
      setBusy(false, nextBtn);
      const s: Session = r.body || {};
      if (r.status !== 200 || s.session_id !== id) {
        forget(wid);
        sid = '';
        if (r.status === 404 || r.status === 403) return showStart();
        return failed(r);
      }
      sid = id;
      if (s.quiz) quiz = s.quiz;
      answers = s.answers || {};
      path = (s.path || []).slice();
      leadId = s.lead_id || '';
      result = s.result || result;
      if (s.step && typeof s.progress === 'number') progressAt[s.step] = s.progress;
      save({ wid, sid, open: isOpen });
      if (s.step && stepOf(s.step)) {
        if (formFirst() && !leadId) {
          cur = s.step;
          return showForm();
        }
        return showStep(s.step);
      }
      questionsDone();
    });
  }

  // ---- the result screen's call ---------------------------------------------
  let cbWidget: Promise<string> | null = null;
  /** The site's callback widget id, from its public config; '' when it has none. */
  function callbackWidget(): Promise<string> {
    cbWidget =
      cbWidget ||
      call(ctx, 'GET', '/config').then((r) => {
        const w = ((r.body && r.body.widgets) || []).filter((x: { type: string }) => x.type === 'callback')[0];
        return w ? String(w.id) : '';
      });
    return cbWidget;
  }

  function askCall(cb: string, btn: HTMLButtonElement, note: HTMLElement) {
    if (busy) return;
    const phone = String(contacts.phone || '');
    if (!phone) {
      // No phone in the form: the callback widget asks for it.
      close();
      window.beckon('open', 'callback');
      return;
    }
    const page = pageInfo();
    setBusy(true, btn);
    call(ctx, 'POST', '/callbacks', {
      widget_id: cb,
      lead_id: leadId,
      phone: phone.replace(/[^\d+]/g, ''),
      name: contacts.name || '',
      visitor_id: ctx.visitorId,
      page_url: page.page_url,
      page_title: document.title.slice(0, 200),
      referrer: page.referrer,
      utm: page.utm,
      consent: contacts.consent !== false,
      consent_text_id: contacts.consent_text_id || '',
      website: '',
    }).then((r) => {
      setBusy(false, btn);
      if (r.status >= 200 && r.status < 300) {
        // The button goes: the focus moves on to the note, which is read out.
        note.textContent = t.callSent;
        note.tabIndex = -1;
        note.focus();
        btn.hidden = true;
        ctx.emit('quiz:callback', { id: wid, lead_id: leadId });
        return;
      }
      // Refused (say, the callback form wants its own consent): let it ask.
      close();
      window.beckon('open', 'callback');
    });
  }

  // ---- open, close, keyboard -------------------------------------------------
  // Shown by a trigger only when closed: one open already is not interrupted again.
  const trig = triggerable(ctx, () => !isOpen && (open(), true));

  function open() {
    if (isOpen) return;
    isOpen = true;
    trig.opened();
    returnFocus = (ctx.shadow.activeElement as HTMLElement | null) || (document.activeElement as HTMLElement | null);
    shade.hidden = false;
    if (launcher) launcher.setAttribute('aria-expanded', 'true');
    if (!viewed) {
      viewed = true;
      const page = pageInfo();
      call(ctx, 'POST', base + '/views', { visitor_id: ctx.visitorId, page_url: page.page_url, referrer: page.referrer, utm: page.utm });
    }
    if (sid) save({ wid, sid, open: true });
    if (!view) {
      const saved = load(wid);
      if (saved) {
        showStart();
        resume(saved.sid);
      } else showStart();
    } else if (heading) heading.focus();
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    trig.closed();
    shade.hidden = true;
    if (launcher) launcher.setAttribute('aria-expanded', 'false');
    if (sid && view !== 'result') save({ wid, sid, open: false });
    const to = returnFocus && returnFocus.isConnected && returnFocus !== document.body ? returnFocus : launcher;
    returnFocus = null;
    if (to) to.focus();
  }

  if (launcher) launcher.addEventListener('click', () => (isOpen ? close() : open()));
  closeBtn.addEventListener('click', close);
  backBtn.addEventListener('click', back);
  nextBtn.addEventListener('click', next);
  shade.addEventListener('click', (e) => {
    if (e.target === shade) close();
  });
  dlg.addEventListener('keydown', (e) => {
    const el = e.target as HTMLElement;
    if (e.key === 'Escape' || e.key === 'Esc') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'Enter' && view === 'step' && main.contains(el) && (el.tagName !== 'TEXTAREA' || e.ctrlKey || e.metaKey)) {
      // Enter continues from any answer; in a text area Ctrl+Enter does.
      e.preventDefault();
      next();
    } else if (e.key === 'Tab') {
      // Keep Tab inside the dialog while it is open.
      const list = focusables(dlg);
      const i = list.indexOf(ctx.shadow.activeElement as HTMLElement);
      if (e.shiftKey && i <= 0) {
        e.preventDefault();
        list[list.length - 1].focus();
      } else if (!e.shiftKey && i === list.length - 1) {
        e.preventDefault();
        list[0].focus();
      }
    }
  });

  // Esc also when a click on the dialog's text left the focus on the page.
  document.addEventListener('keydown', (e) => {
    if (isOpen && (e.key === 'Escape' || e.key === 'Esc')) close();
  });

  // Page elements with data-beckon-quiz open it: this quiz's id, or empty for the first quiz.
  document.addEventListener('click', (e) => {
    const el = e.target instanceof Element ? e.target.closest('[data-beckon-quiz]') : null;
    if (!el) return;
    const want = el.getAttribute('data-beckon-quiz');
    if (want !== wid && !(want === '' && firstQuiz === wid)) return;
    e.preventDefault();
    opener = el;
    open();
  });

  // A resume link (#beckon-quiz=<wid>.<sid>), or a reload while the quiz was open.
  const linked = fromFragment(wid);
  const saved = load(wid);
  if (linked) {
    save({ wid, sid: linked, open: true });
    open();
  } else if (saved && saved.open) open();

  return { open, close };
};

window.beckon('define', 'quiz', factory);

// The callback widget: a floating phone button that opens a small form
// ("call me now" or "call me at …"), sends the request to Beckon and then
// shows the call's real progress, streamed from the server, with a running
// seconds counter.
//
// Server endpoints (under ctx.base + /w/v1/{siteKey}):
//   GET  /callbacks/availability?widget_id=…   {open, timezone, slots[]}
//   POST /callbacks                             202 {id, status}; 409 / 422 / 429 errors
//   GET  /callbacks/{id}/events?visitor_id=…    SSE, "state" events until a final status
//   GET  /callbacks/{id}?visitor_id=…           the same state, for polling
//
// Page events: callback:requested {id}, callback:status {id, status, reason}.

import { triggerable } from '../../triggers/client';
import type { WidgetFactory } from '../../types';
import { palette } from '../_shared/color';
import { adoptStyle, focusables, h, icon } from '../_shared/dom';
import { fill, lang, pick, pickKey } from '../_shared/i18n';
import { consentNodes, policyLink, policyURL } from './consent';
import { codeOfRegion, compose, example, regionOfCode } from './phone';
import { css } from './style';
import { texts } from './texts';
import { slotLabel } from './when';

interface Settings {
  position?: string;
  color?: string;
  button_text?: Record<string, string>;
  title?: Record<string, string>;
  consent?: { required?: boolean; text?: Record<string, string>; text_ids?: Record<string, string>; version?: string; url?: string };
  calling_codes?: number[];
}

interface Availability {
  open: boolean;
  timezone: string;
  slots: string[];
}

/** A request's state, as the status endpoint and the SSE stream send it. */
interface CallState {
  id: string;
  status: string;
  reason?: string;
  due_at?: string;
  created_at?: string;
  now?: string;
  timeline?: { status: string; at: string }[];
}

const PHONE_ICON =
  'M6.62 10.79a15.05 15.05 0 0 0 6.59 6.59l2.2-2.2a1 1 0 0 1 1.02-.24c1.12.37 2.33.57 3.57.57a1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1.02l-2.2 2.2z';
const CLOSE_ICON = 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z';
const CHEVRON_ICON = 'M7.41 8.59 12 13.17l4.59-4.58L18 10l-6 6-6-6z';

/** How far along the call is, for the progress bar (4 segments). */
const STEP: Record<string, number> = {
  queued: 0,
  calling_manager: 1,
  manager_answered: 2,
  calling_visitor: 3,
  connected: 4,
  completed: 4,
};
/** Why a request failed; each has its own text. */
const REASONS = ['no_manager_available', 'manager_no_answer', 'visitor_no_answer', 'visitor_busy', 'provider_error', 'cancelled'] as const;
type Reason = (typeof REASONS)[number];
const isFinal = (status: string) => status === 'completed' || status === 'failed';
/** A queued request due this far ahead is a call for later, not one in progress. */
const LATER_MS = 2 * 60e3;
const POLL_MS = 2000;
const AVAILABILITY_TTL_MS = 60e3;
const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];

function regionNames(locale: string): { of(region: string): string | undefined } | null {
  const DisplayNames = (Intl as any).DisplayNames;
  if (!DisplayNames) return null;
  try {
    return new DisplayNames([locale], { type: 'region' });
  } catch (e) {
    return null;
  }
}

const factory: WidgetFactory<Settings> = (ctx) => {
  const settings = ctx.widget.settings || {};
  const site = ctx.site;
  const locale = lang(ctx.locale);
  const t = texts[locale];
  const uid = 'bkcb-' + ctx.widget.id.replace(/[^\w-]/g, '');
  const pal = palette(settings.color || '', '#16a34a');
  const own = (m: Record<string, string> | undefined) => (m && typeof m[locale] === 'string' && m[locale].trim()) || '';

  // ---- the floating button -------------------------------------------------
  const wrap = h('div', { class: 'bkcb' + (settings.position === 'bottom-left' ? ' left' : '') });
  wrap.style.setProperty('--bk-brand', pal.brand);
  wrap.style.setProperty('--bk-on-brand', pal.onBrand);
  wrap.style.setProperty('--bk-strong', pal.strong);
  wrap.style.setProperty('--bk-on-strong', pal.onStrong);

  const buttonText = own(settings.button_text) || t.button;
  const fab = h(
    'button',
    { type: 'button', class: 'fab', 'aria-label': buttonText, title: buttonText, 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-controls': uid },
    icon(PHONE_ICON, ''),
  );

  // ---- the panel ---------------------------------------------------------
  const heading = h('h2', { id: uid + '-t', tabindex: -1 });
  const closeBtn = h('button', { type: 'button', class: 'close', 'aria-label': t.close, title: t.close }, icon(CLOSE_ICON, ''));
  const lead = h('p', { class: 'lead' });

  // Phone: country code and number.
  const homeCode = codeOfRegion(site.region);
  const codes = (settings.calling_codes || []).filter((n) => Number.isInteger(n) && n > 0);
  if (!codes.length) codes.push(homeCode || 7);
  let code = codes.indexOf(homeCode) >= 0 ? homeCode : codes[0];
  const ccSelect = h('select', { id: uid + '-cc', 'aria-label': t.countryCode });
  for (const c of codes) ccSelect.appendChild(h('option', { value: c }, '+' + c));
  // The countries' names (read by screen readers, shown when there is a
  // choice) need ICU's region data, whose first load takes one long task
  // (up to hundreds of ms on a busy phone): not while the page loads, but
  // when the visitor reaches for the button.
  let named = false;
  const nameCodes = () => {
    if (named) return;
    named = true;
    const names = regionNames(ctx.locale);
    for (const o of Array.from(ccSelect.options)) {
      const region = regionOfCode(+o.value, site.region);
      const name = (region && names && names.of(region)) || '';
      if (name && name !== region) o.textContent += ' ' + name;
    }
  };
  ccSelect.value = String(code);
  const ccFace = h('span', { 'aria-hidden': 'true' }, '+' + code);
  const cc = h('div', { class: 'cc' + (codes.length < 2 ? ' one' : '') }, ccFace, codes.length > 1 && icon(CHEVRON_ICON, 'chev'), ccSelect);
  const phone = h('input', {
    class: 'txt',
    id: uid + '-p',
    name: 'phone',
    type: 'tel',
    inputmode: 'tel',
    autocomplete: 'tel-national',
    required: true,
    maxlength: 32,
    placeholder: example(code, site.region),
    'aria-describedby': uid + '-pe',
  });
  const phoneErr = h('p', { class: 'err', id: uid + '-pe', role: 'alert' });
  const phoneField = h(
    'div',
    { class: 'field' },
    h('label', { class: 'lbl', for: uid + '-p' }, t.phone),
    h('div', { class: 'tel' }, cc, phone),
    phoneErr,
  );

  const name = h('input', { class: 'txt', id: uid + '-n', name: 'name', type: 'text', autocomplete: 'given-name', maxlength: 100 });
  const nameField = h('div', { class: 'field' }, h('label', { class: 'lbl', for: uid + '-n' }, t.name), name);

  const slotSelect = h('select', { class: 'txt', id: uid + '-s', name: 'slot' });
  const slotField = h('div', { class: 'field', hidden: true }, h('label', { class: 'lbl', for: uid + '-s' }, t.when), slotSelect);

  // Consent: an unticked box the visitor must tick, when the site asks for it.
  // The owner's privacy policy is linked from the form whenever it is set:
  // from the consent text, else on a line of its own.
  const consentRequired = !!(settings.consent && settings.consent.required);
  const policy = policyURL(settings.consent && settings.consent.url);
  const consentBox = h('input', { type: 'checkbox', id: uid + '-c', name: 'consent', required: consentRequired, 'aria-describedby': uid + '-ce' });
  const consentErr = h('p', { class: 'err', id: uid + '-ce', role: 'alert' });
  const consentField = consentRequired
    ? h(
        'div',
        { class: 'field' },
        h('label', { class: 'consent' }, consentBox, h('span', null, ...consentNodes(pick(settings.consent!.text, ctx.locale, site.locale), policy, t.privacy))),
        consentErr,
      )
    : policy && h('p', { class: 'policy' }, policyLink(policy, t.privacy));

  // A field people never see; bots fill it in.
  const honeypot = h('input', { type: 'text', name: 'website', tabindex: -1, autocomplete: 'off', 'aria-hidden': 'true' });

  const submit = h('button', { type: 'submit', class: 'primary' });
  const alt = h('button', { type: 'button', class: 'secondary', hidden: true });
  const formErr = h('p', { class: 'formerr', role: 'alert' });
  // novalidate: the browser's own bubbles would cover the widget's messages
  // and the submit button, and speak the browser's language; the widget
  // checks the fields itself and says what is wrong next to each.
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    lead,
    phoneField,
    nameField,
    slotField,
    consentField,
    h('div', { class: 'hp', 'aria-hidden': 'true' }, honeypot),
    submit,
    alt,
    formErr,
  );

  // The status view after a request was accepted.
  const steps = h('ol', { class: 'steps', 'aria-hidden': 'true' }, h('li'), h('li'), h('li'), h('li'));
  const statusText = h('p', { class: 'sttext', 'aria-hidden': 'true' });
  const timer = h('p', { class: 'timer', 'aria-hidden': 'true' });
  const note = h('p', { class: 'note' });
  const statusBtn = h('button', { type: 'button', class: 'primary' });
  const statusView = h('div', { class: 'status', hidden: true }, steps, statusText, timer, note, statusBtn);
  // Screen readers hear status changes here; the ticking counter stays out of it.
  const live = h('p', { class: 'sr', role: 'status', 'aria-live': 'polite' });

  const panel = h(
    'div',
    { class: 'panel', id: uid, role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': uid + '-t', hidden: true },
    h('div', { class: 'head' }, heading, closeBtn),
    form,
    statusView,
    live,
  );
  const backdrop = h('div', { class: 'backdrop', hidden: true });

  adoptStyle(ctx.shadow, ctx.root, css);
  wrap.append(fab, backdrop, panel);
  // A multi-button shows this widget's launcher (hosted_by): no button of its own.
  fab.hidden = !!ctx.widget.hosted_by;
  ctx.root.appendChild(wrap);

  // ---- state ---------------------------------------------------------------
  let isOpen = false;
  let returnFocus: HTMLElement | null = null;
  let view: 'form' | 'status' = 'form';
  let availability: Availability | null = null;
  let availabilityAt = 0;
  let later = false; // the visitor chose "call me later"
  let sending = false;
  let requestId = '';
  let current: CallState | null = null;
  let offset = 0; // server clock minus ours, ms
  let createdAt = 0; // the request's created_at, server clock, ms
  let ticker: ReturnType<typeof setInterval> | undefined;
  let stream: EventSource | null = null;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let watchGen = 0;

  const serverNow = () => Date.now() + offset;
  const slots = () =>
    availability && Array.isArray(availability.slots) ? availability.slots.filter((s) => typeof s === 'string' && !isNaN(Date.parse(s))) : [];
  const labelOf = (iso: string) =>
    slotLabel(iso, (availability && availability.timezone) || site.timezone, locale, t, serverNow());

  // ---- the form ------------------------------------------------------------
  let slotKey = '';
  function renderForm() {
    const list = slots();
    const closed = !!availability && availability.open === false;
    const scheduling = list.length > 0 && (closed || later);
    heading.textContent = own(settings.title) || (closed || scheduling ? t.titleLater : t.titleNow);
    lead.textContent = closed ? (list.length ? t.leadClosed : t.leadClosedNoSlots) : scheduling ? t.leadLater : t.leadNow;
    const key = list.join(',');
    if (key !== slotKey) {
      slotKey = key;
      const keep = slotSelect.value;
      slotSelect.textContent = '';
      for (const s of list) slotSelect.appendChild(h('option', { value: s }, labelOf(s)));
      if (list.indexOf(keep) >= 0) slotSelect.value = keep;
    }
    slotField.hidden = !scheduling;
    slotSelect.required = scheduling;
    submit.textContent = sending ? t.sending : scheduling ? t.schedule : closed ? t.button : t.callNow;
    // aria-disabled, not disabled: a disabled button drops the focus to the page.
    if (sending) submit.setAttribute('aria-disabled', 'true');
    else submit.removeAttribute('aria-disabled');
    // Until the availability is in, the "call me later" button keeps its
    // place without showing: the panel grows upwards from its button, so
    // a button appearing later would push "call me now" up and take its
    // spot under the visitor's finger.
    alt.hidden = !!availability && (closed || !list.length);
    alt.style.visibility = availability ? '' : 'hidden';
    alt.textContent = later ? t.callNowInstead : t.callLater;
  }

  function loadAvailability() {
    if (Date.now() - availabilityAt < AVAILABILITY_TTL_MS) return;
    availabilityAt = Date.now();
    ctx
      .api('/callbacks/availability?widget_id=' + encodeURIComponent(ctx.widget.id))
      .then((r) => (r.ok ? r.json() : null))
      .then(
        (a) => {
          // No usable answer: "call me now" alone, as when no slots exist.
          availability = a && typeof a.open === 'boolean' ? a : availability || { open: true, timezone: '', slots: [] };
          if (view === 'form') renderForm();
        },
        () => {
          availability = availability || { open: true, timezone: '', slots: [] };
          if (view === 'form') renderForm();
        },
      );
  }

  function showError(el: HTMLElement, msg: string, field?: HTMLElement) {
    el.textContent = msg;
    if (field) field.setAttribute('aria-invalid', 'true');
  }

  function clearErrors() {
    for (const el of [phoneErr, consentErr, formErr]) el.textContent = '';
    for (const el of [phone, consentBox, slotSelect]) el.removeAttribute('aria-invalid');
  }

  // The constraint API still decides what is valid (checkValidity fires
  // "invalid" per field, below); its messages are the widget's.
  const syncValidity = () => {
    phone.setCustomValidity(phone.value.replace(/\D/g, '') ? '' : t.errPhoneEmpty);
    consentBox.setCustomValidity(!consentRequired || consentBox.checked ? '' : t.errConsent);
    slotSelect.setCustomValidity(!slotSelect.required || slotSelect.value ? '' : t.errSlot);
  };
  form.addEventListener(
    'invalid',
    (e) => {
      const el = e.target;
      if (el === phone) showError(phoneErr, phone.validationMessage, phone);
      else if (el === consentBox) showError(consentErr, t.errConsent, consentBox);
      else if (el === slotSelect) showError(formErr, t.errSlot, slotSelect);
    },
    true,
  );
  phone.addEventListener('input', () => {
    syncValidity();
    phoneErr.textContent = '';
    phone.removeAttribute('aria-invalid');
  });
  consentBox.addEventListener('change', () => {
    syncValidity();
    if (consentBox.checked) {
      consentErr.textContent = '';
      consentBox.removeAttribute('aria-invalid');
    }
  });
  ccSelect.addEventListener('change', () => {
    code = Number(ccSelect.value);
    ccFace.textContent = '+' + code;
    phone.placeholder = example(code, site.region);
  });
  alt.addEventListener('click', () => {
    later = !later;
    renderForm();
    syncValidity();
    (later ? slotSelect : phone).focus();
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (sending) return;
    clearErrors();
    syncValidity();
    if (!form.checkValidity()) {
      // The first field to fix gets the focus; its message is read with it.
      const bad = [phone, slotSelect, consentBox].filter((el) => !el.validity.valid)[0];
      if (bad) bad.focus();
      return;
    }
    const slot = slotField.hidden ? '' : slotSelect.value;
    const utm: Record<string, string> = {};
    const query = new URLSearchParams(location.search);
    for (const k of UTM) {
      const v = query.get(k);
      if (v) utm[k] = v.slice(0, 200);
    }
    const body: Record<string, unknown> = {
      widget_id: ctx.widget.id,
      phone: compose(code, phone.value),
      name: name.value.trim(),
      visitor_id: ctx.visitorId,
      page_url: location.href.slice(0, 2048),
      page_title: document.title.slice(0, 200),
      referrer: document.referrer.slice(0, 2048),
      utm,
      consent: consentBox.checked,
      // Which consent text was shown: the request keeps that exact text.
      consent_text_id: consentRequired ? (settings.consent!.text_ids || {})[pickKey(settings.consent!.text, ctx.locale, site.locale)] || '' : '',
      website: honeypot.value,
    };
    if (slot) body.scheduled_at = slot;
    sending = true;
    renderForm();
    ctx
      .api('/callbacks', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(async (r) => {
        let j: any = null;
        try {
          j = await r.json();
        } catch (err) {
          // not JSON: handled by status below
        }
        if (r.ok && j && typeof j.id === 'string') return accepted(j, slot);
        const err = (j && j.error) || {};
        if (r.status === 422 && err.field === 'phone') {
          showError(phoneErr, t.errPhone, phone);
          phone.focus();
        } else if (r.status === 422 && err.field === 'consent') {
          showError(consentErr, t.errConsent, consentBox);
          consentBox.focus();
        } else if (r.status === 422 && err.field === 'scheduled_at') {
          // The slot went (closed hours changed, or it is in the past now): fresh slots.
          showError(formErr, t.errSlotGone);
          availabilityAt = 0;
          loadAvailability();
        } else if (r.status === 409 && err.code === 'call_in_progress') {
          showError(formErr, t.errInProgress);
        } else if (r.status === 429) {
          const secs = parseInt(r.headers.get('Retry-After') || '', 10);
          showError(formErr, fill(t.errTooMany, { n: Math.max(1, Math.ceil((secs > 0 ? secs : 60) / 60)) }));
        } else if (r.status === 422 && typeof err.message === 'string' && err.message) {
          showError(formErr, (err.field ? err.field + ': ' : '') + err.message);
        } else {
          showError(formErr, t.errNetwork);
        }
      })
      .catch(() => showError(formErr, t.errNetwork))
      .then(() => {
        sending = false;
        if (view === 'form') renderForm();
      });
  });

  // ---- after the request was accepted -------------------------------------
  function accepted(j: { id: string; status?: string }, slot: string) {
    requestId = j.id;
    ctx.emit('callback:requested', { id: j.id });
    trig.converted();
    showView('status');
    heading.focus();
    if (slot) {
      showScheduled(labelOf(slot));
      return;
    }
    current = null;
    offset = 0;
    createdAt = Date.now();
    onState({ id: j.id, status: j.status || 'queued' });
    if (!isFinal(current!.status)) watch(j.id);
  }

  function showView(v: 'form' | 'status') {
    view = v;
    form.hidden = v !== 'form';
    statusView.hidden = v !== 'status';
    if (v === 'status') heading.textContent = t.statusTitle;
    else renderForm();
  }

  function resetToForm() {
    stopWatch();
    setTicking(false);
    requestId = '';
    current = null;
    showView('form');
  }

  function onState(st: CallState) {
    if (!st || st.id !== requestId || typeof st.status !== 'string') return;
    const now = Date.parse(st.now || '');
    if (!isNaN(now)) offset = now - Date.now();
    const created = Date.parse(st.created_at || '');
    if (!isNaN(created)) createdAt = created;
    const changed = !current || current.status !== st.status || current.reason !== st.reason;
    current = st;
    const due = Date.parse(st.due_at || '');
    if (st.status === 'queued' && due - serverNow() > LATER_MS) {
      // Accepted for later (say, outside working hours): nothing to watch now.
      stopWatch();
      showScheduled(labelOf(st.due_at!));
    } else if (changed) {
      renderStatus(st);
    }
    if (changed) ctx.emit('callback:status', { id: st.id, status: st.status, reason: st.reason || null });
    if (isFinal(st.status)) stopWatch();
  }

  /** Seconds from the request's creation to at (server clock, ms). */
  const secondsTo = (at: number) => Math.max(0, Math.floor((at - createdAt) / 1000));

  function setTicking(on: boolean) {
    clearInterval(ticker);
    ticker = undefined;
    if (on) {
      const tick = () => (timer.textContent = fill(t.seconds, { n: secondsTo(serverNow()) }));
      tick();
      ticker = setInterval(tick, 250);
    }
  }

  function renderStatus(st: CallState) {
    const s = st.status;
    const failed = s === 'failed';
    const inProgress = !isFinal(s) && s !== 'connected';
    const step = STEP[s] === undefined ? 0 : STEP[s];
    statusView.classList.toggle('live', inProgress);
    steps.hidden = failed;
    Array.prototype.forEach.call(steps.children, (li: Element, i: number) => {
      li.className = i < step ? 'on' : i === step && inProgress ? 'cur' : '';
    });
    const reason = REASONS.indexOf(st.reason as Reason) >= 0 ? (st.reason as Reason) : null;
    const known = STEP[s] !== undefined ? (s as 'queued' | 'calling_manager' | 'manager_answered' | 'calling_visitor' | 'connected' | 'completed') : 'queued';
    const msg = failed ? (reason ? t[reason] : t.failed) : t[known];
    statusText.textContent = msg;
    live.textContent = msg;
    timer.hidden = !inProgress;
    setTicking(inProgress);
    const connected = (st.timeline || []).filter((x) => x.status === 'connected')[0];
    const connectedAt = connected ? Date.parse(connected.at) : NaN;
    note.textContent = !failed && !isNaN(connectedAt) ? fill(t.connectedIn, { n: secondsTo(connectedAt) }) : '';
    note.hidden = !note.textContent;
    statusBtn.hidden = !isFinal(s);
    statusBtn.textContent = failed ? t.tryAgain : t.done;
  }

  function showScheduled(label: string) {
    setTicking(false);
    steps.hidden = true;
    timer.hidden = true;
    statusView.classList.remove('live');
    const msg = fill(t.scheduled, { slot: label });
    statusText.textContent = msg;
    live.textContent = msg;
    note.textContent = t.scheduledNote;
    note.hidden = false;
    statusBtn.hidden = false;
    statusBtn.textContent = t.done;
    current = { id: requestId, status: 'scheduled' };
  }

  statusBtn.addEventListener('click', () => {
    const retry = current && current.status === 'failed';
    resetToForm();
    if (retry) phone.focus();
    else close();
  });

  // ---- following the request: SSE, else polling ---------------------------
  function stopWatch() {
    watchGen++;
    if (stream) stream.close();
    stream = null;
    clearTimeout(pollTimer);
  }

  function watch(id: string) {
    stopWatch();
    const gen = watchGen;
    const path = '/callbacks/' + encodeURIComponent(id);
    const query = '?visitor_id=' + encodeURIComponent(ctx.visitorId);
    if (typeof EventSource === 'function') {
      try {
        const src = new EventSource(ctx.base + '/w/v1/' + encodeURIComponent(site.key) + path + '/events' + query);
        let got = false;
        const onMessage = (e: MessageEvent) => {
          if (gen !== watchGen) return;
          got = true;
          try {
            onState(JSON.parse(e.data));
          } catch (err) {
            // a malformed message: wait for the next one
          }
        };
        src.addEventListener('state', onMessage as EventListener);
        src.onmessage = onMessage;
        src.onerror = () => {
          if (gen !== watchGen) return;
          // Before the first message, or refused for good: poll instead. A
          // dropped stream that had worked reconnects by itself.
          if (!got || src.readyState === EventSource.CLOSED) {
            src.close();
            stream = null;
            poll(gen, path + query);
          }
        };
        stream = src;
        return;
      } catch (e) {
        // no stream: poll
      }
    }
    poll(gen, path + query);
  }

  function poll(gen: number, path: string) {
    const started = Date.now();
    let failures = 0;
    const step = () => {
      if (gen !== watchGen) return;
      ctx
        .api(path)
        .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
        .then(
          (st: CallState) => {
            failures = 0;
            if (gen === watchGen) onState(st);
          },
          () => failures++,
        )
        .then(() => {
          if (gen === watchGen && current && !isFinal(current.status) && failures < 30 && Date.now() - started < 30 * 60e3) {
            pollTimer = setTimeout(step, POLL_MS);
          }
        });
    };
    step();
  }

  // ---- open, close, keyboard ----------------------------------------------
  function open() {
    if (isOpen) return;
    isOpen = true;
    trig.opened();
    nameCodes();
    returnFocus = (ctx.shadow.activeElement as HTMLElement | null) || (document.activeElement as HTMLElement | null);
    panel.hidden = false;
    backdrop.hidden = false;
    fab.setAttribute('aria-expanded', 'true');
    if (view === 'form') {
      renderForm();
      syncValidity();
      loadAvailability();
      phone.focus();
    } else {
      heading.focus();
    }
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    trig.closed();
    panel.hidden = true;
    backdrop.hidden = true;
    fab.setAttribute('aria-expanded', 'false');
    const back = returnFocus && returnFocus.isConnected && returnFocus !== document.body ? returnFocus : fab;
    returnFocus = null;
    back.focus();
  }

  // The trigger engine (docs/TRIGGERS.md): a trigger of settings.triggers
  // opens the panel when it is shut; every opening, closing and request is
  // told, so no triggered pop-up covers the open panel.
  const trig = triggerable(ctx, () => !isOpen && (open(), true));

  fab.addEventListener('click', () => (isOpen ? close() : open()));
  // Ask for the availability as the visitor reaches for the button (a
  // pointer over it, a finger on it, the focus), so the panel usually
  // opens with its buttons final.
  fab.addEventListener('pointerenter', loadAvailability);
  fab.addEventListener('focus', loadAvailability);
  fab.addEventListener('pointerenter', nameCodes);
  fab.addEventListener('focus', nameCodes);
  closeBtn.addEventListener('click', close);
  backdrop.addEventListener('click', close);
  wrap.addEventListener('keydown', (e) => {
    if (!isOpen) return;
    if (e.key === 'Escape' || e.key === 'Esc') {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== 'Tab') return;
    // Keep Tab inside the dialog while it is open.
    const list = focusables(panel);
    if (!list.length) return;
    const i = list.indexOf(ctx.shadow.activeElement as HTMLElement);
    if (e.shiftKey && i <= 0) {
      e.preventDefault();
      list[list.length - 1].focus();
    } else if (!e.shiftKey && (i === list.length - 1 || !panel.contains(ctx.shadow.activeElement))) {
      e.preventDefault();
      list[0].focus();
    }
  });

  return { open, close };
};

window.beckon('define', 'callback', factory);

// The contact form: the fields the owner chose (name, phone, e-mail,
// messenger), the consent checkbox with its exact text and the policy link,
// and a honeypot field people never see. Checked here with the widget's own
// messages (novalidate), then by the server, whose 422 names the field.

import { h } from '../_shared/dom';
import { pick, pickKey } from '../_shared/i18n';
import { example, codeOfRegion } from '../callback/phone';
import { consentNodes, policyLink, policyURL } from '../callback/consent';
import type { Form } from './model';
import type { Texts } from './texts';

export interface FormView {
  el: HTMLFormElement;
  submit: HTMLButtonElement;
  /** The request body's contact part. */
  data(): Record<string, unknown>;
  /** Shows what is wrong; returns the first field to fix, or null. */
  check(): HTMLElement | null;
  /** Shows the server's complaint about field; false when the form has no such field. */
  fault(field: string): HTMLElement | null;
  /** A message for the whole form ('' clears it). */
  say(msg: string): void;
}

interface Field {
  name: string;
  input: HTMLInputElement;
  err: HTMLElement;
  required: boolean;
}

const KINDS: Record<string, [string, string, string]> = {
  // name: [input type, autocomplete, inputmode]
  name: ['text', 'name', 'text'],
  phone: ['tel', 'tel', 'tel'],
  email: ['email', 'email', 'email'],
  messenger: ['text', 'off', 'text'],
};

export function formView(form: Form, uid: string, t: Texts, locale: string, siteLocale: string, region: string): FormView {
  const fields: Field[] = [];
  const say = (m: Record<string, string> | undefined) => pick(m, locale, siteLocale);
  const list = form.fields && form.fields.length ? form.fields : [{ name: 'name' }, { name: 'phone', required: true }];
  const body: (Node | null)[] = [];
  for (const f of list) {
    const kind = KINDS[f.name];
    if (!kind) continue;
    const id = uid + '-f-' + f.name;
    const err = h('p', { class: 'err', id: id + '-e', role: 'alert' });
    const input = h('input', {
      class: 'txt',
      id,
      name: f.name,
      type: kind[0],
      autocomplete: kind[1],
      inputmode: kind[2],
      maxlength: f.name === 'email' ? 254 : 100,
      required: !!f.required,
      placeholder: f.name === 'phone' ? '+' + (codeOfRegion(region) || 7) + ' ' + example(codeOfRegion(region) || 7, region) : null,
      'aria-describedby': id + '-e',
    });
    fields.push({ name: f.name, input, err, required: !!f.required });
    const label = (t as Record<string, string>)[f.name] + (f.required ? '' : ' (' + t.optional + ')');
    body.push(h('div', { class: 'field' }, h('label', { class: 'lbl', for: id }, label), input, err));
  }

  const consent = form.consent || {};
  const policy = policyURL(consent.url);
  const box = h('input', { type: 'checkbox', id: uid + '-c', name: 'consent', 'aria-describedby': uid + '-ce' });
  const boxErr = h('p', { class: 'err', id: uid + '-ce', role: 'alert' });
  if (consent.required) {
    const text = pick(consent.text, locale, siteLocale);
    body.push(h('div', { class: 'field' }, h('label', { class: 'consent' }, box, h('span', null, ...consentNodes(text, policy, t.privacy))), boxErr));
  } else if (policy) {
    body.push(h('p', { class: 'policy' }, policyLink(policy, t.privacy)));
  }
  // A field people never see; bots fill it in.
  const honeypot = h('input', { type: 'text', name: 'website', tabindex: -1, autocomplete: 'off' });
  const formErr = h('p', { class: 'formerr', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, say(form.button) || t.send);
  const el = h('form', { class: 'form', novalidate: true }, ...body, h('div', { class: 'hp', 'aria-hidden': 'true' }, honeypot), submit, formErr);

  const mark = (input: HTMLElement, err: HTMLElement, msg: string) => {
    err.textContent = msg;
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  for (const f of fields) f.input.addEventListener('input', () => mark(f.input, f.err, ''));
  box.addEventListener('change', () => box.checked && mark(box, boxErr, ''));

  const problem = (f: Field) => {
    const v = f.input.value.trim();
    if (!v) return f.required ? t.errRequired : '';
    if (f.name === 'phone' && v.replace(/\D/g, '').length < 6) return t.errPhone;
    if (f.name === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) return t.errEmail;
    return '';
  };

  return {
    el,
    submit,
    data() {
      const out: Record<string, unknown> = { website: honeypot.value };
      for (const f of fields) out[f.name] = f.input.value.trim();
      if (consent.required) {
        out.consent = box.checked;
        // Which consent text was shown: the lead keeps that exact text.
        out.consent_text_id = (consent.text_ids || {})[pickKey(consent.text, locale, siteLocale)] || '';
      }
      return out;
    },
    check() {
      let first: HTMLElement | null = null;
      for (const f of fields) {
        const msg = problem(f);
        mark(f.input, f.err, msg);
        if (msg && !first) first = f.input;
      }
      if (consent.required && !box.checked) {
        mark(box, boxErr, t.errConsent);
        first = first || box;
      }
      return first;
    },
    fault(field) {
      if (field === 'consent' || field === 'consent_text_id') {
        mark(box, boxErr, t.errConsent);
        return box;
      }
      const f = fields.filter((x) => x.name === field)[0];
      if (!f) return null;
      mark(f.input, f.err, field === 'phone' ? t.errPhone : field === 'email' ? t.errEmail : t.errRequired);
      return f.input;
    },
    say(msg) {
      formErr.textContent = msg;
    },
  };
}

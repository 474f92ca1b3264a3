// One question's inputs, by step type: native radios and checkboxes (arrow
// keys and screen readers work as everywhere), image cards, a text area, a
// number with an optional slider, a date, a star rating. Each view says
// what the visitor answered (undefined: nothing) and what is wrong with it.

import { h, icon } from '../_shared/dom';
import { fill } from '../_shared/i18n';
import type { Step } from './model';
import type { Texts } from './texts';

export interface StepView {
  el: HTMLElement;
  /** The answer as the API takes it; undefined when nothing is answered. */
  value(): unknown;
  /** Why the answer cannot be sent ('' when it can); a required step must be answered. */
  problem(): string;
  /** The first input, for the keyboard. */
  first(): HTMLElement | null;
}

/** What a view needs from the widget. */
export interface StepEnv {
  uid: string;
  t: Texts;
  /** The visitor's language, for dates. */
  locale: string;
  /** An owner's text in the visitor's language. */
  say(m: Record<string, string> | undefined): string;
  /** Called when a single choice was picked with the pointer: the widget moves on. */
  picked(): void;
  /** The visitor changed the answer: clears the error. */
  changed(): void;
}

const STAR = 'M12 17.27 18.18 21l-1.64-7.03L22 9.24l-7.19-.61L12 2 9.19 8.63 2 9.24l5.46 4.73L5.82 21z';
const CHECK = 'M9 16.17 4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z';

const num = (v: unknown) => (typeof v === 'number' && isFinite(v) ? v : undefined);

export function stepView(step: Step, prev: unknown, env: StepEnv): StepView {
  switch (step.type) {
    case 'multi':
      return choices(step, prev, env, true);
    case 'text':
      return textView(step, prev, env);
    case 'number':
      return numberView(step, prev, env);
    case 'date':
      return dateView(step, prev, env);
    case 'rating':
      return ratingView(step, prev, env);
    default:
      return choices(step, prev, env, false);
  }
}

/** single, multi and image steps. */
function choices(step: Step, prev: unknown, env: StepEnv, multi: boolean): StepView {
  const t = env.t;
  const images = step.type === 'image';
  const name = env.uid + '-' + step.id;
  const chosen = Array.isArray(prev) ? prev : [prev];
  const inputs: HTMLInputElement[] = [];
  const many = (step.options || []).length > 4;
  const list = h('div', { class: images ? 'cards' + (many ? ' c3' : '') : 'opts' });
  // The pointer picked a single choice: move on once the box shows it.
  let pointer = false;
  for (const o of step.options || []) {
    const input = h('input', { type: multi ? 'checkbox' : 'radio', name, value: o.id, class: 'box' });
    input.checked = chosen.indexOf(o.id) >= 0;
    inputs.push(input);
    const label = env.say(o.label);
    const mark = h('span', { class: 'mark', 'aria-hidden': 'true' }, icon(CHECK, ''));
    const pic =
      o.image &&
      h(
        'span',
        { class: 'pic' },
        h('img', { src: o.image, alt: '', loading: 'lazy', decoding: 'async', width: 400, height: 300 }),
      );
    list.appendChild(h('label', { class: images ? 'card' : 'opt' }, input, pic || null, h('span', { class: 'olabel' }, mark, h('span', null, label))));
  }
  list.addEventListener('pointerdown', () => (pointer = true));
  list.addEventListener('keydown', (e) => {
    pointer = false;
    // Checkboxes have no arrow keys of their own: move like a radio group does.
    if (!multi) return;
    const i = inputs.indexOf(e.target as HTMLInputElement);
    const d = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
    if (i < 0 || !d) return;
    e.preventDefault();
    inputs[(i + d + inputs.length) % inputs.length].focus();
  });
  list.addEventListener('change', () => {
    env.changed();
    if (!multi && pointer) env.picked();
    pointer = false;
  });
  const max = step.max_choices || 0;
  const hint = multi ? h('p', { class: 'hint2' }, max && max < inputs.length ? fill(t.multiHintMax, { n: max }) : t.multiHint) : null;
  const value = () => {
    const ids = inputs.filter((i) => i.checked).map((i) => i.value);
    return multi ? (ids.length ? ids : undefined) : ids[0];
  };
  return {
    el: h('div', { role: multi ? 'group' : 'radiogroup' }, hint, list),
    value,
    problem() {
      const v = value() as string[] | string | undefined;
      const n = !v ? 0 : multi ? v.length : 1;
      if (!n) return step.required ? t.errChoose : '';
      if (multi && step.min_choices && n < step.min_choices) return fill(t.errChooseMin, { n: step.min_choices });
      if (multi && max && n > max) return fill(t.errChooseMax, { n: max });
      return '';
    },
    first: () => inputs.filter((i) => i.checked)[0] || inputs[0] || null,
  };
}

function textView(step: Step, prev: unknown, env: StepEnv): StepView {
  const max = step.max_length || 1000;
  const area = h('textarea', { class: 'txt', rows: 4, maxlength: max, placeholder: env.say(step.placeholder) || null });
  area.value = typeof prev === 'string' ? prev : '';
  const left = h('p', { class: 'hint2 right', 'aria-hidden': 'true' });
  const count = () => (left.textContent = fill(env.t.charsLeft, { n: max - area.value.length }));
  count();
  area.addEventListener('input', () => {
    count();
    env.changed();
  });
  const value = () => area.value.trim() || undefined;
  return {
    el: h('div', null, area, left),
    value,
    problem: () => (!value() && step.required ? env.t.errText : ''),
    first: () => area,
  };
}

function numberView(step: Step, prev: unknown, env: StepEnv): StepView {
  const min = num(step.min);
  const max = num(step.max);
  const stepSize = num(step.step);
  const attrs = { min: min === undefined ? null : min, max: max === undefined ? null : max, step: stepSize || 'any' };
  const range = min !== undefined && max !== undefined ? min + '–' + max : null;
  const input = h('input', { class: 'txt num', type: 'number', inputmode: 'decimal', placeholder: range, ...attrs });
  const unit = env.say(step.unit);
  const p = num(prev);
  if (p !== undefined) input.value = String(p);
  const row = h('div', { class: 'numrow' }, input, unit ? h('span', { class: 'unit' }, unit) : null);
  let slider: HTMLInputElement | null = null;
  if (step.slider && min !== undefined && max !== undefined) {
    slider = h('input', { type: 'range', class: 'range', ...attrs, tabindex: -1, 'aria-hidden': 'true' });
    // A slider starts in the middle, and the box says so: what is shown is what is sent.
    if (p === undefined) input.value = String(min + Math.round((max - min) / 2 / (stepSize || 1)) * (stepSize || 1));
    slider.value = input.value;
    slider.addEventListener('input', () => {
      input.value = slider!.value;
      env.changed();
    });
  }
  input.addEventListener('input', () => {
    if (slider && input.value !== '') slider.value = input.value;
    env.changed();
  });
  const value = () => (input.value.trim() === '' || isNaN(+input.value) ? undefined : +input.value);
  const scale = slider && h('div', { class: 'scale', 'aria-hidden': 'true' }, h('span', null, String(min)), h('span', null, String(max)));
  return {
    el: h('div', null, row, slider, scale),
    value,
    problem() {
      const v = value() as number | undefined;
      if (v === undefined) return step.required || input.value.trim() ? bounds(env.t.errNumber, min, max) : '';
      if ((min !== undefined && v < min) || (max !== undefined && v > max)) return bounds(env.t.errNumber, min, max);
      return '';
    },
    first: () => input,
  };
}

const bounds = (text: string, min: unknown, max: unknown) => fill(text, { min: String(min === undefined ? '…' : min), max: String(max === undefined ? '…' : max) });

function dateView(step: Step, prev: unknown, env: StepEnv): StepView {
  const min = typeof step.min === 'string' ? step.min : null;
  const max = typeof step.max === 'string' ? step.max : null;
  const input = h('input', { class: 'txt date', type: 'date', min, max });
  if (typeof prev === 'string') input.value = prev;
  input.addEventListener('input', env.changed);
  const value = () => input.value || undefined;
  const shown = (iso: string | null) => {
    if (!iso) return '…';
    const d = new Date(iso + 'T12:00:00');
    return isNaN(+d) ? iso : d.toLocaleDateString(env.locale);
  };
  return {
    el: h('div', null, input),
    value,
    problem() {
      const v = value() as string | undefined;
      if (!v) return step.required ? env.t.errDateEmpty : '';
      if ((min && v < min) || (max && v > max)) return fill(env.t.errDate, { min: shown(min), max: shown(max) });
      return '';
    },
    first: () => input,
  };
}

function ratingView(step: Step, prev: unknown, env: StepEnv): StepView {
  const max = num(step.max) || 5;
  const name = env.uid + '-' + step.id;
  const inputs: HTMLInputElement[] = [];
  const row = h('div', { class: 'stars' });
  const paint = () => {
    const v = +(value() || 0);
    inputs.forEach((i, k) => i.parentElement!.classList.toggle('on', k < v));
  };
  for (let n = 1; n <= max; n++) {
    const input = h('input', { type: 'radio', name, value: n, class: 'box', 'aria-label': fill(env.t.ratingOf, { n, max }) });
    input.checked = prev === n;
    inputs.push(input);
    row.appendChild(h('label', { class: 'star' }, input, icon(STAR, '')));
  }
  row.addEventListener('change', () => {
    paint();
    env.changed();
  });
  const value = () => {
    const c = inputs.filter((i) => i.checked)[0];
    return c ? +c.value : undefined;
  };
  paint();
  return {
    el: h('div', { role: 'radiogroup' }, row),
    value,
    problem: () => (value() === undefined && step.required ? env.t.errRating : ''),
    first: () => inputs.filter((i) => i.checked)[0] || inputs[0],
  };
}

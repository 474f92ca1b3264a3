// The editor's "A/B test" section: start an experiment of 2–5 variants
// (PUT …/widgets/{wid}/experiment, docs/EXPERIMENTS.md). The first variant
// is the control, the widget as saved; each other variant overrides the
// settings the owner ticks, made with the editor's own controls (named
// "variants[1].settings.color", the path a 422 names). A running test links
// to its results page, where it is stopped.
'use strict';
(() => {
  const E = window.beckonEditor;
  const box = document.getElementById('ab-section');
  if (!E || !box) return;
  const { data, renderFields, el, fmt, T, showError, clearErrors, send, showSummary, summary } = E;
  const base = '/app/sites/' + encodeURIComponent(data.site_id) + '/widgets/' + encodeURIComponent(data.widget_id);
  box.append(el('h2', { id: 'ab-h', text: T.ab_title }));
  if (data.experiment) {
    box.append(el('p', { text: T.ab_running }), el('a', { class: 'button secondary', href: base + '/experiment', text: T.ab_results }));
    return;
  }
  box.append(el('p', { class: 'hint', text: T.ab_about }));
  const start = el('button', { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': 'ab-form', text: T.ab_start });
  const body = el('div', { id: 'ab-form', hidden: true });
  box.append(start, body);
  start.addEventListener('click', () => {
    body.hidden = !body.hidden;
    start.setAttribute('aria-expanded', String(!body.hidden));
    if (!body.hidden && !variants.length) {
      add();
      add();
    }
  });

  const list = el('ol', { class: 'list-items variants' });
  const addBtn = el('button', { type: 'button', class: 'small secondary', 'data-add': 'variants', text: T.ab_add });
  const go = el('button', { type: 'button', 'data-ab-start': true, text: T.ab_go });
  body.append(list, addBtn, el('div', { class: 'actions' }, go));
  const variants = [];

  // Each variant: id, weight and, after the control, the overridden settings.
  function add() {
    const n = variants.length;
    const path = 'variants[' + n + ']';
    const head = el('h3', { text: n === 0 ? T.ab_control : fmt(T.ab_variant, { n: n + 1 }) });
    const fields = [
      { name: 'id', kind: 'text', label: T.ab_name },
      { name: 'weight', kind: 'number', int: true, min: 1, max: 100, label: T.ab_weight },
    ];
    const top = el('div', { class: 'ab-top' });
    const getTop = renderFields(top, fields, path + '.', { id: n === 0 ? 'control' : String.fromCharCode(97 + n), weight: 50 });
    const item = el('li', { class: 'list-item', 'data-field': path }, head, top);
    const v = { item, getTop, overrides: {} };
    if (n > 0) {
      const pick = el('fieldset', { class: 'field', 'data-field': path + '.settings' }, el('legend', { text: T.ab_differs }));
      const chosen = el('div', { class: 'group-body' });
      const draft = E.collect();
      // What a visitor would notice: not limits, lists of numbers or webhooks.
      for (const f of data.schema.fields.filter((f) => !f.advanced && f.kind !== 'secret')) {
        const c = el('input', { type: 'checkbox', 'data-pick': f.name });
        pick.append(el('label', { class: 'check' }, c, el('span', { text: f.label })));
        c.addEventListener('change', () => {
          if (c.checked) {
            const holder = el('div', { 'data-override': f.name });
            const get = renderFields(holder, [Object.assign({}, f, { advanced: false })], path + '.settings.', { [f.name]: draft[f.name] });
            v.overrides[f.name] = [holder, get];
            chosen.append(holder);
          } else {
            v.overrides[f.name][0].remove();
            delete v.overrides[f.name];
          }
        });
      }
      pick.append(el('p', { class: 'field-error', id: 'ab-err-' + n, 'data-error-for': path + '.settings', hidden: true }));
      item.append(pick, chosen);
    }
    variants.push(v);
    list.append(item);
    addBtn.hidden = variants.length >= 5;
  }
  addBtn.addEventListener('click', () => {
    add();
    const first = list.lastElementChild.querySelector('input');
    if (first) first.focus();
  });

  go.addEventListener('click', async () => {
    clearErrors(box);
    summary.hidden = true;
    const body = {
      mode: 'ab',
      variants: variants.map((v, n) => {
        const out = v.getTop();
        if (n > 0) {
          const s = {};
          for (const [name, [, get]] of Object.entries(v.overrides)) {
            const val = get()[name];
            if (val !== undefined) s[name] = val;
          }
          if (Object.keys(s).length) out.settings = s;
        }
        return out;
      }),
    };
    const [status, answer] = await send('PUT', E.api + '/' + encodeURIComponent(data.widget_id) + '/experiment', body);
    if (status === 200 || status === 201) {
      // The editor then shows the running test and links to its results.
      location.reload();
      return;
    }
    const e = (answer && answer.error) || { message: T.failed };
    showError(e.field || '', e.message, true);
    showSummary(e.field, e.message);
  });
})();

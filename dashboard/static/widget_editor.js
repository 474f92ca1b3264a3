// The widget editor (templates/widget_edit.html): draws the form from the
// type's schema (dashboard/widgetform), shows the draft in the preview
// iframe through the real loader, saves through the admin API and shows a
// 422's error at the field it names. Every control is named by its JSON
// path ("settings.managers[0].phone"), so an API error finds its field.
'use strict';
(() => {
  const data = JSON.parse(document.getElementById('widget-editor-data').textContent);
  const T = data.texts;
  const form = document.getElementById('widget-form');
  const root = document.getElementById('form-root');
  const statusEl = document.getElementById('save-status');
  const summary = document.getElementById('error-summary');
  const csrf = document.querySelector('meta[name=csrf-token]').content;
  const api = '/api/v1/sites/' + encodeURIComponent(data.site_id) + '/widgets';
  let uid = 0;

  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v == null) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids) if (k) e.append(k);
    return e;
  };
  const fmt = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));

  // A field's wrapper: its label (or legend), its control(s), its error.
  const wrap = (path, f, control, opts = {}) => {
    const id = 'f' + ++uid;
    const err = el('p', { class: 'field-error', id: id + '-err', 'data-error-for': path, hidden: true });
    const box = el(opts.fieldset ? 'fieldset' : 'div', { class: 'field field-' + f.kind, 'data-field': path });
    if (opts.fieldset) box.append(el('legend', { text: f.label }));
    else if (!opts.noLabel) box.append(el('label', { for: id, text: f.label }));
    if (control.id === '' && !opts.fieldset) control.id = id;
    if (opts.hint) box.append(el('p', { class: 'hint', text: opts.hint }));
    box.append(control, err);
    return box;
  };

  const input = (name, value, attrs) => el('input', Object.assign({ type: 'text', name, value: value == null ? '' : String(value) }, attrs));

  // Each renderer returns [element, get]: get() is the field's JSON value,
  // undefined to leave the key out (the module's default then applies).
  const renderers = {
    text: (f, path, v) => {
      const i = input(path, v);
      return [wrap(path, f, i), () => i.value];
    },
    url: (f, path, v) => {
      const i = input(path, v, { type: 'url', inputmode: 'url', placeholder: 'https://…' });
      return [wrap(path, f, i), () => i.value.trim()];
    },
    secret: (f, path, v) => {
      const i = input(path, v, { type: 'password', autocomplete: 'off', spellcheck: 'false' });
      return [wrap(path, f, i, { hint: T.secret_hint }), () => i.value];
    },
    time: (f, path, v) => {
      const i = input(path, v, { type: 'time' });
      return [wrap(path, f, i), () => i.value];
    },
    textarea: (f, path, v) => {
      const i = el('textarea', { name: path, rows: 3 });
      i.value = v || '';
      return [wrap(path, f, i), () => i.value];
    },
    color: (f, path, v) => {
      const i = input(path, v, { placeholder: '#1f5fd1', maxlength: 7, class: 'color-text' });
      const pick = input('', /^#[0-9a-f]{6}$/i.test(v || '') ? v : '#000000', { type: 'color', 'aria-label': f.label, class: 'color-pick' });
      pick.removeAttribute('name');
      pick.addEventListener('input', () => {
        i.value = pick.value;
        i.dispatchEvent(new Event('input', { bubbles: true }));
      });
      i.addEventListener('input', () => {
        if (/^#[0-9a-f]{6}$/i.test(i.value)) pick.value = i.value;
      });
      const box = wrap(path, f, el('div', { class: 'color-row' }, i, pick), { noLabel: true });
      i.id = 'f' + ++uid;
      box.prepend(el('label', { for: i.id, text: f.label }));
      return [box, () => i.value.trim()];
    },
    select: (f, path, v) => {
      const s = el('select', { name: path });
      f.options.forEach((o, n) => s.append(el('option', { value: o, text: f.option_labels[n] || o })));
      s.value = v == null ? '' : v;
      if (s.value !== (v || '') && v) s.append(el('option', { value: v, text: v, selected: true }));
      return [wrap(path, f, s), () => s.value];
    },
    number: (f, path, v) => {
      const i = input(path, v, { type: 'number', inputmode: f.int ? 'numeric' : 'decimal', step: f.int ? 1 : 'any', min: f.min, max: f.max });
      return [wrap(path, f, i), () => (i.value.trim() === '' ? undefined : Number(i.value))];
    },
    bool: (f, path, v) => {
      const i = input(path, '', { type: 'checkbox' });
      i.checked = !!v;
      const id = 'f' + ++uid;
      i.id = id;
      const box = el('div', { class: 'field field-bool', 'data-field': path },
        el('label', { class: 'check', for: id }, i, el('span', { text: f.label })),
        el('p', { class: 'field-error', id: id + '-err', 'data-error-for': path, hidden: true }));
      return [box, () => i.checked];
    },
    lines: (f, path, v) => {
      const i = el('textarea', { name: path, rows: 3 });
      i.value = (v || []).join('\n');
      return [wrap(path, f, i, { hint: T.lines_hint }), () => i.value.split('\n').map((s) => s.trim()).filter(Boolean)];
    },
    ints: (f, path, v) => {
      const i = input(path, (v || []).join(', '), { inputmode: 'numeric' });
      const get = () =>
        i.value.split(/[\s,;]+/).filter(Boolean).map((s) => (/^-?\d+$/.test(s) ? Number(s) : s));
      return [wrap(path, f, i, { hint: T.ints_hint }), get];
    },
    days: (f, path, v) => {
      const box = el('div', { class: 'days' });
      const boxes = [1, 2, 3, 4, 5, 6, 0].map((d) => {
        const c = input(path, d, { type: 'checkbox' });
        c.checked = (v || []).includes(d);
        box.append(el('label', { class: 'check day' }, c, el('span', { text: T['day_' + d] })));
        return c;
      });
      return [wrap(path, f, box, { fieldset: true, hint: T.days_hint }), () => boxes.filter((c) => c.checked).map((c) => Number(c.value))];
    },
    texts: (f, path, v) => {
      const box = el('div', { class: 'langs-grid' });
      const get = langInputs(box, path, v || {}, f.long);
      return [wrap(path, f, box, { fieldset: true }), get];
    },
    keyed: (f, path, v) => {
      const box = el('div');
      const gets = f.options.map((key, n) => {
        const inner = el('div', { class: 'langs-grid' });
        const get = langInputs(inner, path + '.' + key, (v || {})[key] || {}, false);
        box.append(el('fieldset', { class: 'sub', 'data-field': path + '.' + key }, el('legend', { text: f.option_labels[n] || key }), inner));
        return [key, get];
      });
      const get = () => {
        const out = {};
        for (const [key, g] of gets) {
          const t = g();
          if (t) out[key] = t;
        }
        return out;
      };
      return [wrap(path, f, box, { fieldset: true }), get];
    },
    pairs: (f, path, v) => {
      const list = el('div', { class: 'pairs' });
      const rows = [];
      const addRow = (k, val) => {
        const ki = input('', k, { 'aria-label': T.pair_key, placeholder: T.pair_key });
        const vi = input(path + '.' + k, val, { 'aria-label': T.pair_value, placeholder: T.pair_value });
        ki.removeAttribute('name');
        const row = el('div', { class: 'pair' }, ki, vi);
        const rm = el('button', { type: 'button', class: 'small secondary', text: T.remove });
        rm.addEventListener('click', () => {
          rows.splice(rows.indexOf(entry), 1);
          row.remove();
          changed();
        });
        row.append(rm);
        const entry = [ki, vi];
        rows.push(entry);
        list.append(row);
      };
      for (const [k, val] of Object.entries(v || {})) addRow(k, val);
      const add = el('button', { type: 'button', class: 'small secondary', 'data-add': path, text: T.add, 'aria-label': T.add + ': ' + f.label });
      add.addEventListener('click', () => addRow('', ''));
      const get = () => {
        const out = {};
        for (const [k, val] of rows) if (k.value.trim()) out[k.value.trim()] = val.value;
        return out;
      };
      return [wrap(path, f, el('div', {}, list, add), { fieldset: true }), get];
    },
    group: (f, path, v) => {
      const box = el('div', { class: 'group-body' });
      const get = renderFields(box, f.fields, path + '.', v || {});
      return [wrap(path, f, box, { fieldset: true }), get];
    },
    optional: (f, path, v) => {
      const on = input('', '', { type: 'checkbox' });
      on.removeAttribute('name');
      on.checked = v != null;
      const id = 'f' + ++uid;
      on.id = id;
      const body = el('div', { class: 'group-body' });
      const get = renderFields(body, f.fields, path + '.', v || {});
      body.hidden = !on.checked;
      on.addEventListener('change', () => (body.hidden = !on.checked));
      const box = el('fieldset', { class: 'field field-group', 'data-field': path },
        el('legend', { text: f.label }),
        el('label', { class: 'check', for: id }, on, el('span', { text: T.use })),
        body, el('p', { class: 'field-error', id: id + '-err', 'data-error-for': path, hidden: true }));
      return [box, () => (on.checked ? get() : undefined)];
    },
    list: (f, path, v) => {
      const items = el('ol', { class: 'list-items' });
      let gets = [];
      const draw = (values) => {
        items.replaceChildren();
        gets = values.map((iv, n) => {
          const body = el('div', { class: 'group-body' });
          const get = renderFields(body, f.fields, path + '[' + n + '].', iv || {});
          const tools = el('div', { class: 'actions item-tools' });
          // Each tool redraws the list; the focus then goes where the item
          // went (up, down), or to the list's add button (removed).
          const tool = (text, act, disabled, to) => {
            const b = el('button', { type: 'button', class: 'small secondary', text, disabled });
            b.addEventListener('click', () => {
              const now = gets.map((g) => g());
              act(now);
              draw(now);
              changed();
              const item = to >= 0 && items.children[Math.min(to, items.children.length - 1)];
              const same = item && [...item.querySelectorAll('.item-tools button')].find((x) => x.textContent === text && !x.disabled);
              (same || (item && item.querySelector('.item-tools button:not([disabled])')) || add).focus();
            });
            tools.append(b);
          };
          const heading = el('h3', { text: fmt(T.item, { n: n + 1 }) });
          tool(T.up, (a) => a.splice(n - 1, 0, a.splice(n, 1)[0]), n === 0, n - 1);
          tool(T.down, (a) => a.splice(n + 1, 0, a.splice(n, 1)[0]), n === values.length - 1, n + 1);
          tool(T.remove, (a) => a.splice(n, 1), false, -1);
          // Screen readers hear which item a button moves or removes.
          for (const b of tools.children) b.setAttribute('aria-label', b.textContent + ': ' + f.label + ', ' + heading.textContent);
          items.append(el('li', { class: 'list-item', 'data-field': path + '[' + n + ']' }, heading, body, tools));
          return get;
        });
      };
      const add = el('button', { type: 'button', class: 'small secondary', 'data-add': path, text: T.add, 'aria-label': T.add + ': ' + f.label });
      draw(v || []);
      add.addEventListener('click', () => {
        const now = gets.map((g) => g());
        now.push({});
        draw(now);
        changed();
        const last = items.lastElementChild;
        const first = last && last.querySelector('input,select,textarea');
        if (first) first.focus();
      });
      return [wrap(path, f, el('div', {}, items, add), { fieldset: true }), () => gets.map((g) => g())];
    },
  };

  // Three inputs of a language-keyed text; get() leaves out empty ones.
  function langInputs(box, path, v, long) {
    const ins = data.langs.map((lang) => {
      const id = 'f' + ++uid;
      const i = long ? el('textarea', { name: path + '.' + lang, id, rows: 2, lang }) : input(path + '.' + lang, v[lang], { id, lang });
      if (long) i.value = v[lang] || '';
      box.append(el('div', { class: 'lang-cell' }, el('label', { for: id, class: 'lang-label', text: T['lang_' + lang] }), i));
      return [lang, i];
    });
    return () => {
      const out = {};
      for (const [lang, i] of ins) if (i.value.trim()) out[lang] = i.value;
      return Object.keys(out).length ? out : undefined;
    };
  }

  // renderFields draws fields into box; advanced ones go in a closed
  // "More settings" block. It returns get() → the object of their values.
  function renderFields(box, fields, prefix, values) {
    const gets = [];
    const conditional = [];
    let more = null;
    for (const f of fields) {
      const r = renderers[f.kind] || renderers.text;
      const [node, get] = r(f, prefix + f.name, values[f.name]);
      if (f.advanced) {
        if (!more) more = el('details', { class: 'more' }, el('summary', { text: T.more }));
        more.append(node);
      } else box.append(node);
      gets.push([f.name, get]);
      if (f.when) conditional.push([node, f.when]);
    }
    if (more) box.append(more);
    // A field that matters only for some value of a sibling ("deadline"
    // in the "fixed" mode) shows only then.
    if (conditional.length) {
      const update = () => {
        for (const [node, when] of conditional) {
          const [key, values] = when.split('=');
          const c = box.querySelector('[name="' + CSS.escape(prefix + key) + '"]');
          if (c) node.hidden = !values.split('|').includes(c.type === 'checkbox' ? String(c.checked) : c.value);
        }
      };
      box.addEventListener('change', update);
      update();
    }
    return () => {
      const out = {};
      for (const [name, get] of gets) {
        const v = get();
        if (v !== undefined) out[name] = v;
      }
      return out;
    };
  }

  // The form: "enabled" (top level of the widget), then the settings.
  const enabled = input('enabled', '', { type: 'checkbox', id: 'f-enabled' });
  enabled.checked = data.enabled;
  root.append(el('div', { class: 'card field field-bool', 'data-field': 'enabled' },
    el('label', { class: 'check', for: 'f-enabled' }, enabled, el('span', { text: T.enabled })),
    el('p', { class: 'field-error', id: 'f-enabled-err', 'data-error-for': 'enabled', hidden: true })));
  const settingsBox = el('div', { class: 'card settings-fields' });
  root.append(settingsBox);
  const collectOwn = renderFields(settingsBox, data.schema.fields, 'settings.', data.settings || {});
  // Settings edited elsewhere (the quiz builder's) go back as they are.
  const collect = () => {
    const s = collectOwn();
    for (const k of data.schema.kept || []) if (data.settings && k in data.settings) s[k] = data.settings[k];
    return s;
  };

  // ---- errors at their field ----
  const clearErrors = (scope) => {
    for (const e of (scope || document).querySelectorAll('[data-error-for]')) {
      e.hidden = true;
      e.textContent = '';
    }
    for (const c of (scope || document).querySelectorAll('[aria-invalid]')) {
      c.removeAttribute('aria-invalid');
      c.removeAttribute('aria-describedby');
    }
  };
  // The wrapper of path, or of the nearest path above it that has one
  // ("settings.blocklist.numbers[2]" is the numbers box's).
  const wrapperOf = (path) => {
    for (let p = path; p; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '') || '') {
      const w = document.querySelector('[data-field="' + CSS.escape(p) + '"]');
      if (w) return [w, p];
      if (!/(\.[^.[\]]*|\[\d+\])$/.test(p)) break;
    }
    return [null, ''];
  };
  // showError marks the field of an API error; true when one was found.
  const showError = (field, message, focus) => {
    const [w, p] = wrapperOf(field);
    if (!w) return false;
    w.hidden = false;
    const err = w.querySelector('[data-error-for="' + CSS.escape(p) + '"]') || w.querySelector('[data-error-for]');
    err.textContent = message;
    err.hidden = false;
    const control = form.querySelector('[name="' + CSS.escape(field) + '"]') || w.querySelector('input:not([type=hidden]),select,textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', err.id);
    }
    for (let d = w.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    if (focus && control) control.focus();
    return true;
  };
  const labelOf = (field) => {
    const [w] = wrapperOf(field);
    const l = w && w.querySelector('label,legend');
    return l ? l.textContent : field;
  };

  // ---- the preview ----
  const previewForm = document.getElementById('preview-form');
  const note = document.getElementById('preview-note');
  let timer = 0;
  let last = '';
  const refresh = async () => {
    const draft = collect();
    // An inline widget goes into the sketch page's own box.
    if (draft.placement === 'inline') draft.selector = '#beckon-inline';
    const json = JSON.stringify(draft);
    if (json === last) {
      // Back to the version the preview shows: its refusal is over.
      if (note.textContent) {
        clearErrors(form);
        note.textContent = '';
      }
      return;
    }
    const body = new FormData(previewForm);
    body.set('settings', json);
    let r;
    try {
      r = await fetch(previewForm.action, { method: 'POST', body, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf, Accept: 'application/json' } });
    } catch (e) {
      return;
    }
    if (r.status === 422) {
      const e = (await r.json()).error;
      clearErrors(form);
      showError(e.field || '', e.message, false);
      note.textContent = T.preview_invalid;
      return;
    }
    if (!r.ok) return;
    last = json;
    clearErrors(form);
    note.textContent = '';
    previewForm.elements.settings.value = json;
    previewForm.submit();
  };
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  };
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  // Desktop: the page is laid out 800 px wide (past the widgets' phone
  // layouts, which end at 600 px) and scaled to the pane; phone: 360 px,
  // as it is.
  const frame = document.getElementById('preview-frame');
  const fit = () => frame.style.setProperty('--scale', String(Math.min(1, frame.clientWidth / 800)));
  for (const b of document.querySelectorAll('[data-width]'))
    b.addEventListener('click', () => {
      frame.classList.toggle('phone', b.dataset.width === 'phone');
      frame.classList.toggle('desktop', b.dataset.width !== 'phone');
      for (const o of document.querySelectorAll('[data-width]')) o.setAttribute('aria-pressed', String(o === b));
      fit();
    });
  addEventListener('resize', fit);
  // On a phone the preview starts at a phone's width.
  if (matchMedia('(max-width: 600px)').matches) document.querySelector('[data-width="phone"]').click();
  fit();
  refresh();

  // ---- saving ----
  // The API tells a dashboard page its refusals in the page's language.
  const showSummary = (field, message) => {
    const control = field && form.ownerDocument.querySelector('[name="' + CSS.escape(field) + '"]');
    const line = el('p', { text: (field ? labelOf(field) + ': ' : '') + message });
    if (control && control.id) line.replaceChildren(el('a', { href: '#' + control.id, text: line.textContent }));
    summary.replaceChildren(el('p', { text: T.error_summary }), line);
    summary.hidden = false;
  };
  // send calls the API; a PATCH of the widget names the version the page
  // has (If-Match), and each answer's ETag becomes the version.
  const send = async (method, url, body, version) => {
    const headers = { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' };
    if (version) headers['If-Match'] = version;
    const r = await fetch(url, { method, credentials: 'same-origin', body: JSON.stringify(body), headers });
    let answer = null;
    try {
      answer = await r.json();
    } catch (e) {
      // 204 and errors without a body
    }
    return [r.status, answer, r.headers.get('ETag')];
  };
  // fail shows an API error: at its field (focused) and in the summary.
  const fail = (answer) => {
    const e = (answer && answer.error) || { message: T.failed };
    clearErrors();
    const found = showError(e.field || '', e.message, true);
    showSummary(e.field, e.message);
    if (!found) summary.focus();
    statusEl.textContent = T.not_saved;
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!data.can_edit) return;
    statusEl.textContent = T.saving;
    summary.hidden = true;
    const body = { enabled: enabled.checked, settings: collect() };
    let status, answer, version;
    try {
      if (data.widget_id) [status, answer, version] = await send('PATCH', api + '/' + encodeURIComponent(data.widget_id), body, data.version);
      else [status, answer] = await send('POST', api, Object.assign({ type: data.type }, body));
    } catch (e) {
      statusEl.textContent = T.failed;
      return;
    }
    if (status === 201) {
      location.assign('/app/sites/' + encodeURIComponent(data.site_id) + '/widgets/' + encodeURIComponent(answer.id));
      return;
    }
    // 412: changed meanwhile (another tab, another person). The form keeps
    // what was typed; the message says to reload.
    if (status !== 200) return fail(answer);
    clearErrors();
    data.settings = answer.settings;
    data.version = version || data.version;
    statusEl.textContent = T.saved;
  });

  if (!data.can_edit) for (const c of form.querySelectorAll('input,select,textarea,button')) c.disabled = true;

  // The A/B section (widget_ab.js) builds variants with the same controls.
  window.beckonEditor = { data, renderers, renderFields, collect, el, fmt, showError, clearErrors, send, showSummary, summary, T, api };
})();

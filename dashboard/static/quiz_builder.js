// The quiz builder: the steps, branches, formulas and result screens of a
// quiz, edited without JSON. The page embeds the quiz's parts and the
// texts (#quiz-builder-data); every change is tried on the server with the
// quiz's own formula preview (POST …/quiz/formula-preview), which answers
// what a visitor giving the sample answers would get, or the field the
// quiz module refuses; Save sends the whole settings with PATCH
// …/widgets/{wid}. The flow map and the list of problems (steps no answer
// reaches, branches into no step) are worked out here, from the draft.
(() => {
  "use strict";
  const root = document.getElementById("quiz-builder");
  const dataEl = document.getElementById("quiz-builder-data");
  if (!root || !dataEl) return;
  const data = JSON.parse(dataEl.textContent);
  const csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";

  const t = (key, vars) => {
    let s = data.texts[key] == null ? "[" + key + "]" : data.texts[key];
    for (const k of Object.keys(vars || {})) s = s.split("{" + k + "}").join(String(vars[k]));
    return s;
  };
  const LANGS = ["ru", "uk", "en"];
  const quiz = { steps: data.steps, formulas: data.formulas, results: data.results };
  // The texts are edited in one language at a time: at first the page's,
  // else the site's, else the one the questions are written in most.
  function firstLang() {
    const seen = {};
    for (const st of quiz.steps) for (const l of Object.keys(st.title || {})) seen[l] = (seen[l] || 0) + 1;
    for (const l of [data.lang, data.locale]) if (seen[l]) return l;
    const most = LANGS.filter((l) => seen[l]).sort((a, b) => seen[b] - seen[a])[0];
    return most || (LANGS.includes(data.locale) ? data.locale : "en");
  }
  const ui = {
    lang: firstLang(),
    samples: {}, // step id → sample answer
    serverError: null, // {field, message} of the last refusal
    preview: null, // the last preview's answer
    base: null, // the widget's whole stored settings, read once
  };
  const OPTION_TYPES = ["single", "multi", "image"];
  const TYPES = ["single", "multi", "image", "text", "number", "date", "rating"];
  // Settings of a step that only some types take (the quiz module refuses
  // them on the others): dropped when the type changes.
  const TYPE_FIELDS = ["min_choices", "max_choices", "max_length", "placeholder", "min", "max", "step", "unit", "slider"];

  // ---- DOM helpers ----
  let idSeq = 0;
  const uid = () => "qb-" + (++idSeq);
  function h(tag, props, ...kids) {
    const e = document.createElement(tag);
    let value;
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === "value") value = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids.flat(Infinity)) if (kid != null && kid !== false) e.append(kid);
    if (value !== undefined) e.value = value;
    return e;
  }
  const svgNS = "http://www.w3.org/2000/svg";
  function s(tag, attrs, ...kids) {
    const e = document.createElementNS(svgNS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v != null) e.setAttribute(k, v);
    for (const kid of kids) if (kid != null) e.append(kid);
    return e;
  }

  // ---- the quiz's words ----
  const txt = (m) => (m && (m[ui.lang] || m[data.locale] || m.ru || m.uk || m.en)) || "";
  const stepLabel = (st, i) => (i + 1) + ". " + (txt(st.title) || st.id);
  const stepIndex = (id) => quiz.steps.findIndex((st) => st.id === id);
  const hasOptions = (st) => OPTION_TYPES.includes(st.type);
  const branchesByOption = (st) => st.type === "single" || st.type === "image";
  function freeName(prefix, taken) {
    for (let n = 1; ; n++) if (!taken.includes(prefix + n)) return prefix + n;
  }
  const names = () => quiz.steps.map((st) => st.id).concat(quiz.formulas.map((f) => f.name));
  function targetName(to) {
    if (to === "end") return t("qb_end");
    const i = stepIndex(to);
    return i < 0 ? t("qb_no_step", { id: to }) : stepLabel(quiz.steps[i], i);
  }

  // ---- branches, as the quiz module works them out (branching.go) ----
  function waysOf(i) {
    const st = quiz.steps[i];
    const out = [];
    (st.rules || []).forEach((r, j) => out.push({ to: r.next, label: t("qb_if", { expr: r.if || "…" }), path: `steps[${i}].rules[${j}].next` }));
    let every = branchesByOption(st) && st.required !== false && (st.options || []).length > 0;
    (st.options || []).forEach((o, j) => {
      if (!o.next || !branchesByOption(st)) { every = false; return; }
      out.push({ to: o.next, label: "“" + (txt(o.label) || o.id) + "”", path: `steps[${i}].options[${j}].next` });
    });
    if (st.next) out.push({ to: st.next, label: t("qb_otherwise"), path: `steps[${i}].next` });
    else if (!every) out.push({ to: i + 1 < quiz.steps.length ? quiz.steps[i + 1].id : "end", label: t("qb_otherwise"), follow: true });
    return out;
  }
  function problems() {
    const out = [];
    const seen = new Set();
    const queue = quiz.steps.length ? [0] : [];
    while (queue.length) {
      const i = queue.shift();
      if (seen.has(i)) continue;
      seen.add(i);
      for (const w of waysOf(i)) {
        const j = stepIndex(w.to);
        if (j >= 0) queue.push(j);
      }
    }
    quiz.steps.forEach((st, i) => {
      for (const w of waysOf(i)) {
        if (w.to !== "end" && stepIndex(w.to) < 0) out.push({ path: w.path, text: t("qb_p_nowhere", { step: stepLabel(st, i), to: w.to || "?" }) });
      }
      if (!seen.has(i)) out.push({ path: `steps[${i}].id`, text: t("qb_p_unreachable", { step: stepLabel(st, i) }) });
    });
    return out;
  }

  // ---- controls bound to the draft ----
  const changed = () => { schedulePreview(); drawFlow(); };
  // bindInput keeps the draft in step with a control. A structural one
  // (a name others refer to, a type, a target) changes the draft when the
  // person is done with it, and the editor is drawn again.
  function bindInput(e, set, structural) {
    if (structural) e.addEventListener("change", () => { set(e.value); render(); schedulePreview(); });
    else e.addEventListener("input", () => { set(e.value); changed(); });
    return e;
  }
  function field(label, path, control, hint) {
    control.id = control.id || uid();
    control.dataset.path = path;
    let hintEl = null;
    if (hint) {
      hintEl = h("p", { class: "hint", id: uid() }, hint);
      control.setAttribute("aria-describedby", hintEl.id);
    }
    return h("div", { class: "qb-field" }, h("label", { for: control.id }, label), hintEl, control);
  }
  function textIn(obj, key, multiline) {
    const cur = obj[key] || {};
    const other = LANGS.map((l) => cur[l]).find(Boolean) || "";
    const e = h(multiline ? "textarea" : "input", { type: multiline ? null : "text", rows: multiline ? 3 : null,
      lang: ui.lang, placeholder: cur[ui.lang] ? null : other, value: cur[ui.lang] || "" });
    return bindInput(e, (v) => {
      const m = Object.assign({}, obj[key] || {});
      if (v.trim()) m[ui.lang] = v; else delete m[ui.lang];
      if (Object.keys(m).length) obj[key] = m; else delete obj[key];
    });
  }
  const langTag = () => " (" + ui.lang.toUpperCase() + ")";
  function numberIn(obj, key, attrs) {
    const e = h("input", Object.assign({ type: "number", inputmode: "decimal", step: "any", value: obj[key] == null ? "" : String(obj[key]) }, attrs || {}));
    return bindInput(e, (v) => { if (v === "" || isNaN(Number(v))) delete obj[key]; else obj[key] = Number(v); });
  }
  // checkbox edits a yes/no setting; one that is on by default is kept
  // as false when off, one off by default is left out.
  function checkbox(obj, key, label, path, onByDefault) {
    const box = h("input", { type: "checkbox", checked: onByDefault ? obj[key] !== false : !!obj[key], "data-path": path });
    box.addEventListener("change", () => {
      if (box.checked === !!onByDefault) { if (onByDefault) obj[key] = true; else delete obj[key]; } else obj[key] = box.checked;
      changed();
    });
    return h("label", { class: "check" }, box, label);
  }
  function targetSelect(current, none, exceptIndex) {
    const opts = [h("option", { value: "" }, none)];
    quiz.steps.forEach((st, i) => { if (i !== exceptIndex) opts.push(h("option", { value: st.id }, stepLabel(st, i))); });
    opts.push(h("option", { value: "end" }, t("qb_end")));
    if (current && current !== "end" && stepIndex(current) < 0) opts.push(h("option", { value: current }, t("qb_no_step", { id: current })));
    return h("select", { value: current || "" }, opts);
  }
  // iconTool is a small button showing a sign, named for screen readers.
  function iconTool(sym, label, key, onclick, cls) {
    return h("button", { type: "button", class: "secondary small qb-icon " + (cls || ""), "aria-label": label, title: label, "data-focus": key, onclick },
      h("span", { "aria-hidden": "true" }, sym));
  }
  // moveTools are the up and down buttons of item i of list (prefix is its
  // path); the moved item's button keeps the focus.
  function moveTools(list, i, prefix) {
    const move = (by, key) => () => {
      const j = i + by;
      if (j < 0 || j >= list.length) return;
      [list[i], list[j]] = [list[j], list[i]];
      render(`${prefix}[${j}].${key}`);
      schedulePreview();
    };
    return [iconTool("↑", t("qb_move_up"), `${prefix}[${i}].up`, move(-1, "up")),
      iconTool("↓", t("qb_move_down"), `${prefix}[${i}].down`, move(1, "down"))];
  }
  // removeTool takes item i out of list; the focus goes to the item now in
  // its place, or to the list's add button.
  function removeTool(list, i, prefix, label, addKey, before) {
    return iconTool("✕", label, `${prefix}[${i}].remove`, () => {
      if (before) before();
      list.splice(i, 1);
      render(list.length ? `${prefix}[${Math.min(i, list.length - 1)}].remove` : addKey);
      schedulePreview();
    }, "danger");
  }

  // ---- steps ----
  function renameStep(st, to) {
    const from = st.id;
    st.id = to;
    // An emptied name is a typo to be fixed (the trial says so), not a
    // reason to cut every branch to the question.
    if (from === to || !to || !from) return;
    for (const other of quiz.steps) {
      if (other.next === from) other.next = to;
      for (const o of other.options || []) if (o.next === from) o.next = to;
      for (const r of other.rules || []) if (r.next === from) r.next = to;
    }
    if (from in ui.samples) { ui.samples[to] = ui.samples[from]; delete ui.samples[from]; }
  }
  function setType(st, type) {
    if (st.type === type) return;
    for (const k of TYPE_FIELDS) delete st[k];
    st.type = type;
    if (!hasOptions(st)) delete st.options;
    else {
      st.options = st.options || [newOption(st), newOption(st)];
      if (!branchesByOption(st)) for (const o of st.options) delete o.next;
    }
    if (type === "number") Object.assign(st, { min: 0, max: 100, step: 1 });
    delete ui.samples[st.id];
    defaultSample(st);
  }
  function newOption(st) {
    const ids = (st.options || []).map((o) => o.id);
    const o = { id: freeName("o", ids), label: {}, value: 0 };
    if (st.options) st.options.push(o);
    return o;
  }
  function addStep() {
    const st = { id: freeName("step_", names()), type: "single", title: {}, required: true, options: [] };
    st.options.push({ id: "o1", label: {}, value: 0 }, { id: "o2", label: {}, value: 0 });
    quiz.steps.push(st);
    defaultSample(st);
    render(`steps[${quiz.steps.length - 1}].title`);
    schedulePreview();
  }

  function stepEditor(st, i) {
    const p = `steps[${i}]`;
    const head = uid();
    const last = i === quiz.steps.length - 1;
    const typeSel = h("select", { value: st.type }, TYPES.map((ty) => h("option", { value: ty }, t("qb_type_" + ty))));
    const body = [
      h("div", { class: "qb-grid" },
        field(t("qb_step_id"), p + ".id", bindInput(h("input", { type: "text", value: st.id, spellcheck: "false", autocapitalize: "off" }), (v) => renameStep(st, v.trim()), true), t("qb_step_id_hint")),
        field(t("qb_step_type"), p + ".type", bindInput(typeSel, (v) => setType(st, v), true))),
      field(t("qb_question") + langTag(), p + ".title", textIn(st, "title")),
      field(t("qb_hint") + langTag(), p + ".hint", textIn(st, "hint")),
      checkbox(st, "required", t("qb_required"), p + ".required", true),
    ];
    if (hasOptions(st)) body.push(optionsEditor(st, i));
    body.push(...typeFields(st, i));
    body.push(field(last ? t("qb_then_last") : t("qb_then"), p + ".next",
      bindInput(targetSelect(st.next, last ? t("qb_end") : t("qb_next_step"), i), (v) => { if (v) st.next = v; else delete st.next; }, true)));
    body.push(rulesEditor(st, i));
    return h("section", { class: "qb-item qb-step", "aria-labelledby": head },
      h("div", { class: "qb-item-head" },
        h("h3", { id: head }, t("qb_step_n", { n: i + 1 }), " ", h("code", {}, st.id)),
        h("div", { class: "qb-tools" }, moveTools(quiz.steps, i, "steps"),
          removeTool(quiz.steps, i, "steps", t("qb_remove_step"), "qb-add-step", () => { delete ui.samples[st.id]; }))),
      body);
  }

  function optionsEditor(st, i) {
    const p = `steps[${i}].options`;
    const rows = (st.options || []).map((o, j) => {
      const op = `${p}[${j}]`;
      const cells = [
        field(t("qb_option_label") + langTag(), op + ".label", textIn(o, "label")),
        field(t("qb_option_value"), op + ".value", numberIn(o, "value")),
      ];
      if (st.type === "image") cells.push(field(t("qb_option_image"), op + ".image",
        bindInput(h("input", { type: "url", value: o.image || "", placeholder: "https://" }), (v) => { if (v.trim()) o.image = v.trim(); else delete o.image; })));
      if (branchesByOption(st)) cells.push(field(t("qb_option_next"), op + ".next",
        bindInput(targetSelect(o.next, t("qb_go_on"), i), (v) => { if (v) o.next = v; else delete o.next; }, true)));
      return h("li", { class: "qb-option" }, h("div", { class: "qb-option-fields" }, cells),
        removeTool(st.options, j, p, t("qb_remove_option", { n: j + 1 }), `${p}.add`));
    });
    const legend = uid();
    return h("div", { class: "qb-sub", role: "group", "aria-labelledby": legend, "data-path": p },
      h("h4", { id: legend }, t("qb_options")),
      h("ol", { class: "qb-options" }, rows),
      h("button", { type: "button", class: "secondary small", "data-focus": `${p}.add`, onclick: () => {
        newOption(st);
        render(`${p}[${st.options.length - 1}].label`);
        schedulePreview();
      } }, t("qb_add_option")));
  }

  function typeFields(st, i) {
    const p = `steps[${i}]`;
    switch (st.type) {
      case "number":
        return [h("div", { class: "qb-grid qb-grid-4" },
          field(t("qb_min"), p + ".min", numberIn(st, "min")), field(t("qb_max"), p + ".max", numberIn(st, "max")),
          field(t("qb_step_size"), p + ".step", numberIn(st, "step", { min: "0" })),
          field(t("qb_unit") + langTag(), p + ".unit", textIn(st, "unit"))),
        field(t("qb_placeholder") + langTag(), p + ".placeholder", textIn(st, "placeholder")),
        checkbox(st, "slider", t("qb_slider"), p + ".slider")];
      case "multi":
        return [h("div", { class: "qb-grid" },
          field(t("qb_min_choices"), p + ".min_choices", numberIn(st, "min_choices", { min: "0", step: "1", placeholder: "0" })),
          field(t("qb_max_choices"), p + ".max_choices", numberIn(st, "max_choices", { min: "1", step: "1" })))];
      case "rating":
        return [field(t("qb_stars"), p + ".max", numberIn(st, "max", { min: "3", max: "10", step: "1", placeholder: "5" }))];
      case "text":
        return [field(t("qb_max_length"), p + ".max_length", numberIn(st, "max_length", { min: "1", step: "1", placeholder: "500" })),
          field(t("qb_placeholder") + langTag(), p + ".placeholder", textIn(st, "placeholder"))];
      case "date": {
        const day = (key) => bindInput(h("input", { type: "date", value: st[key] || "" }), (v) => { if (v) st[key] = v; else delete st[key]; });
        return [h("div", { class: "qb-grid" }, field(t("qb_from_day"), p + ".min", day("min")), field(t("qb_to_day"), p + ".max", day("max")))];
      }
    }
    return [];
  }

  function rulesEditor(st, i) {
    const p = `steps[${i}].rules`;
    const rules = st.rules || [];
    const rows = rules.map((r, j) => {
      const rp = `${p}[${j}]`;
      return h("li", { class: "qb-option" }, h("div", { class: "qb-option-fields" },
        field(t("qb_rule_if"), rp + ".if", bindInput(h("input", { type: "text", class: "mono", value: r.if || "", spellcheck: "false", autocapitalize: "off", placeholder: "area > 100" }), (v) => { r.if = v; })),
        field(t("qb_rule_go"), rp + ".next", bindInput(targetSelect(r.next, "—", i), (v) => { r.next = v; }, true))),
      removeTool(rules, j, p, t("qb_remove_rule", { n: j + 1 }), `${p}.add`, () => { if (rules.length === 1) delete st.rules; }));
    });
    const legend = uid();
    return h("div", { class: "qb-sub", role: "group", "aria-labelledby": legend },
      h("h4", { id: legend }, t("qb_rules")),
      rows.length ? h("ol", { class: "qb-options" }, rows) : h("p", { class: "muted" }, t("qb_rules_none")),
      h("button", { type: "button", class: "secondary small", "data-focus": `${p}.add`, onclick: () => {
        st.rules = rules.concat([{ if: "", next: "end" }]);
        render(`${p}[${st.rules.length - 1}].if`);
      } }, t("qb_add_rule")));
  }

  // ---- formulas ----
  function insertAt(area, word, obj) {
    const a = area.selectionStart, b = area.selectionEnd, v = area.value;
    const before = v.slice(0, a), after = v.slice(b);
    const pad = before && !/\s$/.test(before) ? " " : "";
    area.value = before + pad + word + (after && !/^\s/.test(after) ? " " : "") + after;
    area.focus();
    const at = (before + pad + word).length;
    area.setSelectionRange(at, at);
    obj.expr = area.value;
    changed();
  }
  function formulaEditor(f, i) {
    const p = `formulas[${i}]`;
    const head = uid();
    const area = bindInput(h("textarea", { rows: 2, class: "mono", spellcheck: "false", autocapitalize: "off", value: f.expr || "" }), (v) => { f.expr = v; });
    const vars = quiz.steps.map((st, k) => ({ name: st.id, about: stepLabel(st, k) }))
      .concat(quiz.formulas.slice(0, i).map((g) => ({ name: g.name, about: t("qb_formula") })));
    const chips = h("div", { class: "qb-chips", role: "group", "aria-label": t("qb_vars_label", { name: f.name }) },
      vars.map((v) => h("button", { type: "button", class: "chip", title: v.about, "aria-label": t("qb_insert", { name: v.name, about: v.about }), onclick: () => insertAt(area, v.name, f) }, v.name)));
    return h("section", { class: "qb-item", "aria-labelledby": head },
      h("div", { class: "qb-item-head" },
        h("h3", { id: head }, t("qb_formula_n", { n: i + 1 }), " ", h("code", {}, f.name)),
        h("div", { class: "qb-tools" }, moveTools(quiz.formulas, i, "formulas"),
          removeTool(quiz.formulas, i, "formulas", t("qb_remove_formula"), "qb-add-formula"))),
      field(t("qb_formula_name"), p + ".name", bindInput(h("input", { type: "text", value: f.name, spellcheck: "false", autocapitalize: "off" }), (v) => renameFormula(f, v.trim()), true)),
      field(t("qb_formula_expr"), p + ".expr", area, t("qb_formula_expr_hint")),
      h("p", { class: "hint" }, t("qb_vars")), chips,
      h("p", { class: "qb-value", "data-formula": f.name, "aria-live": "polite" }));
  }
  function renameFormula(f, to) {
    if (to) for (const r of quiz.results) if (r.when && r.when.value === f.name) r.when.value = to;
    f.name = to;
  }

  // ---- results ----
  function resultEditor(r, i) {
    const p = `results[${i}]`;
    const head = uid();
    const cond = h("select", { value: r.when ? r.when.value : "" },
      h("option", { value: "" }, t("qb_when_always")),
      quiz.formulas.map((f) => h("option", { value: f.name }, t("qb_when_formula", { name: f.name }))));
    const parts = [
      field(t("qb_result_id"), p + ".id", bindInput(h("input", { type: "text", value: r.id || "", spellcheck: "false", autocapitalize: "off" }), (v) => { r.id = v.trim(); })),
      field(t("qb_result_title") + langTag(), p + ".title", textIn(r, "title")),
      field(t("qb_result_text") + langTag(), p + ".text", textIn(r, "text", true),
        t("qb_result_text_hint", { names: names().map((n) => "{" + n + "}").join(" ") })),
      field(t("qb_result_summary") + langTag(), p + ".summary", textIn(r, "summary"), t("qb_result_summary_hint")),
      field(t("qb_when"), p + ".when.value", bindInput(cond, (v) => {
        if (!v) delete r.when; else r.when = Object.assign({}, r.when || {}, { value: v });
      }, true)),
    ];
    if (r.when) parts.push(h("div", { class: "qb-grid" },
      field(t("qb_when_min"), p + ".when.min", numberIn(r.when, "min"), t("qb_when_min_hint")),
      field(t("qb_when_max"), p + ".when.max", numberIn(r.when, "max"), t("qb_when_max_hint"))));
    return h("section", { class: "qb-item", "aria-labelledby": head },
      h("div", { class: "qb-item-head" },
        h("h3", { id: head }, t("qb_result_n", { n: i + 1 }), " ", h("code", {}, r.id || "")),
        h("div", { class: "qb-tools" }, moveTools(quiz.results, i, "results"),
          removeTool(quiz.results, i, "results", t("qb_remove_result"), "qb-add-result"))),
      parts);
  }

  // ---- the flow map (SVG) and the readable list ----
  function drawFlow() {
    const map = document.getElementById("qb-map");
    const list = document.getElementById("qb-branches");
    const probs = document.getElementById("qb-problems");
    const found = problems();
    const unreachable = new Set(found.filter((f) => f.path.endsWith(".id")).map((f) => f.path));
    const n = quiz.steps.length;
    const rowH = 54, boxW = 190, boxH = 34, x0 = 8, y0 = 8;
    const yOf = (i) => y0 + i * rowH;
    const edges = [];
    quiz.steps.forEach((st, i) => waysOf(i).forEach((w) => edges.push(Object.assign({ from: i, toIndex: w.to === "end" ? n : stepIndex(w.to) }, w))));
    const side = edges.filter((e) => !(e.toIndex === e.from + 1 && e.follow));
    const lanes = side.length;
    const width = x0 + boxW + 28 + lanes * 12 + 20;
    const svg = s("svg", { viewBox: `0 0 ${width} ${yOf(n) + boxH + y0}`, width: "100%", role: "img", "aria-labelledby": "qb-map-desc", class: "qb-flow" },
      s("defs", {}, s("marker", { id: "qb-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
        s("path", { d: "M0 0 L10 5 L0 10 z", class: "qb-arrowhead" }))));
    const mid = x0 + boxW / 2;
    edges.filter((e) => e.toIndex === e.from + 1 && e.follow).forEach((e) =>
      svg.append(s("line", { x1: mid, y1: yOf(e.from) + boxH, x2: mid, y2: yOf(e.toIndex) - 1, class: "qb-edge", "marker-end": "url(#qb-arrow)" })));
    side.forEach((e, k) => {
      const x = x0 + boxW, y1 = yOf(e.from) + boxH / 2 + ((k % 3) - 1) * 6;
      const lane = x + 16 + k * 12;
      const bad = e.toIndex < 0;
      const y2 = bad ? y1 + 16 : yOf(e.toIndex) + boxH / 2;
      const path = s("path", { d: `M${x} ${y1} C${lane} ${y1}, ${lane} ${y2}, ${bad ? x + 22 : x + 1} ${y2}`,
        class: bad ? "qb-edge qb-edge-bad" : "qb-edge qb-edge-branch", "marker-end": "url(#qb-arrow)" },
      s("title", {}, stepLabel(quiz.steps[e.from], e.from) + " — " + e.label + " → " + targetName(e.to)));
      svg.append(path);
      if (bad) svg.append(s("text", { x: x + 26, y: y2 + 4, class: "qb-bad-text" }, "?"));
    });
    quiz.steps.forEach((st, i) => {
      const off = unreachable.has(`steps[${i}].id`);
      const label = stepLabel(st, i);
      svg.append(s("g", { class: off ? "qb-node qb-node-off" : "qb-node" },
        s("title", {}, label + (off ? " — " + t("qb_unreachable") : "")),
        s("rect", { x: x0, y: yOf(i), width: boxW, height: boxH, rx: 8 }),
        s("text", { x: x0 + 10, y: yOf(i) + 22 }, label.length > 26 ? label.slice(0, 25) + "…" : label)));
    });
    svg.append(s("g", { class: "qb-node qb-node-end" }, s("rect", { x: x0 + boxW / 2 - 70, y: yOf(n), width: 140, height: boxH, rx: 17 }),
      s("text", { x: x0 + boxW / 2, y: yOf(n) + 22, "text-anchor": "middle" }, t("qb_end"))));
    map.replaceChildren(svg);

    list.replaceChildren(...quiz.steps.map((st, i) => h("li", {},
      h("strong", {}, stepLabel(st, i)), unreachable.has(`steps[${i}].id`) ? h("span", { class: "qb-bad-text" }, " — " + t("qb_unreachable")) : null,
      h("ul", {}, waysOf(i).map((w) => h("li", { class: w.to !== "end" && stepIndex(w.to) < 0 ? "qb-bad-text" : null }, w.label + " → " + targetName(w.to)))))));

    probs.replaceChildren(...found.map((f) => h("li", {}, h("a", { href: "#", onclick: (ev) => { ev.preventDefault(); focusPath(f.path); } }, f.text))));
    document.getElementById("qb-no-problems").hidden = found.length > 0;
    for (const el of root.querySelectorAll("[data-client-invalid]")) { el.removeAttribute("data-client-invalid"); if (!el.dataset.serverInvalid) el.removeAttribute("aria-invalid"); }
    for (const f of found) {
      const el = root.querySelector(`[data-path="${f.path}"]`);
      if (el && f.path.endsWith(".next")) { el.setAttribute("aria-invalid", "true"); el.dataset.clientInvalid = "1"; }
    }
  }

  // ---- the "try it" panel ----
  function defaultSample(st) {
    if (st.id in ui.samples) return;
    if (st.type === "single" || st.type === "image") { if (st.options && st.options[0]) ui.samples[st.id] = st.options[0].id; }
    else if (st.type === "number" && typeof st.min === "number") ui.samples[st.id] = st.min;
    else if (st.type === "rating") ui.samples[st.id] = Number(st.max) || 5;
    else if (st.type === "date" && st.min) ui.samples[st.id] = st.min;
  }
  function sampleControl(st, i) {
    const path = "answers." + st.id;
    const cur = ui.samples[st.id];
    const set = (v) => { if (v === "" || v == null || (Array.isArray(v) && !v.length)) delete ui.samples[st.id]; else ui.samples[st.id] = v; schedulePreview(0); };
    const label = stepLabel(st, i);
    if (st.type === "multi") {
      const legend = uid();
      return h("div", { role: "group", "aria-labelledby": legend, class: "qb-sample", "data-path": path },
        h("p", { id: legend, class: "qb-sample-label" }, label),
        (st.options || []).map((o) => {
          const box = h("input", { type: "checkbox", value: o.id, checked: Array.isArray(cur) && cur.includes(o.id) });
          box.addEventListener("change", () => set([...root.querySelectorAll(`[data-path="${path}"] input:checked`)].map((b) => b.value)));
          return h("label", { class: "check" }, box, (txt(o.label) || o.id) + " (" + (o.value || 0) + ")");
        }));
    }
    let control;
    if (st.type === "single" || st.type === "image" || st.type === "rating") {
      const opts = st.type === "rating"
        ? Array.from({ length: Number(st.max) || 5 }, (_, k) => ({ id: k + 1, text: "★".repeat(k + 1) + " " + (k + 1) }))
        : (st.options || []).map((o) => ({ id: o.id, text: (txt(o.label) || o.id) + " (" + (o.value || 0) + ")" }));
      control = h("select", { value: cur == null ? "" : String(cur) }, h("option", { value: "" }, t("qb_no_answer")),
        opts.map((o) => h("option", { value: String(o.id) }, o.text)));
      control.addEventListener("change", () => set(st.type === "rating" ? (control.value ? Number(control.value) : "") : control.value));
    } else {
      const type = st.type === "number" ? "number" : st.type === "date" ? "date" : "text";
      control = h("input", { type, value: cur == null ? "" : String(cur), step: st.type === "number" ? String(st.step || "any") : null });
      control.addEventListener("input", () => set(st.type === "number" ? (control.value === "" ? "" : Number(control.value)) : control.value));
    }
    control.id = uid();
    control.dataset.path = path;
    return h("div", { class: "qb-sample" }, h("label", { for: control.id, class: "qb-sample-label" }, label), control);
  }
  function renderSamples() {
    for (const id of Object.keys(ui.samples)) if (stepIndex(id) < 0) delete ui.samples[id];
    document.getElementById("qb-samples").replaceChildren(...quiz.steps.map(sampleControl));
  }
  const fmt = (v) => new Intl.NumberFormat(data.lang, { maximumFractionDigits: 2 }).format(v);
  function showPreview() {
    const out = document.getElementById("qb-output");
    const p = ui.preview;
    for (const el of root.querySelectorAll(".qb-value")) el.textContent = "";
    if (ui.serverError) {
      const e = ui.serverError;
      out.replaceChildren(h("p", { class: "error" }, t("qb_refused", { message: e.message }), " ",
        e.field ? h("a", { href: "#", onclick: (ev) => { ev.preventDefault(); focusPath(e.field); } }, t("qb_show_field")) : null));
      return;
    }
    if (!p) { out.replaceChildren(); return; }
    const parts = [h("p", {}, h("strong", {}, t("qb_way") + " "), p.path.map((id) => targetName(id)).join(" → ") + (p.done ? " → " + t("qb_end") : ""))];
    if (!p.done && p.path.length) parts.push(h("p", { class: "muted" }, t("qb_waits", { step: targetName(p.path[p.path.length - 1]) })));
    if (quiz.formulas.length) {
      parts.push(h("dl", { class: "facts qb-values" }, quiz.formulas.map((f) => {
        const failed = p.failed.find((x) => x.name === f.name);
        return [h("dt", {}, f.name), h("dd", { class: failed ? "qb-bad-text" : null, "data-value": f.name },
          failed ? t("qb_no_number") : fmt(p.values[f.name]))];
      })));
    }
    for (const f of quiz.formulas) {
      const el = root.querySelector(`.qb-value[data-formula="${f.name}"]`);
      const failed = p.failed.find((x) => x.name === f.name);
      if (el) el.textContent = failed ? failed.message : (f.name in p.values ? t("qb_value_now", { value: fmt(p.values[f.name]) }) : "");
      if (el) el.classList.toggle("qb-bad-text", !!failed);
    }
    if (p.result) parts.push(h("div", { class: "qb-result-card" }, h("p", { class: "muted" }, t("qb_result_shown", { id: p.result.screen })),
      h("p", {}, h("strong", {}, p.result.title)), p.result.text ? h("p", {}, p.result.text) : null));
    else if (p.done) parts.push(h("p", { class: "muted" }, t("qb_no_result")));
    out.replaceChildren(...parts);
  }

  // ---- the server: preview, save ----
  async function call(method, url, body, ifMatch) {
    const headers = { "X-CSRF-Token": csrf, "Content-Type": "application/json" };
    if (ifMatch) headers["If-Match"] = ifMatch;
    const res = await fetch(url, { method, credentials: "same-origin", headers, body: body ? JSON.stringify(body) : undefined });
    let json = null;
    try { json = await res.json(); } catch (_) { /* an empty or non-JSON answer */ }
    return { status: res.status, ok: res.ok, body: json, etag: res.headers.get("ETag") };
  }
  const draft = (base) => Object.assign({}, base, { steps: quiz.steps, formulas: quiz.formulas, results: quiz.results });
  let timer = 0, seq = 0;
  function schedulePreview(wait) {
    clearTimeout(timer);
    timer = setTimeout(runPreview, wait == null ? 350 : wait);
  }
  async function runPreview() {
    if (!ui.base) return;
    const mine = ++seq;
    const answers = {};
    for (const st of quiz.steps) if (st.id in ui.samples) answers[st.id] = ui.samples[st.id];
    let r;
    try { r = await call("POST", data.preview, { settings: draft(ui.base), answers, lang: data.lang }); }
    catch (_) { r = { status: 0, body: null }; }
    if (mine !== seq) return; // a newer draft is on its way
    if (r.ok) { ui.preview = r.body; setServerError(null); }
    else setServerError(r.body && r.body.error ? r.body.error : { message: t("qb_unavailable") });
    showPreview();
    root.dataset.previewed = String(mine);
  }
  function fieldOf(path) { return (path || "").replace(/^settings\./, ""); }
  // The element showing path, or the nearest one above it: the server
  // names steps[1].title.ru where the page has steps[1].title.
  function elementFor(path, switchLang) {
    let p = fieldOf(path);
    const lang = /\.(ru|uk|en)$/.exec(p);
    if (switchLang && lang && lang[1] !== ui.lang) { ui.lang = lang[1]; render(); }
    while (p) {
      const el = root.querySelector(`[data-path="${p}"]`);
      if (el) return el;
      const cut = p.search(/(\.[^.[\]]+|\[\d+\])$/);
      if (cut <= 0) break;
      p = p.slice(0, cut);
    }
    return null;
  }
  function setServerError(err) {
    for (const el of root.querySelectorAll("[data-server-invalid]")) {
      el.removeAttribute("data-server-invalid");
      if (!el.dataset.clientInvalid) el.removeAttribute("aria-invalid");
      const d = document.getElementById(el.dataset.errorId);
      if (d) d.remove();
      if (el.dataset.describedBefore != null) el.setAttribute("aria-describedby", el.dataset.describedBefore);
      else el.removeAttribute("aria-describedby");
    }
    ui.serverError = err;
    if (!err || !err.field) return;
    const el = elementFor(err.field);
    if (!el) return;
    const msg = h("p", { class: "field-error", id: uid() }, err.message);
    el.dataset.serverInvalid = "1";
    el.dataset.errorId = msg.id;
    el.setAttribute("aria-invalid", "true");
    const before = el.getAttribute("aria-describedby");
    if (before) el.dataset.describedBefore = before; else delete el.dataset.describedBefore;
    el.setAttribute("aria-describedby", ((before || "") + " " + msg.id).trim());
    el.after(msg);
  }
  function focusPath(path) {
    const el = elementFor(path, true);
    if (!el) return;
    const target = el.matches("input, select, textarea, button") ? el : el.querySelector("input, select, textarea, button");
    (target || el).focus();
    el.scrollIntoView({ block: "center" });
  }

  async function save() {
    const status = document.getElementById("qb-status");
    const button = document.getElementById("qb-save");
    button.disabled = true;
    status.textContent = t("qb_saving");
    try {
      const cur = await call("GET", data.widget);
      if (!cur.ok) throw new Error(cur.status);
      // Saved only onto the version these steps were read from: a change
      // made meanwhile (another tab) is not undone (412, "read it again").
      const r = await call("PATCH", data.widget, { settings: draft(cur.body.settings) }, data.etag);
      if (r.status === 412 && r.body && r.body.error) {
        status.textContent = t("qb_not_saved", { message: r.body.error.message });
        return;
      }
      if (r.status === 422 && r.body && r.body.error) {
        setServerError(r.body.error);
        showPreview();
        status.textContent = t("qb_not_saved", { message: r.body.error.message });
        focusPath(r.body.error.field);
        return;
      }
      if (!r.ok) throw new Error(r.status);
      data.etag = r.etag || data.etag;
      ui.base = r.body.settings;
      savedAs = JSON.stringify(r.body.settings.steps) + JSON.stringify(r.body.settings.formulas) + JSON.stringify(r.body.settings.results);
      quiz.steps = r.body.settings.steps;
      quiz.formulas = r.body.settings.formulas;
      quiz.results = r.body.settings.results;
      setServerError(null);
      render();
      status.textContent = data.version ? t("qb_saved_version", { n: data.version }) : t("qb_saved");
      root.dataset.saved = String(Number(root.dataset.saved || 0) + 1);
    } catch (_) {
      status.textContent = t("qb_save_failed");
    } finally {
      button.disabled = false;
    }
  }

  // ---- the whole page ----
  function render(focusOn) {
    const active = document.activeElement;
    const keep = focusOn || (active && root.contains(active) ? (active.dataset.path || active.dataset.focus) : null);
    document.getElementById("qb-steps").replaceChildren(...quiz.steps.map(stepEditor));
    document.getElementById("qb-formulas").replaceChildren(...quiz.formulas.map(formulaEditor));
    document.getElementById("qb-results").replaceChildren(...quiz.results.map(resultEditor));
    for (const b of root.querySelectorAll("[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === ui.lang));
    renderSamples();
    drawFlow();
    if (ui.serverError) setServerError(ui.serverError);
    showPreview();
    if (keep) {
      const el = root.querySelector(`[data-path="${keep}"], [data-focus="${keep}"]`);
      if (el) el.focus();
    }
  }

  for (const b of root.querySelectorAll("[data-lang]")) b.addEventListener("click", () => { ui.lang = b.dataset.lang; render(b.dataset.focus); });
  document.getElementById("qb-add-step").addEventListener("click", addStep);
  document.getElementById("qb-add-formula").addEventListener("click", () => {
    quiz.formulas.push({ name: freeName("formula_", names()), expr: "0" });
    render(`formulas[${quiz.formulas.length - 1}].expr`);
    schedulePreview();
  });
  document.getElementById("qb-add-result").addEventListener("click", () => {
    quiz.results.push({ id: freeName("result_", quiz.results.map((r) => r.id)), title: {} });
    render(`results[${quiz.results.length - 1}].title`);
    schedulePreview();
  });
  const saveButton = document.getElementById("qb-save");
  if (saveButton) saveButton.addEventListener("click", save);

  // Leaving with unsaved changes asks first.
  const current = () => JSON.stringify(quiz.steps) + JSON.stringify(quiz.formulas) + JSON.stringify(quiz.results);
  let savedAs = current();
  window.addEventListener("beforeunload", (ev) => {
    if (data.edit && current() !== savedAs) { ev.preventDefault(); ev.returnValue = ""; }
  });

  quiz.steps.forEach(defaultSample);
  render();
  root.dataset.ready = "1";
  call("GET", data.widget).then((r) => {
    if (!r.ok) { setServerError({ message: t("qb_unavailable") }); showPreview(); return; }
    ui.base = r.body.settings;
    schedulePreview(0);
  });
})();

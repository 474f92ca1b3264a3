// The moderation pages' one script (reviews, promo-code pools, A/B
// results): a form with data-url and data-method is sent to the admin API
// with the page's session and CSRF token, so the API's own checks, cache
// refresh and audit list apply. Fields marked data-json="name" make the
// JSON body; with data-list their text (or a chosen file's) is split into
// a list of codes. A file field marked data-raw="type" is sent as the body
// instead. "{name}" in data-url is the value of the field data-path="name".
// A form with data-chunk="key" sends a long list in pieces of
// data-chunk-size, the later ones to data-chunk-url ("{id}": the first
// answer's id), as the API bounds one request.
// A refused field gets the API's verdict beside it in the page's language
// (the field's data-error…); a success reloads the page, which then says
// what was done in its status line, or, with data-show="key", puts the
// answer's key into the field data-result names.
(() => {
  "use strict";
  const csrf = document.querySelector("meta[name=csrf-token]");
  const status = document.getElementById("api-status");
  if (!csrf || !status) return;
  const saidKey = "beckon-moderation-said";
  const said = sessionStorage.getItem(saidKey);
  if (said) {
    sessionStorage.removeItem(saidKey);
    status.textContent = said;
  }

  const split = (text) => text.split(/[\s,;]+/).filter(Boolean);

  async function bodyOf(form) {
    const out = {};
    for (const el of form.querySelectorAll("[data-json]")) {
      const key = el.dataset.json;
      let v;
      if (el.type === "file") {
        if (!el.files.length) continue;
        v = split(await el.files[0].text());
      } else if (el.type === "number") {
        if (el.value === "") continue;
        v = Number(el.value);
      } else {
        v = "list" in el.dataset ? split(el.value) : el.value;
      }
      out[key] = Array.isArray(out[key]) ? out[key].concat(v) : v;
    }
    return out;
  }

  const urlOf = (form) => form.dataset.url.replace(/\{(\w+)\}/g, (_, name) =>
    encodeURIComponent(form.querySelector(`[data-path="${name}"]`)?.value || ""));

  // fieldOf is the form's field an error names: "codes[3]" is the codes
  // field; an import's "rows[3].rating" is its file.
  function fieldOf(form, field) {
    const base = (field || "").replace(/\[\d+\]$/, "");
    if (base && !base.startsWith("rows[")) {
      const el = form.querySelector(`[data-json="${CSS.escape(base)}"]`);
      if (el) return el;
    }
    return form.querySelector("[data-raw]");
  }

  function clear(form) {
    for (const p of form.querySelectorAll(".field-error")) p.remove();
    for (const el of form.querySelectorAll("[aria-invalid]")) {
      el.removeAttribute("aria-invalid");
      if (el.dataset.describedby) el.setAttribute("aria-describedby", el.dataset.describedby);
      else el.removeAttribute("aria-describedby");
    }
  }

  // showError puts text under the field the API named (fieldOf), or under
  // the form's button when it names none, and takes the focus there.
  function showError(form, text, field) {
    status.textContent = ""; // what the last action said is not news now
    const el = fieldOf(form, field) || form.querySelector("[type=submit]");
    const p = document.createElement("p");
    p.className = "field-error";
    p.id = `${form.id || "form"}-error`;
    p.textContent = text;
    el.after(p);
    el.dataset.describedby ??= el.getAttribute("aria-describedby") || "";
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", `${el.dataset.describedby} ${p.id}`.trim());
    el.focus();
  }

  // errorText is what to tell of a refusal, in the page's language.
  function errorText(form, res, e, body, offset) {
    if (res.status === 403) return status.dataset.forbidden;
    if (res.status === 404) return status.dataset.gone;
    const field = e?.error?.field || "";
    const el = field ? fieldOf(form, field) : form.querySelector("[data-raw]");
    if (res.status === 409 && el?.dataset.conflict) return el.dataset.conflict;
    const row = /^rows\[(\d+)\]\.(\w+)$/.exec(field);
    if (res.status === 422 && row && el?.dataset.errorRow) {
      return el.dataset.errorRow.replace("{n}", row[1]).replace("{value}", row[2]);
    }
    const i = /\[(\d+)\]$/.exec(field);
    if (res.status === 422 && i && el?.dataset.errorItem) {
      const item = body?.[el.dataset.json]?.[Number(i[1])] ?? "";
      return el.dataset.errorItem.replace("{n}", String(offset + Number(i[1]) + 1)).replace("{value}", item);
    }
    if ((res.status === 422 || res.status === 413) && el?.dataset.error) return el.dataset.error;
    return status.dataset.failed;
  }

  // send is one call of the API; the answer, parsed when JSON.
  async function send(url, method, headers, payload) {
    const res = await fetch(url, { method, credentials: "same-origin", headers: { ...headers, "X-CSRF-Token": csrf.content }, body: payload });
    let answer = null;
    try { answer = await res.json(); } catch { /* no body, or a proxy's page */ }
    return { res, answer };
  }

  const sendJSON = (url, method, body) => Object.keys(body).length
    ? send(url, method, { "Content-Type": "application/json" }, JSON.stringify(body))
    : send(url, method, {});

  function done(form, answer) {
    const key = form.dataset.show;
    const out = key && document.getElementById(form.dataset.result);
    if (!out) {
      sessionStorage.setItem(saidKey, form.dataset.done || "");
      if (form.dataset.then) location.assign(form.dataset.then);
      else location.reload();
      return;
    }
    out.value = answer?.[key] ?? "";
    out.closest("[hidden]")?.removeAttribute("hidden");
    status.textContent = form.dataset.done || "";
    out.focus();
    out.select();
  }

  document.addEventListener("submit", async (ev) => {
    const form = ev.target;
    if (!form.dataset.url) return;
    ev.preventDefault();
    const button = form.querySelector("[type=submit]");
    if (button.disabled) return;
    clear(form);
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const raw = form.querySelector("[data-raw]");
      if (raw && !raw.files.length) {
        showError(form, raw.dataset.missing || status.dataset.failed);
        return;
      }
      const url = urlOf(form);
      const method = form.dataset.method || "POST";
      if (raw) {
        const r = await send(url, method, { "Content-Type": raw.dataset.raw }, await raw.files[0].text());
        if (r.res.ok) done(form, r.answer);
        else showError(form, errorText(form, r.res, r.answer, null, 0), r.answer?.error?.field);
        return;
      }
      const body = await bodyOf(form);
      const key = form.dataset.chunk;
      const size = Number(form.dataset.chunkSize) || Infinity;
      const list = key && Array.isArray(body[key]) ? body[key] : [];
      let sent = list.length > size ? { ...body, [key]: list.slice(0, size) } : body;
      let offset = 0;
      let r = await sendJSON(url, method, sent);
      const more = (form.dataset.chunkUrl || url).replace("{id}", encodeURIComponent(r.answer?.id || ""));
      while (r.res.ok && offset + size < list.length) {
        offset += size;
        sent = { [key]: list.slice(offset, offset + size) };
        r = await sendJSON(more, "POST", sent);
      }
      if (r.res.ok) {
        done(form, r.answer);
        return;
      }
      let text = errorText(form, r.res, r.answer, sent, offset);
      if (key) text += " " + (offset > 0 ? form.dataset.partly : form.dataset.nothing);
      showError(form, text, r.answer?.error?.field);
    } catch {
      showError(form, status.dataset.offline);
    } finally {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
})();

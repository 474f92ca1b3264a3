// The moderation pages' one script (reviews, promo-code pools, A/B
// results): a form with data-url and data-method is sent to the admin API
// with the page's session and CSRF token, so the API's own checks, cache
// refresh and audit list apply. Fields marked data-json="name" make the
// JSON body; with data-list their text (or a chosen file's) is split into
// a list of codes. A file field marked data-raw="type" is sent as the body
// instead. "{name}" in data-url is the value of the field data-path="name".
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

  // showError puts text under the field the API named ("codes[3]" is the
  // codes field), or under the form's button when no field is named.
  function showError(form, text, field) {
    const el = fieldOf(form, field) || form.querySelector("[type=submit]");
    const p = document.createElement("p");
    p.className = "field-error";
    p.id = `${form.id || "form"}-error`;
    p.textContent = text;
    (el.closest(".field") || el).after(p);
    el.dataset.describedby ??= el.getAttribute("aria-describedby") || "";
    el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", `${el.dataset.describedby} ${p.id}`.trim());
    el.focus();
  }

  // errorText is what to tell of a refusal, in the page's language.
  function errorText(form, res, e, body) {
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
      return el.dataset.errorItem.replace("{n}", String(Number(i[1]) + 1)).replace("{value}", item);
    }
    if ((res.status === 422 || res.status === 413) && el?.dataset.error) return el.dataset.error;
    return status.dataset.failed;
  }

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
      const body = raw ? null : await bodyOf(form);
      const headers = { "X-CSRF-Token": csrf.content };
      let payload;
      if (raw) {
        headers["Content-Type"] = raw.dataset.raw;
        payload = await raw.files[0].text();
      } else if (Object.keys(body).length > 0) {
        headers["Content-Type"] = "application/json";
        payload = JSON.stringify(body);
      }
      const res = await fetch(urlOf(form), { method: form.dataset.method || "POST", credentials: "same-origin", headers, body: payload });
      let answer = null;
      try { answer = await res.json(); } catch { /* no body, or a proxy's page */ }
      if (res.ok) {
        done(form, answer);
        return;
      }
      showError(form, errorText(form, res, answer, body), answer?.error?.field);
    } catch {
      showError(form, status.dataset.offline);
    } finally {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  });
})();

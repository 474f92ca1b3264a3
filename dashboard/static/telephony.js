// The telephony page's island. It edits the callback widget's managers,
// working hours and how calls go, and saves them through the admin API:
// the widget's settings are read, these parts replaced, and the whole sent
// back (PATCH replaces settings), so the server's checks are the only ones
// that matter and an error comes back at its field. It also runs the
// "call me now" test and follows the request every second until it ends.
// Every word it shows comes from the page (#tel-data).
(() => {
  "use strict";
  const dataEl = document.getElementById("tel-data");
  const form = document.getElementById("tel-form");
  if (!dataEl || !form) return;
  const data = JSON.parse(dataEl.textContent);
  const region = form.dataset.region;
  const csrfMeta = document.querySelector("meta[name=csrf-token]");
  const t = (key, vars) => {
    let s = data.texts[key] || key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replaceAll("{" + k + "}", String(v));
    return s;
  };
  const api = (method, url, body, ifMatch) => fetch(url, {
    method, credentials: "same-origin",
    headers: Object.assign({ "X-CSRF-Token": csrfMeta ? csrfMeta.content : "", "Content-Type": "application/json" },
      ifMatch ? { "If-Match": ifMatch } : {}),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const errorOf = async (r) => {
    try { return (await r.json()).error || {}; } catch { return {}; }
  };

  const list = document.getElementById("tel-manager-list");
  const working = document.getElementById("tel-working-hours");
  const spans = (box) => [...box.querySelectorAll(":scope > [data-span]")];
  const managers = () => [...list.querySelectorAll(":scope > [data-manager]")];

  // renumber gives every row its place: legends read "Manager 2", and
  // data-field names the API's JSON path, where errors come back.
  const renumber = () => {
    const numberSpans = (box, path) => spans(box).forEach((s, j) => {
      s.dataset.field = `${path}[${j}]`;
      s.querySelector(".tel-days").dataset.field = `${path}[${j}].days`;
      s.querySelector("[data-span-legend]").textContent = t("hours_n", { n: j + 1 });
    });
    managers().forEach((li, i) => {
      const path = `settings.managers[${i}]`;
      li.querySelector("[data-manager-legend]").textContent = t("manager_n", { n: i + 1 });
      li.querySelector("[data-name]").dataset.field = path + ".name";
      li.querySelector("[data-phone]").dataset.field = path + ".phone";
      li.querySelector("[data-email]").dataset.field = path + ".email";
      const own = li.querySelector("[data-hours]");
      numberSpans(own, path + ".hours");
      const said = li.querySelector("[data-own]");
      said.textContent = spans(own).length ? said.dataset.set : said.dataset.none;
      const up = li.querySelector("[data-move-up]");
      if (up) up.disabled = i === 0;
    });
    numberSpans(working, "settings.working_hours");
    document.getElementById("tel-no-managers").hidden = managers().length > 0;
    document.getElementById("tel-always").hidden = spans(working).length > 0;
  };

  // Unsaved edits: the test would ring the saved managers, not these.
  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });

  const clone = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);

  form.addEventListener("click", (e) => {
    const btn = e.target.closest("button[type=button]");
    if (!btn) return;
    dirty = true;
    if (btn.id === "tel-add-manager") {
      const li = clone("tel-manager-tpl");
      list.append(li);
      renumber();
      li.querySelector("[data-name]").focus();
    } else if (btn.hasAttribute("data-add-span")) {
      const span = clone("tel-span-tpl");
      btn.parentElement.querySelector("[data-hours]").append(span);
      renumber();
      span.querySelector("[data-day]").focus();
    } else if (btn.hasAttribute("data-remove-span")) {
      const box = btn.closest("[data-hours]");
      btn.closest("[data-span]").remove();
      renumber();
      box.parentElement.querySelector("[data-add-span]").focus();
    } else if (btn.hasAttribute("data-remove-manager")) {
      btn.closest("[data-manager]").remove();
      renumber();
      document.getElementById("tel-add-manager").focus();
    } else if (btn.hasAttribute("data-move-up")) {
      const li = btn.closest("[data-manager]");
      if (li.previousElementSibling) li.previousElementSibling.before(li);
      renumber();
      btn.focus();
    }
  });

  // Field errors: one at a time, next to its field, described and focused.
  const clearErrors = () => {
    form.querySelectorAll(".field-error").forEach((p) => p.remove());
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    form.querySelectorAll("[data-error-for]").forEach((el) => {
      el.setAttribute("aria-describedby", el.dataset.errorFor);
      if (!el.dataset.errorFor) el.removeAttribute("aria-describedby");
      delete el.dataset.errorFor;
    });
  };
  const localMessage = (field, message) => {
    const code = /country code \+(\d+)/.exec(message || "");
    if (/phone$|caller_id$/.test(field) && code) return t("err_code", { code: code[1] });
    if (/phone$|caller_id$/.test(field)) return t("err_phone", { region });
    if (/\.name$/.test(field)) return t("err_name");
    if (/\.days$/.test(field)) return t("err_days");
    if (/hours\[\d+\]$/.test(field)) return t("err_hours");
    if (/ring_seconds$/.test(field)) return t("err_ring");
    if (/visitor_retries$/.test(field)) return t("err_retries");
    return message;
  };
  const fieldElement = (root, field) => {
    // The API names the deepest path it can; the page may know a shorter one.
    for (let f = field; f; f = f.replace(/(\.[a-z_]+|\[\d+\])$/, "")) {
      const el = root.querySelector(`[data-field="${CSS.escape(f)}"]`);
      if (el) return el;
      if (!/(\.[a-z_]+|\[\d+\])$/.test(f)) break;
    }
    return null;
  };
  let errors = 0;
  const showError = (root, field, message) => {
    const el = fieldElement(root, field);
    if (!el) return false;
    const input = el.matches("input, select") ? el : el.querySelector("input, select");
    const p = document.createElement("p");
    p.className = "field-error";
    p.id = "tel-err-" + ++errors;
    p.textContent = localMessage(field, message);
    (el.matches("input") ? el.closest("label") || el : el).after(p);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.dataset.errorFor = input.getAttribute("aria-describedby") || "";
      input.setAttribute("aria-describedby", (input.dataset.errorFor + " " + p.id).trim());
      const details = input.closest("details");
      if (details) details.open = true;
      input.focus();
    }
    return true;
  };

  const readSpans = (box) => spans(box).map((s) => ({
    days: [...s.querySelectorAll("[data-day]:checked")].map((c) => Number(c.value)),
    from: s.querySelector("[data-from]").value,
    to: s.querySelector("[data-to]").value,
  }));

  // collect reads the form into the settings' parts this page owns, or
  // shows the first mistake the server could not name: a span with no day
  // ticked means "every day" to the API, the opposite of what was meant.
  const collect = () => {
    const parts = {
      managers: managers().map((li, i) => ({
        name: li.querySelector("[data-name]").value.trim(),
        phone: li.querySelector("[data-phone]").value.trim(),
        email: li.querySelector("[data-email]").value.trim(),
        priority: i,
        hours: readSpans(li.querySelector("[data-hours]")),
      })),
      working_hours: readSpans(working),
      strategy: (form.querySelector("input[name=strategy]:checked") || {}).value || "in_order",
      caller_id: document.getElementById("tel-caller-id").value.trim(),
    };
    const numbers = { manager_ring_seconds: "tel-manager-ring", visitor_ring_seconds: "tel-visitor-ring", visitor_retries: "tel-retries" };
    for (const [key, id] of Object.entries(numbers)) {
      const raw = document.getElementById(id).value.trim();
      const n = Number(raw);
      if (raw === "" || !Number.isInteger(n)) {
        showError(form, "settings." + key, "");
        return null;
      }
      parts[key] = n;
    }
    const empty = (hours, path) => hours.findIndex((h) => h.days.length === 0) >= 0 ? `${path}[${hours.findIndex((h) => h.days.length === 0)}].days` : "";
    for (const [i, m] of parts.managers.entries()) {
      const f = empty(m.hours, `settings.managers[${i}].hours`);
      if (f) { showError(form, f, ""); return null; }
    }
    const f = empty(parts.working_hours, "settings.working_hours");
    if (f) { showError(form, f, ""); return null; }
    return parts;
  };

  const saveStatus = document.getElementById("tel-save-status");
  const saveButton = document.getElementById("tel-save");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearErrors();
    const parts = collect();
    if (!parts) {
      saveStatus.textContent = t("fix_field");
      return;
    }
    saveButton.disabled = true;
    saveStatus.textContent = t("saving");
    try {
      let r = await api("GET", data.widget);
      if (r.ok) {
        const w = await r.json();
        // Onto the version this page shows only: a change made meanwhile
        // (another tab) is not undone (412, "read it again").
        r = await api("PATCH", data.widget, { settings: Object.assign({}, w.settings, parts) }, data.etag);
      }
      if (r.ok) {
        data.etag = r.headers.get("ETag") || data.etag;
        const saved = (await r.json()).settings;
        // Show the numbers as the server keeps them (E.164), in its order.
        managers().forEach((li, i) => {
          const m = saved.managers[i];
          if (m) {
            li.querySelector("[data-phone]").value = m.phone;
            li.querySelector("[data-name]").value = m.name;
            li.querySelector("[data-email]").value = m.email || "";
          }
        });
        document.getElementById("tel-caller-id").value = saved.caller_id || "";
        data.managers = saved.managers.map((m) => m.name);
        dirty = false;
        saveStatus.textContent = t("saved");
      } else {
        const err = await errorOf(r);
        if (r.status === 422 && err.field && showError(form, err.field, err.message)) {
          saveStatus.textContent = t("fix_field");
        } else if (r.status === 403 || r.status === 404) {
          saveStatus.textContent = t("forbidden");
        } else {
          saveStatus.textContent = t("save_failed", { message: err.message || r.status });
        }
      }
    } catch {
      saveStatus.textContent = t("network");
    } finally {
      saveButton.disabled = false;
    }
  });
  renumber();

  // "Call me now".
  const testForm = document.getElementById("tel-test-form");
  if (!testForm) return;
  const phone = document.getElementById("tel-test-phone");
  const start = document.getElementById("tel-test-start");
  const status = document.getElementById("tel-test-status");
  const progress = document.getElementById("tel-test-progress");
  const stages = [...document.querySelectorAll("#tel-stages [data-stage]")];
  const order = stages.map((li) => li.dataset.stage);
  const remembered = "beckon.telephony.phone";
  try { phone.value = localStorage.getItem(remembered) || ""; } catch { /* storage off: type it */ }

  let said = "";
  const say = (text) => {
    if (text !== said) status.textContent = said = text;
  };

  // show paints the request's progress: stages passed, the current one,
  // and where it failed, with the reason in words.
  const show = (cb) => {
    const reached = new Set(cb.timeline.map((s) => s.status));
    let last = -1;
    order.forEach((s, i) => { if (reached.has(s)) last = i; });
    const current = order.indexOf(cb.status);
    stages.forEach((li, i) => {
      li.className = "";
      li.removeAttribute("aria-current");
      // A request fails during the step it had reached (nobody answered
      // the ringing), or before the first when nobody could be rung.
      if (cb.status === "failed" && i === Math.max(last, 0)) li.className = "is-failed";
      else if (i === current && cb.status !== "completed") { li.className = "is-current"; li.setAttribute("aria-current", "step"); }
      else if (i <= last) li.className = "is-done";
    });
    const ringing = cb.legs.filter((l) => l.kind === "manager" && l.status !== "ended").pop();
    const name = ringing && data.managers[ringing.manager];
    stages[0].textContent = cb.status === "calling_manager" && name ? t("st_calling_manager_named", { name }) : t("st_calling_manager");
    if (cb.status === "failed") {
      say(t("st_failed", { reason: data.texts["why_" + cb.reason] || t("why_unknown") }));
    } else if (cb.status === "queued") {
      say(cb.timeline.length > 1 ? t("st_queued") : t("starting"));
    } else {
      say(cb.status === "calling_manager" ? stages[0].textContent : t("st_" + cb.status));
    }
  };

  const finish = (id) => {
    start.disabled = false;
    const a = document.createElement("a");
    a.href = data.lead + "cb_" + id;
    a.textContent = t("open_lead");
    status.append(" ", a);
    said = "";
  };

  const follow = async (id) => {
    for (;;) {
      await new Promise((ok) => setTimeout(ok, 1000));
      let cb;
      try {
        const r = await api("GET", data.callback + encodeURIComponent(id));
        if (r.status === 401 || r.status === 403 || r.status === 404) {
          say(t("forbidden"));
          start.disabled = false;
          return;
        }
        if (!r.ok) continue;
        cb = await r.json();
      } catch {
        continue; // a dropped poll: the next one catches up
      }
      show(cb);
      if (cb.status === "completed" || cb.status === "failed") return finish(id);
    }
  };

  testForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (dirty) {
      say(t("unsaved"));
      saveButton.focus();
      return;
    }
    testForm.querySelectorAll(".field-error").forEach((p) => p.remove());
    phone.removeAttribute("aria-invalid");
    phone.setAttribute("aria-describedby", "tel-test-phone-hint");
    start.disabled = true;
    progress.hidden = true; // the last test's steps are not this one's
    say(t("starting"));
    try {
      const r = await api("POST", data.test_call, { phone: phone.value.trim() });
      const err = r.ok ? {} : await errorOf(r);
      if (r.status === 202) {
        const { id } = await r.json();
        try { localStorage.setItem(remembered, phone.value.trim()); } catch { /* not remembered */ }
        progress.hidden = false;
        stages.forEach((li) => { li.className = ""; li.removeAttribute("aria-current"); });
        follow(id);
        return;
      }
      if (r.status === 422 && err.field === "phone") {
        phone.dataset.field = "phone";
        showError(testForm, "phone", err.message);
        say(localMessage("phone", err.message));
      } else if (r.status === 422 && (err.code === "no_managers" || err.code === "no_manager_available")) {
        say(t("st_failed", { reason: t("why_no_manager_available") }));
      } else if (r.status === 429) {
        const wait = Number(r.headers.get("Retry-After")) || 60;
        say(t("limit", { minutes: Math.max(1, Math.ceil(wait / 60)) }));
      } else if (r.status === 403 || r.status === 404) {
        say(t("forbidden"));
      } else {
        say(t("test_failed", { message: err.message || r.status }));
      }
    } catch {
      say(t("network"));
    }
    start.disabled = false;
  });
})();

// The live inbox: new leads arrive over Server-Sent Events
// (/app/sites/{id}/inbox/live) and appear without a reload. On the first,
// unfiltered page the row is put on top; elsewhere a line offers to show
// them. Without this script the page works the same, minus the news.
(() => {
  "use strict";
  const table = document.getElementById("inbox");
  const live = document.getElementById("inbox-live");
  if (!table || !live || !table.dataset.live || !window.EventSource) return;
  const prepend = table.dataset.prepend === "1";
  const body = table.tBodies[0];
  let waiting = 0;
  const es = new EventSource(table.dataset.live);
  // Tests and styles may tell that the stream is on.
  es.addEventListener("open", () => { table.dataset.connected = "1"; });
  es.addEventListener("lead", (e) => {
    let m;
    try { m = JSON.parse(e.data); } catch { return; }
    if (!m || !m.id || document.getElementById("lead-" + m.id)) return;
    if (prepend) {
      const tpl = document.createElement("template");
      tpl.innerHTML = m.row.trim();
      const row = tpl.content.firstElementChild;
      if (!row) return;
      row.classList.add("fresh");
      body.prepend(row);
      table.hidden = false;
      const empty = document.getElementById("inbox-empty");
      if (empty) empty.remove();
      live.textContent = m.text;
      return;
    }
    waiting++;
    live.textContent = "";
    const a = document.createElement("a");
    a.href = location.pathname;
    a.textContent = live.dataset.newOne.replace("{n}", String(waiting));
    live.append(a);
  });
})();

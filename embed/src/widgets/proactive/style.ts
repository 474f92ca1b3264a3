// The proactive message's stylesheet, scoped under .bkpa because the shadow
// root is shared with the other widgets of the page. The bubble is
// position:fixed over the page, never in its flow (no layout shift), in the
// chosen bottom corner above the other widgets' round buttons (96 px up:
// the callback's 60-px button sits 20 px from the edge), and below them in
// z-order (z-index 1; the callback's button and panel stand at 2), so an
// opened panel covers it, never the other way round. A countdown bar at
// the bottom lifts it by translate, which is no layout shift either. The
// typing dots lie over the text, which keeps its box, so the bubble does
// not grow when the text appears. Motion only when the visitor allows it.

export const css = `
.bkpa{all:initial;display:block;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;
  -webkit-text-size-adjust:100%}
.bkpa *,.bkpa *::before,.bkpa *::after{box-sizing:border-box}
.bkpa [hidden]{display:none!important}
.bkpa button,.bkpa input,.bkpa textarea{font:inherit;color:inherit;margin:0}
.bkpa :focus-visible{outline:3px solid var(--bk-strong);outline-offset:2px}
.bkpa .card:focus,.bkpa .ask:focus,.bkpa .ok:focus{outline:none}

.bkpa .card{position:fixed;z-index:1;right:20px;bottom:96px;translate:0 calc(0px - var(--bk-inset-bottom,0px));width:340px;max-width:calc(100vw - 40px);
  max-height:calc(100vh - 116px);overflow:auto;overscroll-behavior:contain;padding:14px 16px 16px;background:#fff;
  border-radius:18px 18px 4px 18px;box-shadow:0 12px 40px rgba(0,0,0,.22),0 0 0 1px rgba(0,0,0,.06);transform-origin:100% 100%}
.bkpa.left .card{right:auto;left:20px;border-radius:18px 18px 18px 4px;transform-origin:0 100%}
@media (prefers-reduced-motion:no-preference){
  .bkpa .card{animation:bkpa-in .22s ease-out}
  .bkpa .dots i{animation:bkpa-dot 1s infinite ease-in-out}
  .bkpa .dots i:nth-child(2){animation-delay:.15s}
  .bkpa .dots i:nth-child(3){animation-delay:.3s}
}
@keyframes bkpa-in{from{opacity:0;transform:translateY(10px) scale(.94)}to{opacity:1;transform:none}}
@keyframes bkpa-dot{0%,60%,100%{opacity:.35}30%{opacity:1}}

.bkpa .x{position:absolute;top:6px;right:6px;width:40px;height:40px;border:0;border-radius:50%;background:transparent;cursor:pointer;
  display:grid;place-items:center;color:#4b5563}
.bkpa .x:hover{background:#f3f4f6}
.bkpa .x svg{width:22px;height:22px;fill:currentColor}
.bkpa .head{display:flex;align-items:center;gap:10px;margin:0 36px 10px 0}
.bkpa .ava{flex:none;width:44px;height:44px;border-radius:50%;object-fit:cover;background:var(--bk-strong);color:var(--bk-on-strong);
  display:grid;place-items:center;font-weight:700;font-size:16px}
.bkpa .who{margin:0;display:flex;flex-direction:column;align-items:flex-start;min-width:0}
.bkpa .name{font-weight:700;color:#111827;overflow-wrap:anywhere}
.bkpa .tag{margin-top:2px;padding:1px 8px;border:1px solid #d0d7de;border-radius:999px;background:#f6f8fa;color:#374151;font-size:12px;line-height:1.4;font-weight:600}
.bkpa .says{position:relative;margin:0 0 12px;padding:10px 12px;border-radius:4px 14px 14px 14px;background:#f1f3f5}
.bkpa .msg{margin:0;white-space:pre-line;overflow-wrap:break-word;color:#1f2328}
.bkpa .dots{display:none}
.bkpa .typing .msg{visibility:hidden}
.bkpa .typing .dots{display:flex;gap:5px;position:absolute;left:14px;top:50%;translate:0 -50%}
.bkpa .dots i{width:8px;height:8px;border-radius:50%;background:#6b7280}

.bkpa .act{display:grid;gap:10px}
.bkpa .primary{display:flex;align-items:center;justify-content:center;width:100%;min-height:44px;padding:10px 18px;border:0;border-radius:12px;
  background:var(--bk-strong);color:var(--bk-on-strong);font-weight:700;text-decoration:none;cursor:pointer;text-align:center}
.bkpa .primary:hover{filter:brightness(1.06)}
.bkpa .primary[aria-disabled=true],.bkpa .send[aria-disabled=true]{opacity:.6;cursor:progress}
.bkpa .row{display:flex;gap:8px;align-items:flex-end}
.bkpa .ta{flex:1;min-width:0;height:44px;min-height:44px;max-height:120px;resize:none;padding:10px 12px;border:1px solid #8c959f;border-radius:12px;
  background:#fff;font-size:16px;line-height:1.4}
.bkpa .ta:focus,.bkpa .txt:focus{border-color:var(--bk-strong)}
.bkpa .ta[aria-invalid=true],.bkpa .txt[aria-invalid=true]{border-color:#b42318}
.bkpa .send{flex:none;width:44px;height:44px;border:0;border-radius:50%;background:var(--bk-strong);color:var(--bk-on-strong);cursor:pointer;
  display:grid;place-items:center}
.bkpa .send svg{width:20px;height:20px;fill:currentColor}
.bkpa .mine{justify-self:end;max-width:85%;margin:0;padding:8px 12px;border-radius:14px 14px 4px 14px;background:var(--bk-strong);color:var(--bk-on-strong);
  white-space:pre-line;overflow-wrap:break-word}
.bkpa .ask{margin:0;font-size:14px;color:#374151}

.bkpa .form{display:grid;gap:8px}
.bkpa .field{display:grid;gap:3px;min-width:0}
.bkpa .lbl{font-size:14px;font-weight:600;color:#374151}
.bkpa .txt{display:block;width:100%;min-height:44px;border:1px solid #8c959f;border-radius:10px;background:#fff;padding:9px 12px;font-size:16px}
.bkpa .err,.bkpa .formerr{margin:0;color:#b42318;font-size:14px}
.bkpa .err:empty,.bkpa .formerr:empty{display:none}
.bkpa .rf .err{margin-top:4px}
.bkpa .consent{display:flex;gap:10px;align-items:flex-start;font-size:13px;color:#4b5563;cursor:pointer}
.bkpa .consent input{flex:none;width:20px;height:20px;margin:1px 0 0;accent-color:var(--bk-strong)}
.bkpa .policy{margin:0;font-size:13px}
.bkpa a{color:var(--bk-strong)}
.bkpa a.primary{color:var(--bk-on-strong)}
.bkpa .hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.bkpa .sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip-path:inset(50%);white-space:nowrap;border:0}
.bkpa .ok{margin:0;padding:10px 12px;border-radius:12px;background:#ecfdf3;color:#05603a;font-weight:600}

@media (max-width:480px){
  .bkpa .card,.bkpa.left .card{left:12px;right:12px;bottom:88px;width:auto;max-width:none;max-height:calc(100vh - 104px)}
}
`;

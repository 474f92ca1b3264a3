// The callback widget's stylesheet, scoped under .bkcb because the shadow
// root is shared with the other widgets of the page. Colours come from
// custom properties set on .bkcb from the owner's colour. --bk-inset-bottom
// (set on the host by a countdown bar at the bottom of the window) lifts
// the button and the panel above that bar; the button moves by translate,
// which the browser does not count as a layout shift. The button, the
// panel and its backdrop stand at z-index 2, above other widgets'
// launchers (which share the shadow root and come later in it), so an
// open panel is never covered by a quiz's button.

export const css = `
.bkcb{all:initial;display:block;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;
  -webkit-text-size-adjust:100%;--bk-ring:var(--bk-strong)}
.bkcb *,.bkcb *::before,.bkcb *::after{box-sizing:border-box}
.bkcb [hidden]{display:none!important}
.bkcb button,.bkcb input,.bkcb select{font:inherit;color:inherit;margin:0}
.bkcb :focus-visible{outline:3px solid var(--bk-ring);outline-offset:2px}

.bkcb .fab{position:fixed;z-index:2;bottom:20px;right:20px;translate:0 calc(0px - var(--bk-inset-bottom,0px));width:60px;height:60px;border-radius:50%;border:0;padding:0;cursor:pointer;
  background:var(--bk-brand);color:var(--bk-on-brand);box-shadow:0 6px 20px rgba(0,0,0,.25);display:grid;place-items:center;
  transition:transform .15s ease}
.bkcb.left .fab{right:auto;left:20px}
.bkcb .fab svg{width:28px;height:28px;fill:currentColor}
.bkcb .fab:hover{transform:scale(1.06)}
.bkcb .fab:focus-visible{outline:3px solid #111827;outline-offset:3px;box-shadow:0 0 0 3px #fff,0 6px 20px rgba(0,0,0,.25)}
.bkcb .fab::after{content:"";position:absolute;inset:0;border-radius:50%;border:2px solid var(--bk-brand);opacity:0;pointer-events:none}
@media (prefers-reduced-motion:no-preference){
  .bkcb .fab[aria-expanded="false"]::after{animation:bkcb-pulse 2.4s ease-out infinite}
  .bkcb .fab[aria-expanded="false"] svg{animation:bkcb-ring 2.4s ease-in-out infinite}
  .bkcb .panel{animation:bkcb-in .18s ease-out}
}
@keyframes bkcb-pulse{0%{transform:scale(1);opacity:.7}70%,100%{transform:scale(1.55);opacity:0}}
@keyframes bkcb-ring{0%,70%,100%{transform:rotate(0)}75%{transform:rotate(-12deg)}80%{transform:rotate(12deg)}85%{transform:rotate(-8deg)}90%{transform:rotate(6deg)}}
@keyframes bkcb-in{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}

.bkcb .backdrop{position:fixed;inset:0;z-index:2;background:transparent}
.bkcb .panel{position:fixed;z-index:2;right:20px;bottom:calc(96px + var(--bk-inset-bottom,0px));width:340px;max-width:calc(100vw - 40px);
  max-height:calc(100vh - 116px - var(--bk-inset-bottom,0px));overflow:auto;
  background:#fff;border-radius:16px;box-shadow:0 12px 40px rgba(0,0,0,.22),0 0 0 1px rgba(0,0,0,.06);padding:20px}
.bkcb.left .panel{right:auto;left:20px}
.bkcb .head{display:flex;align-items:flex-start;gap:8px;margin:0 0 8px}
.bkcb h2{flex:1;margin:6px 0 0;font-size:18px;text-wrap:balance;line-height:1.25;font-weight:700;color:#111827}
.bkcb h2:focus{outline:none}
.bkcb .close{flex:none;width:44px;height:44px;margin:-10px -10px 0 0;border:0;border-radius:50%;background:transparent;cursor:pointer;
  display:grid;place-items:center;color:#4b5563}
.bkcb .close:hover{background:#f3f4f6}
.bkcb .close svg{width:22px;height:22px;fill:currentColor}
.bkcb .lead{margin:0 0 16px;color:#4b5563;font-size:15px}

.bkcb .field{margin:0 0 14px}
.bkcb label.lbl{display:block;font-size:14px;font-weight:600;margin:0 0 6px;color:#1f2328}
.bkcb .tel{display:flex;gap:8px}
.bkcb .cc{position:relative;flex:none;min-width:76px;height:48px;border:1px solid #8c959f;border-radius:10px;background:#fff;
  display:flex;align-items:center;justify-content:center;gap:4px;padding:0 10px;font-weight:600}
.bkcb .cc:focus-within{outline:3px solid var(--bk-ring);outline-offset:2px}
.bkcb .cc .chev{width:16px;height:16px;fill:#57606a}
.bkcb .cc select{position:absolute;inset:0;width:100%;height:100%;opacity:0;cursor:pointer;font-size:16px}
.bkcb .cc.one select{cursor:default}
.bkcb input.txt,.bkcb select.txt{display:block;width:100%;min-width:0;height:48px;border:1px solid #8c959f;border-radius:10px;background:#fff;
  padding:0 12px;font-size:16px}
.bkcb select.txt{padding-right:8px}
.bkcb input.txt::placeholder{color:#6e7781}
.bkcb input.txt:focus,.bkcb select.txt:focus{border-color:var(--bk-strong)}
.bkcb [aria-invalid="true"]{border-color:#b42318!important}
.bkcb .err{margin:6px 0 0;color:#b42318;font-size:14px;font-weight:500}
.bkcb .consent{display:flex;gap:10px;align-items:flex-start;min-height:44px;padding:4px 0;font-size:14px;color:#374151;cursor:pointer}
.bkcb .consent input{flex:none;width:22px;height:22px;margin:1px 0 0;accent-color:var(--bk-strong);cursor:pointer}
.bkcb .consent a,.bkcb .policy a{color:var(--bk-strong);text-decoration:underline;text-underline-offset:2px}
.bkcb .consent a:focus-visible,.bkcb .policy a:focus-visible{outline:2px solid var(--bk-strong);outline-offset:2px;border-radius:2px}
.bkcb .policy{margin:-4px 0 8px;font-size:14px}
.bkcb .policy a{display:inline-flex;align-items:center;min-height:44px}
.bkcb .sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.bkcb .err:empty,.bkcb .formerr:empty{display:none}
.bkcb .hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}

.bkcb .primary{display:block;width:100%;min-height:50px;border:0;border-radius:12px;padding:12px 16px;cursor:pointer;
  background:var(--bk-strong);color:var(--bk-on-strong);font-weight:700;font-size:17px}
.bkcb .primary:hover{filter:brightness(1.06)}
.bkcb .primary[aria-disabled="true"]{opacity:.65;cursor:progress}
.bkcb .secondary{display:block;width:100%;min-height:44px;margin:8px 0 0;border:0;border-radius:12px;padding:10px 16px;background:transparent;
  color:var(--bk-strong);font-weight:600;cursor:pointer;text-decoration:underline;text-underline-offset:3px}
.bkcb .secondary:hover{background:#f3f4f6}
.bkcb .formerr{margin:10px 0 0;color:#b42318;font-size:14px;font-weight:500;text-align:center}

.bkcb .status{text-align:center;padding:4px 0 0}
.bkcb .steps{display:flex;gap:6px;margin:4px 0 18px;padding:0;list-style:none}
.bkcb .steps li{flex:1;height:6px;border-radius:3px;background:#e5e7eb}
.bkcb .steps li.on{background:var(--bk-strong)}
.bkcb .sttext{margin:0 0 8px;text-wrap:balance;font-size:18px;font-weight:600;color:#111827}
.bkcb .timer{margin:0 0 8px;font-size:40px;line-height:1.1;font-weight:700;color:var(--bk-strong);font-variant-numeric:tabular-nums}
.bkcb .note{margin:0 0 8px;color:#4b5563;font-size:15px}
.bkcb .status .primary{margin-top:16px}
@media (prefers-reduced-motion:no-preference){
  .bkcb .status.live .steps li.cur{animation:bkcb-blink 1.2s ease-in-out infinite}
}
@keyframes bkcb-blink{50%{opacity:.35}}

@media (max-width:480px){
  .bkcb .fab{bottom:16px;right:16px}
  .bkcb.left .fab{left:16px}
  .bkcb .backdrop{background:rgba(17,24,39,.45)}
  .bkcb .panel,.bkcb.left .panel{left:0;right:0;bottom:0;width:auto;max-width:none;max-height:92vh;max-height:92dvh;
    border-radius:18px 18px 0 0;padding:20px 16px calc(20px + env(safe-area-inset-bottom))}
  @media (prefers-reduced-motion:no-preference){.bkcb .panel{animation:bkcb-up .22s ease-out}}
}
@keyframes bkcb-up{from{transform:translateY(100%)}to{transform:none}}
`;

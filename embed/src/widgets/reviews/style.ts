// The reviews widget's stylesheet, scoped under .bkrv (the floating badge
// and the panel share the page's Beckon shadow root; the inline layouts
// live in a shadow root of their own). The floating parts are
// position:fixed, so showing them moves nothing on the page. On a phone
// (≤ 480 px) the panel is a sheet along the bottom edge, and a badge at the
// middle of the left edge shrinks to a tab (the average over its star; the
// count stays in its label), since mid-screen is where the page's text is.

export const css = `
.bkrv{all:initial;display:block;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;-webkit-text-size-adjust:100%}
.bkrv *,.bkrv *::before,.bkrv *::after{box-sizing:border-box}
.bkrv [hidden]{display:none!important}
.bkrv button,.bkrv input,.bkrv textarea{font:inherit;color:inherit;margin:0}
.bkrv :focus-visible{outline:3px solid var(--bk-strong);outline-offset:2px}
.bkrv h2:focus,.bkrv .ok:focus{outline:none}
.bkrv .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.bkrv .stars{color:#e5a000;letter-spacing:1px;white-space:nowrap}
.bkrv .launch{position:fixed;z-index:3;left:20px;bottom:20px;display:flex;align-items:center;gap:8px;min-height:48px;padding:10px 18px;
  border:0;border-radius:999px;background:#fff;color:#111827;box-shadow:0 6px 24px rgba(0,0,0,.18);cursor:pointer;font-weight:600}
.bkrv .launch.bottom-right{left:auto;right:20px}
.bkrv .launch.left-middle{bottom:auto;top:50%;left:12px;transform:translateY(-50%)}
.bkrv .launch b{font-size:18px}
.bkrv .launch .stars{font-size:18px}
.bkrv .shade{position:fixed;inset:0;z-index:4;background:rgba(17,24,39,.55);display:grid;place-items:center;padding:16px}
.bkrv .panel{position:relative;width:560px;max-width:100%;max-height:calc(100vh - 32px);overflow:auto;overscroll-behavior:contain;
  background:#fff;border-radius:18px;box-shadow:0 20px 60px rgba(0,0,0,.3);padding:20px 24px 24px}
@media (max-width:480px){.bkrv .shade{padding:0;place-items:end stretch}.bkrv .panel{width:100%;border-radius:18px 18px 0 0;max-height:92vh;padding:16px}
  .bkrv .launch{left:12px;bottom:12px}.bkrv .launch.bottom-right{right:12px}
  .bkrv .launch.left-middle{left:0;flex-direction:column;gap:0;padding:6px 10px 6px 8px;border-radius:0 16px 16px 0;line-height:1.2}
  .bkrv .launch.left-middle b,.bkrv .launch.left-middle .stars{font-size:15px}.bkrv .launch.left-middle span:not(.stars){display:none}}
.bkrv .x{position:absolute;top:6px;right:6px;width:44px;height:44px;border:0;border-radius:50%;background:transparent;cursor:pointer;font-size:26px;line-height:1;color:#4b5563}
.bkrv .x:hover{background:#f3f4f6}
.bkrv h2{margin:0 44px 4px 0;font-size:20px;line-height:1.3;color:#111827}
.bkrv .sum{display:flex;align-items:baseline;flex-wrap:wrap;gap:4px 10px;margin:0 0 12px}
.bkrv .sum b{font-size:28px;color:#111827}
.bkrv .sum .stars{font-size:20px}
.bkrv .sum .n{color:#4b5563}
.bkrv .note{margin:0 0 12px;color:#4b5563;font-size:13px}
.bkrv ul{list-style:none;margin:0;padding:0}
.bkrv .rv{border-top:1px solid #e5e7eb;padding:14px 0}
.bkrv .rv:first-child{border-top:0}
.bkrv .hd{display:flex;flex-wrap:wrap;align-items:baseline;gap:2px 10px}
.bkrv .who{font-weight:600;color:#111827;overflow-wrap:anywhere}
.bkrv time,.bkrv .mark{color:#6b7280;font-size:13px}
.bkrv .mark.v{color:#047857}
.bkrv .body{margin:6px 0 0;white-space:pre-line;overflow-wrap:anywhere}
.bkrv .ph{display:block;margin-top:8px;width:120px;height:90px;object-fit:cover;border-radius:8px;background:#f3f4f6}
.bkrv .ans{margin:10px 0 0 12px;padding:8px 12px;border-left:3px solid var(--bk-strong);background:#f8fafc;border-radius:0 8px 8px 0}
.bkrv .ans p{margin:2px 0 0;white-space:pre-line;overflow-wrap:anywhere}
.bkrv .ans strong{font-size:13px}
.bkrv .btn{display:inline-flex;align-items:center;justify-content:center;min-height:44px;padding:10px 18px;border-radius:12px;cursor:pointer;font-weight:700;
  border:2px solid var(--bk-strong);background:#fff;color:var(--bk-strong)}
.bkrv .primary{background:var(--bk-strong);color:var(--bk-on-strong);border-color:var(--bk-strong)}
.bkrv .primary[aria-disabled=true]{opacity:.6;cursor:progress}
.bkrv .row{display:flex;flex-wrap:wrap;gap:8px;margin-top:12px}
.bkrv .empty{color:#4b5563;margin:8px 0}
.bkrv form{margin:8px 0 20px}
.bkrv fieldset{border:0;margin:0 0 12px;padding:0}
.bkrv legend,.bkrv label.f{display:block;font-weight:600;margin:0 0 4px}
.bkrv .rate{display:flex;gap:2px}
.bkrv .rate input{position:absolute;opacity:0;width:1px;height:1px}
.bkrv .rate label{font-size:34px;line-height:1;width:44px;height:44px;display:grid;place-items:center;color:#d1d5db;cursor:pointer;border-radius:8px}
.bkrv .rate label.on{color:#e5a000}
.bkrv .rate input:focus-visible+label{outline:3px solid var(--bk-strong)}
.bkrv textarea,.bkrv input.t{display:block;width:100%;padding:10px 12px;border:1px solid #9ca3af;border-radius:10px;background:#fff;margin-bottom:12px;font-size:16px}
.bkrv textarea{min-height:110px;resize:vertical}
.bkrv [aria-invalid=true]{border-color:#b91c1c}
.bkrv .file{margin-bottom:12px}
.bkrv .file input{font-size:14px;max-width:100%}
.bkrv .thumb{display:flex;align-items:center;gap:10px;margin-top:6px}
.bkrv .thumb img{width:72px;height:54px;object-fit:cover;border-radius:6px}
.bkrv .consent{display:flex;gap:8px;align-items:flex-start;margin-bottom:12px;font-size:13px;color:#374151}
.bkrv .consent input{width:20px;height:20px;flex:none;margin-top:1px}
.bkrv .consent a{color:var(--bk-strong)}
.bkrv .hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.bkrv .err{color:#b91c1c;margin:8px 0 0}
.bkrv .ok{margin:12px 0;padding:12px;border-radius:10px;background:#ecfdf5;color:#065f46}
.bkrv.inl{background:#fff;border:1px solid #e5e7eb;border-radius:14px;padding:16px 18px}
.bkrv .car{position:relative}
.bkrv .car .rv{min-height:120px;border:0;padding:4px 0}
.bkrv .car .nav{display:flex;align-items:center;gap:8px;margin-top:8px}
.bkrv .car .nav button{width:44px;height:44px;border:1px solid #d1d5db;border-radius:50%;background:#fff;cursor:pointer;font-size:18px}
.bkrv .car .nav button:disabled{opacity:.4;cursor:default}
.bkrv .car .pos{color:#6b7280;font-size:13px}
.bkrv .badge{display:inline-flex;align-items:center;gap:8px;min-height:44px;padding:8px 14px;border:1px solid #e5e7eb;border-radius:999px;background:#fff;cursor:pointer;color:#111827}
.bkrv .badge b{font-size:18px}
`;

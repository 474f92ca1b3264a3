"use strict";(()=>{function Y(t){let e=/^#([0-9a-f]{6})$/i.exec(t.trim());if(!e)return null;let r=parseInt(e[1],16);return[r>>16&255,r>>8&255,r&255]}function q([t,e,r]){let o=i=>{let c=i/255;return c<=.03928?c/12.92:Math.pow((c+.055)/1.055,2.4)};return .2126*o(t)+.7152*o(e)+.0722*o(r)}function E(t,e){return(Math.max(t,e)+.05)/(Math.min(t,e)+.05)}var gt=t=>"#"+t.map(e=>(Math.round(e)|256).toString(16).slice(1)).join(""),J="#111827",Pt=q(Y(J));function mt(t,e){let r=Y(t)||Y(e),o=gt(r),i=q(r),c=E(1,i)>=3?"#fff":J;if(E(1,i)>=4.5)return{brand:o,onBrand:c,strong:o,onStrong:"#fff"};if(E(i,Pt)>=7)return{brand:o,onBrand:c,strong:o,onStrong:J};let m=r;for(let h=0;h<20&&E(1,q(m))<4.5;h++)m=m.map(b=>b*.92);return{brand:o,onBrand:c,strong:gt(m),onStrong:"#fff"}}function u(t,e,...r){let o=document.createElement(t);if(e)for(let i in e){let c=e[i];c===!1||c===null||c===void 0||o.setAttribute(i,c===!0?"":String(c))}for(let i of r)(i||i==="")&&o.append(i);return o}function xt(t,e){let r="http://www.w3.org/2000/svg",o=document.createElementNS(r,"svg");o.setAttribute("viewBox","0 0 24 24"),o.setAttribute("aria-hidden","true"),o.setAttribute("focusable","false"),o.setAttribute("class",e);let i=document.createElementNS(r,"path");return i.setAttribute("d",t),o.appendChild(i),o}var ht={};function V(t,e,r){let o=t;try{if(o.adoptedStyleSheets&&"replaceSync"in CSSStyleSheet.prototype){let i=ht[r];i||(i=new CSSStyleSheet,i.replaceSync(r),ht[r]=i),o.adoptedStyleSheets.indexOf(i)<0&&(o.adoptedStyleSheets=o.adoptedStyleSheets.concat(i));return}}catch(i){}e.appendChild(u("style",null,r))}function kt(t){return t==="ru"||t==="uk"?t:"en"}var $=`
.bkcd{all:initial;display:block;box-sizing:border-box;font:15px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
  -webkit-text-size-adjust:100%;text-size-adjust:100%}
.bkcd *,.bkcd *::before,.bkcd *::after{box-sizing:border-box}
.bkcd [hidden]{display:none!important}
.bkcd p{margin:0}
.bkcd .digits{display:inline-flex;white-space:nowrap}
.bkcd .u{display:inline-flex}
.bkcd .n{display:inline-block;min-width:2ch;text-align:center;font-weight:800;font-variant-numeric:tabular-nums;letter-spacing:0}
.bkcd .l{display:inline-grid;text-align:start}
.bkcd .l>span{grid-area:1/1}
.bkcd .l>.sz{visibility:hidden}
.bkcd .x{position:absolute;width:44px;height:44px;padding:0;margin:0;border:0;border-radius:50%;background:transparent;color:inherit;
  cursor:pointer;display:grid;place-items:center;font:inherit}
.bkcd .x svg{width:20px;height:20px;fill:currentColor}
.bkcd .x:hover{background:rgba(127,127,127,.2)}
.bkcd .x:focus-visible{outline:3px solid currentColor;outline-offset:-3px}

.bkcd.top_bar,.bkcd.bottom_bar{position:fixed;left:0;right:0;background:var(--bk-bg);color:var(--bk-fg);
  box-shadow:0 2px 12px rgba(0,0,0,.2)}
.bkcd.top_bar{top:0}
.bkcd.bottom_bar{bottom:0;padding-bottom:env(safe-area-inset-bottom);box-shadow:0 -2px 12px rgba(0,0,0,.2)}
.bkcd.top_bar .body,.bkcd.bottom_bar .body{display:flex;flex-wrap:wrap;align-items:center;justify-content:center;column-gap:18px;row-gap:0;
  min-height:52px;padding:6px 56px;text-align:center}
.bkcd.top_bar .title,.bkcd.bottom_bar .title{font-size:16px;font-weight:600}
.bkcd.top_bar .digits,.bkcd.bottom_bar .digits{gap:12px;align-items:baseline}
.bkcd.top_bar .u,.bkcd.bottom_bar .u{align-items:baseline;gap:5px}
.bkcd.top_bar .n,.bkcd.bottom_bar .n{font-size:24px;line-height:1.2}
.bkcd.top_bar .l,.bkcd.bottom_bar .l{font-size:15px}
.bkcd.top_bar .msg,.bkcd.bottom_bar .msg{font-size:17px;font-weight:700}
.bkcd.top_bar .x,.bkcd.bottom_bar .x{right:6px;top:50%;margin-top:-22px}
/* Phones: the title above, each number above its word. */
@media (max-width:600px){
  .bkcd.top_bar .body,.bkcd.bottom_bar .body{flex-direction:column;min-height:56px;padding:4px 44px 5px}
  .bkcd.top_bar .title,.bkcd.bottom_bar .title{font-size:13px;line-height:16px}
  .bkcd.top_bar .digits,.bkcd.bottom_bar .digits{gap:12px;align-items:flex-start}
  .bkcd.top_bar .u,.bkcd.bottom_bar .u{flex-direction:column;align-items:center;gap:0}
  .bkcd.top_bar .n,.bkcd.bottom_bar .n{font-size:20px;line-height:22px}
  .bkcd.top_bar .l,.bkcd.bottom_bar .l{font-size:11px;line-height:13px;text-align:center}
  .bkcd.top_bar .msg,.bkcd.bottom_bar .msg{font-size:15px}
  .bkcd.top_bar .x,.bkcd.bottom_bar .x{right:0}
}

.bkcd.floating,.bkcd.inline{background:#fff;color:#111827;text-align:center;border-radius:14px}
.bkcd.floating{position:fixed;left:16px;bottom:16px;max-width:calc(100vw - 112px);padding:12px 44px 14px;
  box-shadow:0 10px 30px rgba(0,0,0,.2),0 0 0 1px rgba(0,0,0,.06);border-top:4px solid var(--bk-brand)}
/* 112 px tall with a one-line title (README: the page reserves it with min-height). */
.bkcd.inline{position:relative;min-height:112px;padding:14px 16px 12px;border:1px solid #e5e7eb;border-top:4px solid var(--bk-brand)}
.bkcd.floating .title,.bkcd.inline .title{font-size:15px;font-weight:600;line-height:20px;margin:0 0 6px}
.bkcd.floating .digits,.bkcd.inline .digits{gap:14px;height:54px;align-items:flex-start}
.bkcd.floating .u,.bkcd.inline .u{flex-direction:column;align-items:center}
.bkcd.floating .n,.bkcd.inline .n{font-size:30px;line-height:36px;color:var(--bk-num)}
.bkcd.floating .l,.bkcd.inline .l{font-size:13px;line-height:18px;color:#4b5563;text-align:center}
.bkcd.floating .msg,.bkcd.inline .msg{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;
  padding:8px 40px;font-size:17px;font-weight:700;line-height:1.3}
.bkcd.floating.done .title,.bkcd.floating.done .clock,.bkcd.inline.done .title,.bkcd.inline.done .clock{visibility:hidden}
.bkcd.floating .x{right:0;top:0;color:#4b5563}
@media (max-width:480px){
  .bkcd.floating{left:8px;bottom:8px;max-width:calc(100vw - 96px);padding:10px 44px 10px 12px}
  .bkcd.floating .digits,.bkcd.inline .digits{gap:10px}
  .bkcd.floating .n,.bkcd.inline .n{font-size:26px}
  .bkcd.floating .l,.bkcd.inline .l{font-size:12px}
}

@media (prefers-reduced-motion:no-preference){
  .bkcd.top_bar{animation:bkcd-down .3s ease-out}
  .bkcd.bottom_bar{animation:bkcd-up .3s ease-out}
  .bkcd.floating{animation:bkcd-fade .25s ease-out}
}
@keyframes bkcd-down{from{transform:translateY(-100%)}to{transform:none}}
@keyframes bkcd-up{from{transform:translateY(100%)}to{transform:none}}
@keyframes bkcd-fade{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}
`;var yt={en:{title:"Offer ends in",expired:"The offer has ended",close:"Close",lessThanMinute:"less than a minute",units:{d:{one:"day",other:"days"},h:{one:"hour",other:"hours"},m:{one:"minute",other:"minutes"},s:{one:"second",other:"seconds"}}},ru:{title:"До конца акции:",expired:"Акция завершена",close:"Закрыть",lessThanMinute:"меньше минуты",units:{d:{one:"день",few:"дня",many:"дней",other:"дня"},h:{one:"час",few:"часа",many:"часов",other:"часа"},m:{one:"минута",few:"минуты",many:"минут",other:"минуты"},s:{one:"секунда",few:"секунды",many:"секунд",other:"секунды"}}},uk:{title:"До кінця акції:",expired:"Акцію завершено",close:"Закрити",lessThanMinute:"менше хвилини",units:{d:{one:"день",few:"дні",many:"днів",other:"дня"},h:{one:"година",few:"години",many:"годин",other:"години"},m:{one:"хвилина",few:"хвилини",many:"хвилин",other:"хвилини"},s:{one:"секунда",few:"секунди",many:"секунд",other:"секунди"}}}};var wt=yt;var S=["d","h","m","s"];function W(t){let e=Math.max(0,Math.floor(t));return[Math.floor(e/86400),Math.floor(e/3600)%24,Math.floor(e/60)%60,e%60]}function X(t){return[t>=86400,t>=3600,!0,!0]}function Ut(t){let e=t%10,r=t%100;return e===1&&r!==11?"one":e>=2&&e<=4&&(r<12||r>14)?"few":"many"}function St(t){let e=null;try{e=new Intl.PluralRules(t)}catch(r){}return(r,o)=>{let i=e?e.select(r):t==="en"?r===1?"one":"other":Ut(r);return o[i]||o.other}}function _t(t){let e=[];for(let r of["one","few","many","other"]){let o=t[r];o&&e.indexOf(o)<0&&e.push(o)}return e}function vt(t,e,r){if(t<60)return e.lessThanMinute;let o=W(t),i=[];for(let c=0;c<3;c++)o[c]&&i.push(o[c]+" "+r(o[c],e.units[S[c]]));return i.join(" ")}var Bt="M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z",Dt=["top_bar","bottom_bar","floating","inline"],Ht=1e4,Tt=[2e3,6e3],Gt=5,Rt=/^[\w.~:=+/-]{1,64}$/,Ct="";function Kt(){let t="";try{t=new URLSearchParams(location.search).get("bk_r")||""}catch(e){}Rt.test(t)||(t="");try{t?localStorage.setItem("beckon_r",t):t=localStorage.getItem("beckon_r")||""}catch(e){t?Ct=t:t=Ct}return Rt.test(t)?t:""}var Mt={},Q={get(t){try{return sessionStorage.getItem(t)==="1"}catch(e){return Mt[t]==="1"}},set(t,e){try{e?sessionStorage.setItem(t,"1"):sessionStorage.removeItem(t)}catch(r){Mt[t]=e?"1":""}}},jt=()=>typeof matchMedia=="function"&&matchMedia("(prefers-reduced-motion: reduce)").matches,Yt=t=>{let e=t.widget.settings||{},r=t.widget.id,o=kt(t.locale),i=wt[o],c=St(o),m=n=>n&&typeof n[o]=="string"&&n[o].trim()||"",h=Dt.indexOf(e.placement||"")>=0?e.placement:"top_bar",b=h==="inline",Et=e.mode==="recurring",Z=e.on_expire||"hide",z="beckon_cd_closed_"+r,tt=m(e.title)||i.title,_=mt(e.color||"","#dc2626"),d=u("div",{class:"bkcd "+h});d.style.setProperty("--bk-bg",_.strong),d.style.setProperty("--bk-fg",_.onStrong),d.style.setProperty("--bk-brand",_.brand),d.style.setProperty("--bk-num",_.onStrong==="#fff"?_.strong:"#111827");let I=[],L=[],N=S.map(n=>{let s=u("span",{class:"n"},"--"),a=u("span",{class:"w"}),g=u("span",{class:"l"},a,..._t(i.units[n]).map(l=>u("span",{class:"sz"},l)));return I.push(s),L.push(a),u("span",{class:"u","data-unit":n},s,g)}),O=u("div",{class:"clock",role:"timer","aria-live":"off","aria-atomic":"true"},u("span",{class:"digits","aria-hidden":"true"},...N)),A=u("p",{class:"msg",role:"status",hidden:!0}),et=u("p",{class:"title","aria-hidden":"true"},tt),zt=u("div",{class:"body"},et,O,A);if(d.appendChild(zt),!b){let n=u("button",{type:"button",class:"x","aria-label":i.close,title:i.close},xt(Bt,""));n.addEventListener("click",()=>ct()),d.appendChild(n)}let x=0,nt=0,P,T=!1,F=!1,v=!1,R=!1,C=!b&&Q.get(z),f=null,ot="",rt=0,M=!1,U=0,it=()=>x-(Date.now()+nt);function st(n){let s=W(n),a=X(n);for(let l=0;l<4;l++)N[l].hidden=!a[l],I[l].textContent=l>0&&a[l-1]&&s[l]<10?"0"+s[l]:String(s[l]),L[l].textContent=c(s[l],i.units[S[l]]);let g=vt(n,i,c);g!==ot&&(ot=g,O.setAttribute("aria-label",tt+" "+g))}function It(){let n=3600;e.mode==="fixed"?n=(Date.parse(e.deadline||"")-Date.now())/1e3:e.mode==="evergreen"&&(n=Number(e.duration_seconds)||0);let s=X(n>0?n:0);for(let a=0;a<4;a++)N[a].hidden=!s[a],I[a].textContent="--",L[a].textContent=i.units[S[a]].many||i.units[S[a]].other}function B(){b||C||v||d.isConnected||(t.root.appendChild(d),at())}let k=null;function at(){if(h!=="bottom_bar")return;let n=t.shadow.host,s=()=>{let a=d.isConnected?d.getBoundingClientRect().height:0;a?n.style.setProperty("--bk-inset-bottom",Math.ceil(a)+"px"):n.style.removeProperty("--bk-inset-bottom")};s(),!k&&typeof ResizeObserver=="function"&&d.isConnected&&(k=new ResizeObserver(s),k.observe(d)),!d.isConnected&&k&&(k.disconnect(),k=null)}function D(){if(b){f&&(f.style.display="none");return}d.remove(),at()}function ct(){if(b)return D();C=!0,Q.set(z,!0),D()}function lt(){v=!0,G(),f&&f.remove(),D()}function dt(n){f=document.createElement("beckon-countdown"),f.setAttribute("data-beckon-widget",r),f.style.display="block";let s=f.attachShadow({mode:"open"});V(s,s,$),It(),s.appendChild(d),n.appendChild(f),y()}function Lt(){let n=(e.selector||"").trim(),s=()=>{try{return n?document.querySelector(n):null}catch(w){return null}},a=s();if(a)return dt(a);if(!n||typeof MutationObserver!="function")return H("no element matches the selector "+JSON.stringify(n));let g=new MutationObserver(()=>{let w=s();w&&(g.disconnect(),clearTimeout(l),dt(w))});g.observe(document.documentElement,{childList:!0,subtree:!0});let l=setTimeout(()=>{g.disconnect(),H("no element matches the selector "+JSON.stringify(n))},Ht)}let pt=!1;function H(n){pt||console.warn("beckon: countdown:",n),pt=!0}function y(n=0){if(R||v)return;R=!0;let s={visitor_id:t.visitorId},a=Kt();a&&(s.recipient=a);let g=performance.now(),l=0,w=0;t.api("/timers/"+encodeURIComponent(r),{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify(s)}).then(p=>{if(l=performance.now()-g,w=Date.now(),!p.ok)throw p.status;return p.json()}).then(p=>{R=!1;let ft=Date.parse(p&&p.now),bt=Date.parse(p&&p.deadline);if(isNaN(ft)||isNaN(bt))throw"a bad answer from the server";nt=ft-(w-l/2),Nt(bt,p.state==="expired")}).catch(p=>{if(R=!1,n<Tt.length&&(typeof p!="number"||p===429||p>=500)){setTimeout(()=>y(n+1),Tt[n]);return}H(typeof p=="number"?"POST /timers: HTTP "+p:p),lt()})}function Nt(n,s){if(M){if(s||n<=x){if(++U>Gt)return M=!1,j();setTimeout(y,1e3*U);return}M=!1}if(x=n,s||it()<=0){t.emit("countdown:expired",{id:r}),j();return}ut()}function ut(){T=!0,F=!1,K(),B(),rt!==x&&(b||d.isConnected)&&(rt=x,t.emit("countdown:shown",{id:r,deadline:new Date(x).toISOString()}))}function G(){T=!1,clearTimeout(P)}function K(){if(clearTimeout(P),!T)return;let n=it();if(n<=0)return Ot();st(Math.ceil(n/1e3)),P=setTimeout(K,(n-1)%1e3+1+15)}function Ot(){if(G(),st(0),t.emit("countdown:expired",{id:r}),Et){M=!0,U=0,y();return}j()}function j(){if(G(),F=!0,Z==="message"){A.textContent=m(e.expired_message)||i.expired,A.hidden=!1,d.classList.add("done"),b||(O.hidden=!0,et.hidden=!0),B();return}Z==="redirect"&&At()||lt()}function At(){let n;try{n=new URL(e.redirect_url||"",location.href)}catch(a){return!1}let s=location.href.split("#")[0];return!/^https?:$/.test(n.protocol)||n.href.split("#")[0]===s?!1:(location.assign(n.href),!0)}return document.addEventListener("visibilitychange",()=>{document.hidden||K()}),b?Lt():(V(t.shadow,t.root,$),C||y()),{open(){if(b){f&&!v&&(f.style.display="block",f.scrollIntoView({block:"center",behavior:jt()?"auto":"smooth"}));return}C=!1,Q.set(z,!1),!v&&(T?ut():F?B():y())},close:ct}};window.beckon("define","countdown",Yt);})();

/**
 * The store map's pages: a self-contained mobile page (zh-TW, no CDN, works at 360 px; Noto Sans TC
 * served by the simulator itself) listing the chain's stores, filterable by city and text without
 * script (a GET form) and instantly with it; and the error page for a bad map request.
 */
import { escapeHtml as e } from '../../ecpay/html';
import { CHAIN_NAMES, type CvsChain, type CvsSubType, chainOf } from '../../ecpay/types';
import type { MapSession } from './state';
import { citiesOf, SIM_STORES, type SimStore } from './stores';

const CHAIN_COLOUR: Record<CvsChain, string> = {
  UNIMART: '#00704a',
  FAMI: '#0072bc',
  HILIFE: '#d6001c',
  OKMART: '#c8102e',
};

const SERVICE_NAME: Record<CvsSubType, string> = {
  UNIMARTC2C: '交貨便（店到店）',
  FAMIC2C: '店到店',
  HILIFEC2C: '店到店',
  OKMARTC2C: '店到店',
  UNIMART: '大宗寄倉',
  UNIMARTFREEZE: '冷凍取貨',
  FAMI: '大宗寄倉',
  HILIFE: '大宗寄倉',
};

const STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f1f3f5;color:#1f2a33;font:15px/1.5 "Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif}
.top{color:#fff;padding:12px 16px;display:flex;align-items:center;gap:10px;position:sticky;top:0;z-index:2}
.mark{width:34px;height:34px;border-radius:8px;background:#fff;font-weight:700;display:flex;align-items:center;justify-content:center;font-size:13px;flex:none}
.top b{font-size:17px;display:block;line-height:1.3}.top small{opacity:.85;font-size:12px}
.sbx{background:#fff4d6;color:#7a5200;font-size:12px;padding:6px 16px;border-bottom:1px solid #f0dca4}
main{max-width:560px;margin:0 auto;padding:12px}
.filter{background:#fff;border-radius:12px;padding:12px;display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.4fr);gap:8px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.filter label{font-size:12px;color:#5b6975;display:block;margin-bottom:2px}
select,input[type=search]{width:100%;font:inherit;font-size:16px;padding:9px 10px;border:1px solid #c9d2da;border-radius:8px;background:#fff;color:inherit;min-width:0}
.go{grid-column:1/-1;font:inherit;padding:9px;border:0;border-radius:8px;background:#3d4a55;color:#fff}
.count{font-size:13px;color:#5b6975;margin:12px 4px 6px}
ul{list-style:none;margin:0;padding:0}
li{margin-bottom:8px}
.store{display:grid;grid-template-columns:1fr auto;gap:2px 10px;width:100%;text-align:left;font:inherit;color:inherit;background:#fff;border:1px solid #dde3e8;border-radius:12px;padding:12px 14px;cursor:pointer}
.store:active,.store:focus-visible{border-color:var(--c);outline:2px solid var(--c)}
.name{font-weight:700;font-size:16px}
.id{font-size:12px;color:#5b6975;align-self:center;text-align:right;white-space:nowrap}
.addr,.tel{grid-column:1/2;font-size:13px;color:#3b4852;word-break:break-all}
.tel{color:#6b7883}
.pick{grid-column:2;grid-row:2/4;align-self:center;color:var(--c);font-weight:700;font-size:14px;white-space:nowrap}
.tag{display:inline-block;font-size:11px;padding:0 6px;border-radius:4px;background:#e8eef3;color:#3d4a55;margin-left:6px;vertical-align:2px;font-weight:400}
.empty{text-align:center;color:#6b7883;padding:24px 0}
.err{background:#fff;border-radius:12px;padding:20px;margin-top:12px}
.err h1{font-size:18px;margin:0 0 8px;color:#a12020}
footer{text-align:center;font-size:11px;color:#8a97a3;padding:12px 0 24px}
`;

function page(title: string, colour: string, header: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="zh-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)}</title>
<link rel="stylesheet" href="/sim/fonts/400.css"><link rel="stylesheet" href="/sim/fonts/700.css">
<style>${STYLE}:root{--c:${colour}}.top{background:${colour}}.mark{color:${colour}}</style></head>
<body>${header}
<div class="sbx">測試環境：門市資料皆為虛構，由物流模擬器提供。</div>
<main>${body}</main>
<footer>ECPay Logistics Simulator · 僅供開發測試使用</footer>${script}</body></html>`;
}

/** Filters the list as the customer types or picks a city; the GET form does the same without script. */
const FILTER_SCRIPT = `<script>
(function(){
  var f=document.getElementById('filter'),city=f.elements.city,q=f.elements.q,items=document.querySelectorAll('#stores li'),
      count=document.getElementById('count'),empty=document.getElementById('empty');
  f.querySelector('.go').hidden=true;
  function apply(){
    var c=city.value,t=q.value.trim().toLowerCase(),n=0;
    items.forEach(function(li){
      var ok=(!c||li.dataset.city===c)&&(!t||li.dataset.text.indexOf(t)>=0);
      li.hidden=!ok;if(ok)n++;
    });
    count.textContent='共 '+n+' 間門市';empty.hidden=n>0;
  }
  city.addEventListener('change',apply);q.addEventListener('input',apply);
  f.addEventListener('submit',function(ev){ev.preventDefault();apply();});
  apply();
})();
</script>`;

function storeItem(s: SimStore): string {
  const text = `${s.id} ${s.name} ${s.address}`.toLowerCase();
  return `<li data-city="${e(s.city)}" data-text="${e(text)}"><button class="store" name="CVSStoreID" value="${e(s.id)}">
<span class="name">${e(s.name)}${s.outlying ? '<span class="tag">離島</span>' : ''}</span><span class="id">店號 ${e(s.id)}</span>
<span class="addr">${e(s.address)}</span><span class="pick">選擇 ›</span>
<span class="tel">${e(s.tel)}</span></button></li>`;
}

export interface MapFilter {
  city?: string;
  q?: string;
}

export function mapPage(session: MapSession, filter: MapFilter = {}): string {
  const chain = chainOf(session.subType);
  const city = filter.city ?? '';
  const q = (filter.q ?? '').trim().toLowerCase();
  const shown = SIM_STORES[chain].filter(
    (s) => (!city || s.city === city) && (!q || `${s.id} ${s.name} ${s.address}`.toLowerCase().includes(q)),
  );
  const base = `/Express/map/s/${encodeURIComponent(session.token)}`;
  const options = citiesOf(chain)
    .map((c) => `<option value="${e(c)}"${c === city ? ' selected' : ''}>${e(c)}</option>`)
    .join('');
  const header = `<header class="top"><div class="mark">${e(chain === 'UNIMART' ? '7-11' : chain === 'FAMI' ? '全家' : chain === 'HILIFE' ? '萊爾富' : 'OK')}</div>
<div><b>選擇取貨門市</b><small>${e(CHAIN_NAMES[chain])} ${e(SERVICE_NAME[session.subType])} · 電子地圖</small></div></header>`;
  const body = `<form id="filter" class="filter" method="get" action="${e(base)}">
<div><label for="city">縣市</label><select id="city" name="city"><option value="">全部縣市</option>${options}</select></div>
<div><label for="q">搜尋</label><input id="q" type="search" name="q" value="${e(filter.q ?? '')}" placeholder="店名、地址、店號" autocomplete="off"></div>
<button class="go" type="submit">篩選</button></form>
<p class="count" id="count">共 ${shown.length} 間門市</p>
<form method="post" action="${e(base)}/choose"><ul id="stores">${SIM_STORES[chain]
    .map((s) => (shown.includes(s) ? storeItem(s) : storeItem(s).replace('<li ', '<li hidden ')))
    .join('\n')}</ul></form>
<p class="empty" id="empty"${shown.length ? ' hidden' : ''}>找不到符合條件的門市，請換個縣市或關鍵字。</p>`;
  return page(`選擇取貨門市｜${CHAIN_NAMES[chain]}`, CHAIN_COLOUR[chain], header, body, FILTER_SCRIPT);
}

export function mapErrorPage(title: string, detail: string): string {
  const header = `<header class="top"><div class="mark">!</div><div><b>電子地圖</b><small>ECPay 物流模擬器</small></div></header>`;
  return page(title, '#3d4a55', header, `<div class="err"><h1>${e(title)}</h1><p>${e(detail)}</p></div>`);
}

/**
 * The delivery page (opened from the chat in LINE's in-app browser): choose 宅配到府 / 超商取貨 /
 * 門市自取 with their fees, fill in the recipient, choose a store on ECPay's map, 確認. Pure
 * functions of data → HTML: self-contained (inline CSS and script, the shop's own CJK font, no
 * CDN), readable at 360 px, every value from a person or from ECPay escaped. Works without script
 * too (all sections shown; the district list is that of the chosen county).
 */
import { CJK_FONT_FAMILY, cjkFontLinks } from '../cjk-font';
import type { DeliveryConfig } from '../config';
import type { DeliveryMethod } from '../db/types';
import { escapeHtml as e } from '../ecpay/html';
import { formatPrice } from '../messages/copy';
import { chainName, deliveryCopy as dc, METHOD_LABELS } from '../messages/delivery-copy';
import type { ChosenCvsStore, DeliveryForm, FormField } from '../shop/delivery';
import type { PageCart } from '../shop/delivery-service';
import { amountToFreeShipping, isChainOffered, offeredMethods, shippingFee } from '../shop/shipping-fee';
import { COUNTIES, findCounty } from '../shop/taiwan-districts';

export interface DeliveryPageView {
  shopName: string;
  token: string;
  config: DeliveryConfig;
  cart: PageCart;
  /** What the fields hold (posted values after an error, or the draft's). */
  form: DeliveryForm;
  store: ChosenCvsStore | undefined;
  errors: Partial<Record<FormField, string>>;
  /** A note on top (e.g. 門市已選好). */
  notice?: string;
}

const STYLE = `
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;background:#FBF8F1;color:#2B2B2B;font:16px/1.5 -apple-system,"PingFang TC","Microsoft JhengHei",${CJK_FONT_FAMILY},sans-serif}
header{background:#3A6B35;color:#fff;padding:14px 16px}header small{display:block;opacity:.85;font-size:13px}header b{font-size:19px}
main{max-width:520px;margin:0 auto;padding:12px 12px 32px}
.card{background:#fff;border-radius:12px;padding:14px;margin-bottom:12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h2{font-size:16px;margin:0 0 10px}
.line{display:flex;justify-content:space-between;gap:8px;font-size:14px;margin:2px 0}.line span:first-child{min-width:0;overflow-wrap:anywhere}
.sub{font-weight:700;border-top:1px solid #eee;margin-top:8px;padding-top:8px}
.free{color:#B5651D;font-weight:700;font-size:14px;margin-top:8px}
.methods{display:grid;gap:8px}
.method{display:flex;align-items:center;gap:10px;border:2px solid #dcd6c8;border-radius:10px;padding:10px 12px;background:#fff}
.method:has(input:checked){border-color:#3A6B35;background:#f1f7ef}
.method input{width:20px;height:20px;margin:0;accent-color:#3A6B35}
.method b{flex:1}.fee{font-size:14px;color:#555;white-space:nowrap}
label.f{display:block;font-size:14px;font-weight:700;margin:12px 0 4px}
input[type=text],input[type=tel],select{width:100%;min-width:0;font:inherit;font-size:16px;padding:10px;border:1px solid #c9c2b2;border-radius:8px;background:#fff;color:inherit}
.bad{border-color:#C0392B!important;background:#fff6f5!important}
.err{color:#C0392B;font-size:13px;margin:4px 0 0}
.row2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:8px}
.store{border:1px dashed #3A6B35;border-radius:8px;padding:10px;margin-top:10px;font-size:14px;background:#f7faf6}
.store b{display:block;font-size:15px}
.hint{font-size:13px;color:#777;margin:6px 0 0}
button{font:inherit;border:0;border-radius:10px;padding:12px;width:100%;cursor:pointer}
.pick{background:#fff;color:#3A6B35;border:2px solid #3A6B35;margin-top:10px;font-weight:700}
.go{background:#06C755;color:#fff;font-size:18px;font-weight:700;padding:15px}
.notice{background:#eaf5e6;color:#2d5a28;border-radius:10px;padding:10px 12px;margin-bottom:12px;font-size:14px}
.msg{text-align:center;padding:40px 16px}.msg h1{font-size:22px;margin:0 0 10px}.msg p{margin:0 0 24px}
a.btn{display:block;padding:15px;border-radius:12px;background:#06C755;color:#fff;font-size:18px;font-weight:700;text-decoration:none;text-align:center}
`;

function shell(shopName: string, title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="zh-Hant-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex">
<title>${e(title)}｜${e(shopName)}</title>${cjkFontLinks()}<style>${STYLE}</style></head>
<body><header><small>${e(shopName)}</small><b>${e(title)}</b></header>
<main>${body}</main>${script}</body></html>`;
}

function fieldError(errors: Partial<Record<FormField, string>>, field: FormField): string {
  const m = errors[field];
  return m ? `<p class="err" id="err-${field}" role="alert">${e(m)}</p>` : '';
}

function bad(errors: Partial<Record<FormField, string>>, field: FormField): string {
  return errors[field] ? ' class="bad" aria-invalid="true"' : '';
}

function feeText(fee: number): string {
  return fee === 0 ? dc.free : formatPrice(fee);
}

function methodCard(method: DeliveryMethod, fee: number, checked: boolean): string {
  return `<label class="method"><input type="radio" name="method" value="${method}"${checked ? ' checked' : ''}>
<b>${e(METHOD_LABELS[method])}</b><span class="fee">${e(feeText(fee))}</span></label>`;
}

/** The district list: the county's districts with postal codes ("106 大安區"). */
function districtOptions(county: string | undefined, chosen: string): string {
  const c = county ? findCounty(county) : undefined;
  const head = `<option value="">${c ? '請選擇鄉鎮市區' : '請先選擇縣市'}</option>`;
  if (!c) return head;
  return (
    head +
    c.districts
      .map(
        (d) =>
          `<option value="${e(d.name)}"${d.name === chosen ? ' selected' : ''}>${e(d.postalCode)} ${e(d.name)}</option>`,
      )
      .join('')
  );
}

/** Shows only the chosen method's section, and fills the district list for the chosen county. */
function pageScript(): string {
  const data = Object.fromEntries(COUNTIES.map((c) => [c.name, c.districts.map((d) => [d.postalCode, d.name])]));
  return `<script>
(function(){
  var D=${JSON.stringify(data).replace(/</g, '\\u003c')};
  var f=document.getElementById('delivery');
  function show(){
    var m=(f.querySelector('input[name=method]:checked')||{}).value;
    ['home','cvs','pickup'].forEach(function(k){var s=document.getElementById('sec-'+k);if(s)s.hidden=m!==k;});
  }
  f.addEventListener('change',function(ev){if(ev.target.name==='method')show();});
  var city=document.getElementById('city'),dist=document.getElementById('district');
  if(city&&dist)city.addEventListener('change',function(){
    var list=D[city.value]||[];dist.innerHTML='';
    var o=document.createElement('option');o.value='';o.textContent=list.length?'請選擇鄉鎮市區':'請先選擇縣市';dist.appendChild(o);
    list.forEach(function(x){var o=document.createElement('option');o.value=x[1];o.textContent=x[0]+' '+x[1];dist.appendChild(o);});
  });
  show();
})();
</script>`;
}

export function deliveryPageHtml(v: DeliveryPageView): string {
  const { config, cart, form, errors } = v;
  const methods = offeredMethods(config);
  const chosen = (methods as string[]).includes(form.method ?? '') ? (form.method as DeliveryMethod) : methods[0];
  const toFree = amountToFreeShipping(config, cart.subtotal);
  const items = cart.items
    .map(
      (i) =>
        `<div class="line"><span>${e(i.name)} × ${i.quantity}</span><span>${e(formatPrice(i.unitPrice * i.quantity))}</span></div>`,
    )
    .join('');
  const summary = `<section class="card"><h2>訂購內容</h2>${items}
<div class="line sub"><span>${e(dc.subtotal)}</span><span>${e(formatPrice(cart.subtotal))}</span></div>
${toFree !== null ? `<p class="free">${e(dc.toFree(formatPrice(toFree)))}</p>` : config.freeShippingThreshold !== null ? `<p class="free">${e(dc.freeReached)}</p>` : ''}</section>`;

  const methodCards = methods
    .map((m) => methodCard(m, shippingFee(config, m, cart.subtotal) as number, m === chosen))
    .join('');
  const recipient = `<label class="f" for="name">收件人姓名</label>
<input type="text" id="name" name="name" value="${e(form.name ?? '')}" autocomplete="name" maxlength="20"${bad(errors, 'name')}>
${fieldError(errors, 'name')}<p class="hint">請填寫證件上的真實姓名（中文 2–5 字或英文 4–10 字母），取貨時需核對。</p>
<label class="f" for="phone">手機</label>
<input type="tel" id="phone" name="phone" value="${e(form.phone ?? '')}" autocomplete="tel" inputmode="tel" placeholder="0912345678" maxlength="20"${bad(errors, 'phone')}>
${fieldError(errors, 'phone')}`;

  const sections: string[] = [];
  if (methods.includes('home')) {
    const countyOptions = COUNTIES.map(
      (c) =>
        `<option value="${e(c.name)}"${findCounty(form.city ?? '')?.name === c.name ? ' selected' : ''}>${e(c.name)}</option>`,
    ).join('');
    sections.push(`<div id="sec-home"><h2>宅配地址</h2><div class="row2">
<div><label class="f" for="city">縣市</label><select id="city" name="city"${bad(errors, 'city')}><option value="">請選擇縣市</option>${countyOptions}</select>${fieldError(errors, 'city')}</div>
<div><label class="f" for="district">鄉鎮市區</label><select id="district" name="district"${bad(errors, 'district')}>${districtOptions(form.city, form.district ?? '')}</select>${fieldError(errors, 'district')}</div>
</div>
<label class="f" for="address">地址</label>
<input type="text" id="address" name="address" value="${e(form.address ?? '')}" autocomplete="street-address" placeholder="路街、巷弄、門牌號碼、樓層" maxlength="60"${bad(errors, 'address')}>
${fieldError(errors, 'address')}</div>`);
  }
  if (methods.includes('cvs')) {
    const chains = config.cvsChains.filter((c) => isChainOffered(config, c));
    const current = form.chain ?? v.store?.subType ?? chains[0];
    const chainOptions = chains
      .map((c) => `<option value="${e(c)}"${c === current ? ' selected' : ''}>${e(chainName(c))}</option>`)
      .join('');
    const store =
      v.store && v.store.subType === current
        ? `<div class="store" id="chosen-store"><b>${e(chainName(v.store.subType))} ${e(v.store.storeName)}</b>${e(v.store.storeAddress)}<br><small>店號 ${e(v.store.storeId)}</small></div>`
        : '';
    sections.push(`<div id="sec-cvs"><h2>超商取貨門市</h2>
<label class="f" for="chain">超商</label><select id="chain" name="chain"${bad(errors, 'chain')}>${chainOptions}</select>${fieldError(errors, 'chain')}
${store}${fieldError(errors, 'store')}
<button class="pick" type="submit" formaction="/delivery/map" formnovalidate>${store ? '重新選擇門市' : '選擇門市'}</button>
<p class="hint">將前往綠界（ECPay）電子地圖選擇門市，選好後會自動回到這一頁。</p></div>`);
  }
  if (methods.includes('pickup') && config.pickup) {
    sections.push(`<div id="sec-pickup"><h2>門市自取地點</h2>
<p>${e(config.pickup.address)}</p>${config.pickup.hours ? `<p class="hint">營業時間：${e(config.pickup.hours)}</p>` : ''}</div>`);
  }

  const body = `${v.notice ? `<div class="notice" role="status">${e(v.notice)}</div>` : ''}${summary}
<form id="delivery" method="post" action="/delivery" accept-charset="UTF-8" novalidate>
<input type="hidden" name="t" value="${e(v.token)}">
<section class="card"><h2>取貨方式</h2><div class="methods">${methodCards}</div>${fieldError(errors, 'method')}</section>
<section class="card"><h2>收件人</h2>${recipient}</section>
<section class="card">${sections.join('')}</section>
<button class="go" type="submit" id="confirm">確認</button>
</form>`;
  return shell(v.shopName, dc.stepTitle, body, pageScript());
}

/** Done: the confirmation is in the chat; back to LINE. */
export function deliveryDonePageHtml(shopName: string, lineUrl: string): string {
  return shell(
    shopName,
    '收件資料已確認',
    `<div class="msg"><h1>收件資料已確認</h1><p>訂單明細與付款按鈕已傳到 LINE 聊天室，請回到 LINE 選擇付款方式。</p>
<a class="btn" id="back" href="${e(lineUrl)}">回到 LINE</a></div>`,
  );
}

/** A page for a link that cannot be used (forged, expired) or a map reply that is refused. */
export function deliveryMessagePageHtml(shopName: string, title: string, text: string, lineUrl: string): string {
  return shell(
    shopName,
    title,
    `<div class="msg"><h1>${e(title)}</h1><p>${e(text)}</p><a class="btn" href="${e(lineUrl)}">回到 LINE</a></div>`,
  );
}

/** The simulator's store map over real HTTP: open it as the shop's page does, choose, and follow the reply form. */
import { request } from 'undici';
import { buildMapForm, parseMapReply } from '../../src/ecpay';
import { silentLogger } from '../../src/logger';
import { type LogisticsSimulator, SIM_STORES, startLogisticsSimulator } from '../../src/sandbox/logistics';
import { autoSubmitForm, C2C, decodeHtml, type ReplyServer, startReplyServer } from './helpers';

let sim: LogisticsSimulator;
let shop: ReplyServer;

beforeAll(async () => {
  sim = await startLogisticsSimulator({ tickIntervalMs: 0, stepDelayMs: 0, logger: silentLogger });
  shop = await startReplyServer();
});
afterAll(async () => {
  await sim.close();
  await shop.close();
});

async function postForm(url: string, fields: Record<string, string>) {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
}

function openMap(subType: Parameters<typeof buildMapForm>[1]['subType'], extraData = 'ck-1') {
  const form = buildMapForm(
    { baseUrl: sim.url, ...C2C, merchantId: subType.endsWith('C2C') ? '2000933' : '2000132' },
    { subType, merchantTradeNo: 'MAP20250314A1', serverReplyUrl: `${shop.url}/ecpay/map-reply?s=1`, extraData },
  );
  return postForm(form.action, form.fields);
}

/** The choose form's action and the store ids offered on the page (visible ones only). */
function storesOnPage(html: string): { action: string; visible: string[]; all: string[] } {
  const action = decodeHtml(/<form method="post" action="([^"]+\/choose)"/.exec(html)?.[1] ?? '');
  const all: string[] = [];
  const visible: string[] = [];
  for (const m of html.matchAll(
    /<li( hidden)? data-city="[^"]*" data-text="[^"]*"><button class="store" name="CVSStoreID" value="([^"]+)"/g,
  )) {
    all.push(m[2] as string);
    if (!m[1]) visible.push(m[2] as string);
  }
  return { action, visible, all };
}

describe.each([
  ['UNIMARTC2C', '2000933'],
  ['FAMIC2C', '2000933'],
  ['HILIFEC2C', '2000933'],
  ['OKMARTC2C', '2000933'],
  ['UNIMART', '2000132'],
  ['UNIMARTFREEZE', '2000132'],
  ['FAMI', '2000132'],
  ['HILIFE', '2000132'],
] as const)('%s map (account %s)', (subType, merchantId) => {
  it('lists at least 8 stores and answers the ServerReplyURL exactly as ECPay does', async () => {
    const page = await openMap(subType);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text).toContain('選擇取貨門市');
    const { action, visible } = storesOnPage(page.text);
    expect(visible.length).toBeGreaterThanOrEqual(8);

    const chosenId = visible[1] as string;
    const chosen = await postForm(new URL(action, sim.url).toString(), { CVSStoreID: chosenId });
    expect(chosen.status).toBe(200);
    const form = autoSubmitForm(chosen.text);
    expect(form.action).toBe(`${shop.url}/ecpay/map-reply?s=1`);
    const chain = subType.replace(/C2C|FREEZE/, '') as keyof typeof SIM_STORES;
    const store = SIM_STORES[chain].find((s) => s.id === chosenId);
    // Exactly §4's fields, in ECPay's order.
    expect(Object.keys(form.fields)).toEqual([
      'MerchantID',
      'MerchantTradeNo',
      'LogisticsSubType',
      'CVSStoreID',
      'CVSStoreName',
      'CVSAddress',
      'CVSTelephone',
      'CVSOutSide',
      'ExtraData',
    ]);
    expect(form.fields).toEqual({
      MerchantID: merchantId,
      MerchantTradeNo: 'MAP20250314A1',
      LogisticsSubType: subType,
      CVSStoreID: chosenId,
      CVSStoreName: store?.name,
      CVSAddress: store?.address,
      CVSTelephone: store?.tel,
      CVSOutSide: '0',
      ExtraData: 'ck-1',
    });

    // The buyer's browser posts it to the shop: form-urlencoded UTF-8, no CheckMacValue.
    const before = shop.posts.length;
    await postForm(form.action, form.fields);
    const [post] = (await shop.waitFor(before + 1)).slice(before);
    expect(post?.path).toBe('/ecpay/map-reply?s=1');
    expect(post?.contentType).toBe('application/x-www-form-urlencoded');
    expect(post?.fields).toEqual(form.fields);
    const parsed = parseMapReply(post?.fields ?? {}, { merchantId, subType });
    expect(parsed.ok && parsed.store).toMatchObject({ storeId: chosenId, storeName: store?.name, extraData: 'ck-1' });
  });
});

describe('map page', () => {
  it('filters by city without script (GET form) and marks the outlying-island store', async () => {
    const page = await openMap('FAMIC2C');
    const { action } = storesOnPage(page.text);
    const listUrl = new URL(action.replace(/\/choose$/, ''), sim.url);
    listUrl.searchParams.set('city', '澎湖縣');
    const res = await request(listUrl);
    const filtered = await res.body.text();
    const { visible, all } = storesOnPage(filtered);
    expect(visible).toEqual(['019375']);
    expect(all.length).toBe(9);
    expect(filtered).toContain('共 1 間門市');
    expect(filtered).toContain('<option value="澎湖縣" selected>');
    const chosen = await postForm(new URL(action, sim.url).toString(), { CVSStoreID: '019375' });
    expect(autoSubmitForm(chosen.text).fields.CVSOutSide).toBe('1');
  });

  it('serves the bundled font, no CDN', async () => {
    const page = await openMap('UNIMARTC2C');
    expect(page.text).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const css = await request(`${sim.url}/sim/fonts/400.css`);
    const cssText = await css.body.text();
    expect(css.statusCode).toBe(200);
    const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(cssText)?.[1];
    const font = await request(`${sim.url}/sim/fonts/files/${file}`);
    expect(font.statusCode).toBe(200);
    expect(font.headers['content-type']).toBe('font/woff2');
    await font.body.arrayBuffer();
    const outside = await request(`${sim.url}/sim/fonts/files/..%2F..%2Fpackage.json`);
    expect(outside.statusCode).toBe(404);
    await outside.body.text();
  });

  it('escapes ExtraData in the reply form', async () => {
    const form = {
      MerchantID: '2000933',
      LogisticsType: 'CVS',
      LogisticsSubType: 'FAMIC2C',
      IsCollection: 'N',
      ServerReplyURL: `${shop.url}/r`,
      ExtraData: '"><script>x</script>',
    };
    const page = await postForm(`${sim.url}/Express/map`, form);
    const { action } = storesOnPage(page.text);
    const chosen = await postForm(new URL(action, sim.url).toString(), { CVSStoreID: '006598' });
    expect(chosen.text).not.toContain('<script>x');
    expect(autoSubmitForm(chosen.text).fields.ExtraData).toBe('"><script>x</script>');
    expect(autoSubmitForm(chosen.text).fields.MerchantTradeNo).toBe('');
  });

  it.each([
    ['an unknown MerchantID', { MerchantID: '9999999' }],
    ['a B2C subtype on the C2C account', { LogisticsSubType: 'FAMI' }],
    ['HOME', { LogisticsType: 'HOME' }],
    ['no ServerReplyURL', { ServerReplyURL: '' }],
    ['a bad IsCollection', { IsCollection: 'X' }],
    ['ExtraData over 20', { ExtraData: 'x'.repeat(21) }],
  ])('refuses %s with a page', async (_l, change) => {
    const base = {
      MerchantID: '2000933',
      LogisticsType: 'CVS',
      LogisticsSubType: 'FAMIC2C',
      IsCollection: 'N',
      ServerReplyURL: `${shop.url}/r`,
    };
    const page = await postForm(`${sim.url}/Express/map`, { ...base, ...change });
    expect(page.status).toBe(400);
    expect(page.text).toContain('參數錯誤');
  });

  it('refuses an unknown store and an unknown session', async () => {
    const page = await openMap('OKMARTC2C');
    const { action } = storesOnPage(page.text);
    const bad = await postForm(new URL(action, sim.url).toString(), { CVSStoreID: '131386' });
    expect(bad.status).toBe(400);
    const gone = await postForm(`${sim.url}/Express/map/s/0000/choose`, { CVSStoreID: '1328' });
    expect(gone.status).toBe(410);
  });
});

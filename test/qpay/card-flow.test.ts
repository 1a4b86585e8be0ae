/** Card payments end to end over real HTTP: client → simulator → hosted page → shop callbacks → queries. */
import { QpayRefusedError, QpayValidationError } from '../../src/qpay';
import { type Harness, httpGet, parseForm, payWithCard, startHarness, startShopServer } from './helpers';

let h: Harness;
let shop: Awaited<ReturnType<typeof startShopServer>>;

beforeEach(async () => {
  h = await startHarness();
  shop = await startShopServer();
});
afterEach(async () => {
  await h.close();
  await shop.close();
});

function cardOrder(orderNo: string, extra: { autoBilling?: boolean; expMinutes?: number; amount?: number } = {}) {
  return h.client.orderCreate({
    payType: 'C',
    orderNo,
    amount: extra.amount ?? 1280,
    prdtName: '高山烏龍茶 150g',
    autoBilling: extra.autoBilling ?? true,
    expMinutes: extra.expMinutes,
    returnUrl: `${shop.url}/return`,
    backendUrl: `${shop.url}/notify`,
  });
}

test('card success: page, form post, notification, return form, pay query, order query', async () => {
  const created = await cardOrder('C20250115001');
  expect(created).toMatchObject({
    payType: 'C',
    orderNo: 'C20250115001',
    amount: 1280,
    description: 'S0000 – 處理成功',
  });
  expect(created.tsNo).toBe('DA000100000001');
  expect(created.raw.Amount).toBe(128000);
  expect(created.payType === 'C' && created.cardPayUrl).toContain(
    `${h.sim.url}/QPay.WebPaySite/Bridge/PayCard?TD=DA000100000001&TK=`,
  );
  if (created.payType !== 'C') throw new Error('card');

  const page = await httpGet(created.cardPayUrl);
  expect(page.status).toBe(200);
  expect(page.text).toContain('C20250115001');
  expect(page.text).toContain('NT$ 1,280');
  expect(page.text).toContain('name="CardNo"');

  const submitted = await payWithCard(created.cardPayUrl, '4000-2211-1111-1111');
  expect(submitted.status).toBe(200);
  const form = parseForm(submitted.text);
  expect(form.action).toBe(`${shop.url}/return`);
  expect(form.fields.ShopNo).toBe('DA0001_001');
  expect(form.fields.PayToken).toMatch(/^[0-9a-f]{64}$/);
  expect(submitted.text).toContain('.submit()');

  // The notification arrived at the shop's BackendURL before the browser was sent back.
  expect(shop.notifications()).toEqual([{ ShopNo: 'DA0001_001', PayToken: form.fields.PayToken }]);
  expect(shop.received[0]?.contentType).toContain('application/json');
  expect(h.sim.notifications()[0]).toMatchObject({ state: 'delivered' });

  const paid = await h.client.orderPayQuery(form.fields.PayToken as string);
  expect(paid.payment).toMatchObject({
    paid: true,
    status: 'S',
    orderNo: 'C20250115001',
    shopNo: 'DA0001_001',
    payType: 'C',
    amount: 1280,
    leftCcNo: '400022',
    rightCcNo: '1111',
    payDate: '202501151000',
    payDateMs: h.clock.now(),
  });
  expect((paid.raw.TSResultContent as Record<string, unknown>).Amount).toBe('128000');

  const query = await h.client.orderQuery({ orderNo: 'C20250115001' });
  expect(query.orders).toHaveLength(1);
  expect(query.orders[0]).toMatchObject({ payStatus: '1C400', amount: 1280, payType: 'C', tsDate: '202501151000' });

  // A used link cannot be paid again.
  const again = await httpGet(created.cardPayUrl);
  expect(again.status).toBe(409);
});

test.each([
  ['4000-2211-1111-2002', 'E1101 – 交易失敗，發卡行拒絕交易'],
  ['4000 2211 1111 3003', 'E1102 – 交易失敗，信用額度不足'],
])('card %s fails: the shop is told and the query says F', async (card, description) => {
  const created = await cardOrder('C20250115002');
  if (created.payType !== 'C') throw new Error('card');
  const submitted = await payWithCard(created.cardPayUrl, card);
  const form = parseForm(submitted.text);
  expect(form.fields.PayToken).toMatch(/^[0-9a-f]{64}$/);
  expect(shop.notifications()).toHaveLength(1);
  const result = await h.client.orderPayQuery(form.fields.PayToken as string);
  expect(result.payment).toMatchObject({ paid: false, status: 'F', description, rightCcNo: '' });
  const q = await h.client.orderQuery({ orderNo: 'C20250115002' });
  expect(q.orders[0]?.payStatus).toBe('1C500');
});

test('the card page refuses unknown cards, past expiry and a bad CVC without charging', async () => {
  const created = await cardOrder('C20250115003');
  if (created.payType !== 'C') throw new Error('card');
  expect((await payWithCard(created.cardPayUrl, '5555-5555-5555-4444')).status).toBe(422);
  expect((await payWithCard(created.cardPayUrl, '4000221111111111', '12/24')).status).toBe(422);
  expect((await payWithCard(created.cardPayUrl, '4000221111111111', '12/30', '12')).status).toBe(422);
  expect(h.sim.payments()).toHaveLength(0);
  expect(shop.received).toHaveLength(0);
});

test('an expired card link shows the expiry page and the order reads as overdue', async () => {
  const created = await cardOrder('C20250115004', { expMinutes: 1 });
  if (created.payType !== 'C') throw new Error('card');
  h.clock.advance(60_000);
  expect((await httpGet(created.cardPayUrl)).status).toBe(200);
  h.clock.advance(1_000);
  const page = await httpGet(created.cardPayUrl);
  expect(page.status).toBe(410);
  expect(page.text).toContain('付款連結已逾期');
  expect((await payWithCard(created.cardPayUrl, '4000221111111111')).status).toBe(410);
  const overdue = await h.client.orderQuery({ payFlag: 'O' });
  expect(overdue.orders.map((o) => [o.orderNo, o.payStatus])).toEqual([['C20250115004', '1C600']]);
});

test('refund: partial, then the rest, then nothing more', async () => {
  const created = await cardOrder('C20250115005', { amount: 1000 });
  if (created.payType !== 'C') throw new Error('card');
  await payWithCard(created.cardPayUrl, '4000221111111111');
  const partial = await h.client.orderMaintain({ orderNo: 'C20250115005', command: 'R', amount: 300 });
  expect(partial).toMatchObject({ command: 'R', amount: 300, tsNo: created.tsNo, description: 'S0000 – 處理成功' });
  expect(partial.raw.Amount).toBe(30000);
  let row = (await h.client.orderQuery({ orderNo: 'C20250115005' })).orders[0];
  expect(row).toMatchObject({ refundFlag: 'Y', refundStatus: 'P', refundAmount: 300, payStatus: '1C400' });
  const rest = await h.client.orderMaintain({ orderNo: 'C20250115005', command: 'R' });
  expect(rest.amount).toBe(700);
  row = (await h.client.orderQuery({ orderNo: 'C20250115005' })).orders[0];
  expect(row).toMatchObject({ refundStatus: 'A', refundAmount: 1000 });
  await expect(h.client.orderMaintain({ orderNo: 'C20250115005', command: 'R', amount: 1 })).rejects.toMatchObject({
    name: 'QpayRefusedError',
    code: 'E0405',
  });
});

test('authorize only, then capture; another authorization cancelled', async () => {
  const a = await cardOrder('C20250115006', { autoBilling: false });
  const b = await cardOrder('C20250115007', { autoBilling: false });
  if (a.payType !== 'C' || b.payType !== 'C') throw new Error('card');
  await payWithCard(a.cardPayUrl, '4000221111111111');
  await payWithCard(b.cardPayUrl, '4000221111111111');
  expect((await h.client.orderQuery({ orderNo: a.orderNo })).orders[0]?.payStatus).toBe('1C300');
  // Refunding what was never captured is refused; capturing works once.
  await expect(h.client.orderMaintain({ orderNo: a.orderNo, command: 'R' })).rejects.toBeInstanceOf(QpayRefusedError);
  expect(await h.client.orderMaintain({ orderNo: a.orderNo, command: 'P' })).toMatchObject({
    command: 'P',
    amount: 1280,
  });
  expect((await h.client.orderQuery({ orderNo: a.orderNo })).orders[0]?.payStatus).toBe('1C400');
  await expect(h.client.orderMaintain({ orderNo: a.orderNo, command: 'P' })).rejects.toMatchObject({ code: 'E0403' });

  expect(await h.client.orderMaintain({ orderNo: b.orderNo, command: 'C' })).toMatchObject({ command: 'C' });
  expect((await h.client.orderQuery({ orderNo: b.orderNo })).orders[0]?.payStatus).toBe('1C700');
  await expect(h.client.orderMaintain({ orderNo: b.orderNo, command: 'P' })).rejects.toMatchObject({ code: 'E0402' });
});

test('duplicate OrderNo is refused by the bank; bad fields never leave the client', async () => {
  await cardOrder('C20250115008');
  const dup = await cardOrder('C20250115008').catch((e: unknown) => e);
  expect(dup).toBeInstanceOf(QpayRefusedError);
  expect(dup).toMatchObject({ code: 'E0102', text: '訂單編號重複', retryable: false });

  const bad: Array<[string, Promise<unknown>]> = [
    ['orderNo', cardOrder("C'1")],
    ['orderNo', cardOrder('X'.repeat(51))],
    ['amount', cardOrder('C1', { amount: 0 })],
    ['amount', cardOrder('C1', { amount: 12.5 })],
    ['expMinutes', cardOrder('C1', { expMinutes: 31 })],
    ['expMinutes', cardOrder('C1', { expMinutes: 0 })],
    [
      'prdtName',
      h.client.orderCreate({ payType: 'C', orderNo: 'C1', amount: 1, prdtName: '茶'.repeat(61), autoBilling: true }),
    ],
    [
      'memo',
      h.client.orderCreate({
        payType: 'C',
        orderNo: 'C1',
        amount: 1,
        prdtName: 'x',
        memo: 'm'.repeat(31),
        autoBilling: true,
      }),
    ],
    [
      'returnUrl',
      h.client.orderCreate({
        payType: 'C',
        orderNo: 'C1',
        amount: 1,
        prdtName: 'x',
        returnUrl: `https://a.tw/${'r'.repeat(250)}`,
        autoBilling: true,
      }),
    ],
    [
      'backendUrl',
      h.client.orderCreate({
        payType: 'C',
        orderNo: 'C1',
        amount: 1,
        prdtName: 'x',
        backendUrl: 'ftp://a.tw/',
        autoBilling: true,
      }),
    ],
    [
      'expireDate',
      h.client.orderCreate({ payType: 'A', orderNo: 'A1', amount: 1, prdtName: 'x', expireDate: '20250231' }),
    ],
    ['payToken', h.client.orderPayQuery('not-a-token')],
    ['query', h.client.orderQuery({})],
  ];
  for (const [field, promise] of bad) {
    const err = await promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QpayValidationError);
    expect(err).toMatchObject({ field });
  }
  expect(h.sim.orders()).toHaveLength(1);
});

test('an unknown PayToken is refused by the bank', async () => {
  await expect(h.client.orderPayQuery('a'.repeat(64))).rejects.toMatchObject({ code: 'E0301', retryable: false });
});

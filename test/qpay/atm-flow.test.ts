/** ATM orders, notification retries, admin endpoints and the state file — time moved by the fake clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { type Harness, httpGet, startHarness, startShopServer } from './helpers';

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

function atmOrder(orderNo: string, expireDate = '20250117') {
  return h.client.orderCreate({
    payType: 'A',
    orderNo,
    amount: 500,
    prdtName: '虛擬帳號訂單',
    expireDate,
    backendUrl: `${shop.url}/notify`,
  });
}

test('ATM order: account number, paid automatically after 5 minutes, notified, queryable', async () => {
  const created = await atmOrder('A20250115001');
  if (created.payType !== 'A') throw new Error('atm');
  expect(created.atmPayNo).toMatch(/^99922530\d{6}$/);
  expect(created.webAtmUrl).toContain('/QPay.WebPaySite/Bridge/PayWebATM?TD=');
  expect(created.raw).toMatchObject({ Amount: 50000, Status: 'S', PayType: 'A' });

  h.clock.advance(5 * 60_000 - 1);
  expect((await h.sim.runDueJobs()).paid).toEqual([]);
  expect(shop.received).toHaveLength(0);
  h.clock.advance(1);
  expect((await h.sim.runDueJobs()).paid).toEqual(['A20250115001']);

  const [note] = shop.notifications();
  expect(note?.ShopNo).toBe('DA0001_001');
  const paid = await h.client.orderPayQuery(note?.PayToken as string);
  expect(paid.payment).toMatchObject({
    paid: true,
    payType: 'A',
    amount: 500,
    orderNo: 'A20250115001',
    payDate: '202501151005',
  });
  const row = (await h.client.orderQuery({ orderNo: 'A20250115001' })).orders[0];
  expect(row).toMatchObject({ payStatus: '1A400', expireDate: '20250117', amount: 500 });
  expect(row?.atm).toMatchObject({ AtmPayNo: created.atmPayNo, BankNo: '807' });

  const byPayTime = await h.client.orderQuery({
    payDateTimeStart: h.clock.now() - 60_000,
    payDateTimeEnd: h.clock.now(),
  });
  expect(byPayTime.orders.map((o) => o.orderNo)).toEqual(['A20250115001']);
});

test('an OrderNo ending in 9 stays unpaid, then expires after 23:59 of its ExpireDate', async () => {
  await atmOrder('A20250115009', '20250115');
  h.clock.advance(60 * 60_000);
  expect((await h.sim.runDueJobs()).paid).toEqual([]);
  expect((await h.client.orderQuery({ payFlag: 'N' })).orders.map((o) => o.payStatus)).toEqual(['1A200']);
  // 2025-01-15 23:59:59 Taiwan is still payable; midnight is not.
  h.clock.advance(Date.UTC(2025, 0, 15, 16, 0) - 1 - h.clock.now());
  expect((await h.sim.runDueJobs()).expired).toEqual([]);
  h.clock.advance(1);
  expect((await h.sim.runDueJobs()).expired).toEqual(['A20250115009']);
  expect((await h.client.orderQuery({ orderNo: 'A20250115009' })).orders[0]?.payStatus).toBe('1A600');
  expect(shop.received).toHaveLength(0);
});

test('an ATM ExpireDate in the past is refused', async () => {
  await expect(atmOrder('A20250115010', '20250114')).rejects.toMatchObject({ code: 'E0101' });
});

test('notifications are retried every 10 minutes, 5 times, until {"Status":"S"}', async () => {
  shop.answers.push({ status: 500, body: 'oops' }, { status: 200, body: '{"Status":"F"}' });
  await atmOrder('A20250115011');
  h.clock.advance(5 * 60_000);
  await h.sim.runDueJobs();
  const [n] = h.sim.notifications();
  expect(n).toMatchObject({ state: 'pending', nextAttemptAt: h.clock.now() + 600_000 });
  h.clock.advance(599_999);
  expect((await h.sim.runDueJobs()).notificationsAttempted).toBe(0);
  h.clock.advance(1);
  await h.sim.runDueJobs();
  expect(n?.attempts.map((a) => a.ok)).toEqual([false, false]);
  h.clock.advance(600_000);
  await h.sim.runDueJobs();
  expect(n).toMatchObject({ state: 'delivered' });
  expect(shop.notifications()).toHaveLength(3);
});

test('a shop that never answers S gets 1 + 5 attempts, then the simulator gives up', async () => {
  for (let i = 0; i < 10; i++) shop.answers.push({ status: 503, body: '' });
  await atmOrder('A20250115012');
  h.clock.advance(5 * 60_000);
  await h.sim.runDueJobs();
  for (let i = 0; i < 6; i++) {
    h.clock.advance(600_000);
    await h.sim.runDueJobs();
  }
  expect(h.sim.notifications()[0]).toMatchObject({ state: 'gave_up' });
  expect(shop.received).toHaveLength(6);
});

test('admin endpoints: list, pay now, fail now, expire now, tick, HTML page', async () => {
  await atmOrder('A20250115013');
  await atmOrder('A20250115014');
  await atmOrder('A20250115015');
  const post = async (path: string) => {
    const res = await request(`${h.sim.url}${path}`, { method: 'POST', reset: true });
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
  };
  expect((await post('/sim/orders/A20250115013/pay')).json).toMatchObject({
    ok: true,
    order: { state: 'paid', payStatus: '1A400' },
  });
  expect((await post('/sim/orders/A20250115014/fail')).json).toMatchObject({ order: { state: 'failed' } });
  expect((await post('/sim/orders/A20250115015/expire')).json).toMatchObject({
    order: { state: 'expired', payStatus: '1A600' },
  });
  expect((await post('/sim/orders/A20250115015/pay')).status).toBe(409);
  expect((await post('/sim/orders/NOPE/pay')).status).toBe(404);
  expect((await post('/sim/tick')).json).toEqual({ paid: [], expired: [], notificationsAttempted: 0 });

  const orders = JSON.parse((await httpGet(`${h.sim.url}/sim/orders`)).text) as Array<{
    orderNo: string;
    amountTwd: number;
  }>;
  expect(orders.map((o) => [o.orderNo, o.amountTwd])).toEqual([
    ['A20250115013', 500],
    ['A20250115014', 500],
    ['A20250115015', 500],
  ]);
  expect(JSON.parse((await httpGet(`${h.sim.url}/sim/notifications`)).text)).toHaveLength(2);
  expect(JSON.parse((await httpGet(`${h.sim.url}/sim/payments`)).text)).toHaveLength(2);
  const page = await httpGet(`${h.sim.url}/sim`);
  expect(page.text).toContain('A20250115013');
  expect(page.text).toContain('QPay 銀行模擬器');
});

test('the WebATM page pays an ATM order', async () => {
  const created = await atmOrder('A20250115016');
  if (created.payType !== 'A' || !created.webAtmUrl) throw new Error('atm');
  const page = await httpGet(created.webAtmUrl);
  expect(page.text).toContain(created.atmPayNo);
  const u = new URL(created.webAtmUrl);
  const res = await request(`${u.origin}${u.pathname}`, {
    method: 'POST',
    reset: true,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: u.searchParams.toString(),
  });
  expect(res.statusCode).toBe(200);
  await res.body.dump();
  expect(h.sim.order('A20250115016')?.state).toBe('paid');
  expect(shop.notifications()).toHaveLength(1);
});

test('with a state file, a restarted simulator remembers orders and keeps numbering', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bank-sim-'));
  const stateFile = join(dir, 'bank.json');
  try {
    const first = await startHarness({ stateFile });
    await first.client.orderCreate({ payType: 'A', orderNo: 'P1', amount: 10, prdtName: 'x', expireDate: '20250120' });
    await first.close();
    const second = await startHarness({ stateFile });
    try {
      expect((await second.client.orderQuery({ orderNo: 'P1' })).orders[0]).toMatchObject({
        amount: 10,
        tsNo: 'DA000100000001',
      });
      const next = await second.client.orderCreate({
        payType: 'A',
        orderNo: 'P2',
        amount: 10,
        prdtName: 'x',
        expireDate: '20250120',
      });
      expect(next.tsNo).toBe('DA000100000002');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Longer than 400 lines: one table-like walk through every shipment path of the simulator.
 *
 * Shipments in the simulator over real HTTP with the real client: Create (refusals and success),
 * status notifications driven by admin triggers and by the schedule, verified with the library's
 * CheckMacValue verifier, retries until `1|OK`, Query.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import {
  type CreateCvsShipment,
  createEcpayLogisticsClient,
  EcpayNetworkError,
  EcpayRefusedError,
  parseStatusNotification,
  sign,
} from '../../src/ecpay';
import { silentLogger } from '../../src/logger';
import { type LogisticsSimulator, startLogisticsSimulator } from '../../src/sandbox/logistics';
import { B2C, C2C, type ReceivedPost, type ReplyServer, startReplyServer } from './helpers';

const T0 = Date.UTC(2025, 2, 14, 1, 0, 0);
let clock = T0;
let sim: LogisticsSimulator;
let shop: ReplyServer;

beforeAll(async () => {
  sim = await startLogisticsSimulator({
    tickIntervalMs: 0,
    stepDelayMs: 0,
    now: () => clock,
    notificationRetryDelaysMs: [60_000, 60_000],
    logger: silentLogger,
  });
  shop = await startReplyServer();
});
afterAll(async () => {
  await sim.close();
  await shop.close();
});
beforeEach(() => {
  shop.answer = { status: 200, body: '1|OK' };
});

const client = () => createEcpayLogisticsClient({ baseUrl: sim.url, ...C2C }, { now: () => clock });
let seq = 0;
function shipment(change: Partial<CreateCvsShipment> = {}): CreateCvsShipment {
  seq++;
  return {
    logisticsType: 'CVS',
    subType: 'UNIMARTC2C',
    merchantTradeNo: `LS${T0}${seq}`,
    goodsAmount: 1280,
    goodsName: '手工 餅乾 禮盒',
    senderName: '王小明',
    senderCellPhone: '0987654321',
    receiverName: '陳美麗',
    receiverCellPhone: '0912345678',
    serverReplyUrl: `${shop.url}/ecpay/status`,
    c2cReplyUrl: `${shop.url}/ecpay/c2c`,
    receiverStoreId: '131386',
    ...change,
  } as CreateCvsShipment;
}

/** The notifications the shop got for one shipment, verified; their status codes in arrival order. */
function codesFor(id: string, posts: ReceivedPost[]): string[] {
  return posts
    .filter((p) => p.fields.AllPayLogisticsID === id)
    .map((p) => {
      const result = parseStatusNotification({ baseUrl: sim.url, ...C2C }, p.fields);
      if (!result.ok) throw new Error(`notification failed verification: ${result.reason}`);
      return result.status.rtnCode;
    });
}

async function trigger(id: string, action: string) {
  const res = await request(`${sim.url}/sim/shipments/${id}/${action}`, { method: 'POST' });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function postSigned(fields: Record<string, string>, keys = C2C) {
  const res = await request(`${sim.url}/Express/Create`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(sign(fields, { hashKey: keys.hashKey, hashIv: keys.hashIv })).toString(),
  });
  return res.body.text();
}

describe('Express/Create', () => {
  it('creates a 7-ELEVEN C2C shipment: verified 1|… reply with drop-off codes, then the 300 notification', async () => {
    const c = client();
    // `+`, `'`, `~`, spaces and Chinese must survive form encoding both ways and still verify.
    const req = shipment({ receiverEmail: 'buyer+tw@example.com', remark: "Tom's gift ~ 請輕放 (易碎)" });
    const created = await c.createShipment(req);
    expect(created.fields.ReceiverEmail).toBe('buyer+tw@example.com');
    await c.close();
    expect(created).toMatchObject({
      merchantTradeNo: req.merchantTradeNo,
      rtnCode: '300',
      rtnMsg: '訂單處理中(已收到訂單資料)',
      meaning: 'created',
      goodsAmount: 1280,
      subType: 'UNIMARTC2C',
      updateStatusDate: '2025/03/14 09:00:00',
    });
    expect(created.allPayLogisticsId).toMatch(/^\d+$/);
    expect(created.cvsPaymentNo).toMatch(/^C\d{7}$/);
    expect(created.cvsValidationNo).toMatch(/^\d{4}$/);
    // The reply carries exactly the fields of ECPay's real stage replies.
    expect(Object.keys(created.fields).sort()).toEqual(
      [
        'AllPayLogisticsID',
        'BookingNote',
        'CheckMacValue',
        'CVSPaymentNo',
        'CVSValidationNo',
        'GoodsAmount',
        'LogisticsSubType',
        'LogisticsType',
        'MerchantID',
        'MerchantTradeNo',
        'ReceiverAddress',
        'ReceiverCellPhone',
        'ReceiverEmail',
        'ReceiverName',
        'ReceiverPhone',
        'RtnCode',
        'RtnMsg',
        'UpdateStatusDate',
      ].sort(),
    );

    const before = shop.posts.length;
    await sim.runDueJobs();
    const posts = await shop.waitFor(before + 1);
    expect(codesFor(created.allPayLogisticsId, posts)).toEqual(['300']);
    const post = posts.at(-1) as ReceivedPost;
    expect(post.path).toBe('/ecpay/status');
    expect(Object.keys(post.fields)).toEqual([
      'MerchantID',
      'MerchantTradeNo',
      'RtnCode',
      'RtnMsg',
      'AllPayLogisticsID',
      'LogisticsType',
      'LogisticsSubType',
      'GoodsAmount',
      'UpdateStatusDate',
      'ReceiverName',
      'ReceiverPhone',
      'ReceiverCellPhone',
      'ReceiverEmail',
      'ReceiverAddress',
      'CVSPaymentNo',
      'CVSValidationNo',
      'BookingNote',
      'CheckMacValue',
    ]);
    expect(sim.notifications().at(-1)?.state).toBe('delivered');
  });

  it('refuses a reused MerchantTradeNo with ECPay-style 0|message (typed, not retryable)', async () => {
    const c = client();
    const req = shipment({ subType: 'FAMIC2C', receiverStoreId: '006598' });
    const first = await c.createShipment(req);
    expect(first.cvsPaymentNo).toMatch(/^\d{11}$/);
    await expect(c.createShipment(req)).rejects.toMatchObject({
      name: 'EcpayRefusedError',
      code: '10500002',
      retryable: false,
    });
    await c.close();
  });

  const valid = {
    MerchantID: '2000933',
    MerchantTradeNo: 'RAW1',
    MerchantTradeDate: '2025/03/14 09:00:00',
    LogisticsType: 'CVS',
    LogisticsSubType: 'FAMIC2C',
    GoodsAmount: '500',
    IsCollection: 'N',
    GoodsName: '茶葉',
    SenderName: '王小明',
    SenderCellPhone: '0987654321',
    ReceiverName: '陳美麗',
    ReceiverCellPhone: '0912345678',
    ServerReplyURL: 'http://127.0.0.1:1/x',
    ReceiverStoreID: '006598',
  };

  it('accepts the raw valid form (the base of the refusals below)', async () => {
    expect(await postSigned({ ...valid, MerchantTradeNo: 'RAWOK1' })).toMatch(/^1\|AllPayLogisticsID=\d+&/);
  });

  it.each([
    ['GoodsAmount 0', { GoodsAmount: '0' }, '10500040'],
    ['GoodsAmount 20001', { GoodsAmount: '20001' }, '10500040'],
    ['GoodsAmount 20000 at 7-ELEVEN', { LogisticsSubType: 'UNIMARTC2C', GoodsAmount: '20000' }, '10500040'],
    ['a one-character receiver', { ReceiverName: '陳' }, '10500036'],
    ['a receiver with digits', { ReceiverName: 'Mark2' }, '10500036'],
    ['a sender with a space', { SenderName: 'Steve Jones' }, '10500035'],
    ['a receiver cell phone not 09…', { ReceiverCellPhone: '0212345678' }, '10500043'],
    ['7-ELEVEN without goods name', { LogisticsSubType: 'UNIMARTC2C', GoodsName: '' }, '10500038'],
    ['an unknown store', { ReceiverStoreID: '999999' }, '10500042'],
    ['a 7-ELEVEN store for FamilyMart', { ReceiverStoreID: '131386' }, '10500042'],
    ['a B2C subtype on the C2C account', { LogisticsSubType: 'FAMI' }, '10500004'],
    ['a bad trade date', { MerchantTradeDate: '2025-03-14 09:00:00' }, '10500001'],
    ['an unknown merchant', { MerchantID: '2000934' }, '10400001'],
  ])('refuses %s', async (_l, change, code) => {
    const text = await postSigned({ ...valid, ...change });
    expect(text).toMatch(/^0\|/);
    expect(text).toContain(code);
  });

  it('refuses a wrong CheckMacValue and keys of the other account', async () => {
    expect(await postSigned(valid, B2C)).toMatch(/^0\|CheckMacValue/);
    const res = await request(`${sim.url}/Express/Create`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...valid, CheckMacValue: 'A'.repeat(32) }).toString(),
    });
    expect(await res.body.text()).toMatch(/^0\|CheckMacValue/);
  });

  it('says no shipment was made after a refusal (Query by MerchantTradeNo)', async () => {
    await postSigned({ ...valid, MerchantTradeNo: 'RAWBAD1', GoodsAmount: '0' });
    const c = client();
    await expect(c.queryTradeInfo({ merchantTradeNo: 'RAWBAD1' })).rejects.toBeInstanceOf(EcpayRefusedError);
    await c.close();
  });
});

describe('status notifications', () => {
  async function create(change: Partial<CreateCvsShipment> = {}) {
    const c = client();
    const created = await c.createShipment(shipment(change));
    await c.close();
    const before = shop.posts.length;
    await sim.runDueJobs();
    await shop.waitFor(before + 1);
    return created.allPayLogisticsId;
  }

  it('7-ELEVEN C2C: arrive now → 2068, 2030, 2073; pick up now → 2067; then nothing more', async () => {
    const id = await create();
    const arrived = await trigger(id, 'arrive');
    expect(arrived.status).toBe(200);
    const pickedUp = await trigger(id, 'pickup');
    expect(pickedUp.status).toBe(200);
    expect(codesFor(id, shop.posts)).toEqual(['300', '2068', '2030', '2073', '2067']);
    expect(sim.shipment(id)?.stage).toBe('picked_up');
    expect((await trigger(id, 'return')).status).toBe(409);
    expect((await trigger(id, 'arrive')).status).toBe(409);
  });

  it('FamilyMart C2C: return now → 3032, 3024, 3018, 3020, 3019', async () => {
    const id = await create({ subType: 'FAMIC2C', receiverStoreId: '006598' });
    expect((await trigger(id, 'return')).status).toBe(200);
    expect(codesFor(id, shop.posts)).toEqual(['300', '3032', '3024', '3018', '3020', '3019']);
    expect((await trigger(id, 'pickup')).status).toBe(409);
  });

  it('OK mart and Hi-Life C2C walk their own codes', async () => {
    const ok = await create({ subType: 'OKMARTC2C', receiverStoreId: '1328' });
    await trigger(ok, 'pickup');
    expect(codesFor(ok, shop.posts)).toEqual(['300', '3032', '2030', '2073', '3022']);
    const hilife = await create({ subType: 'HILIFEC2C', receiverStoreId: 'F227' });
    await trigger(hilife, 'send');
    expect(codesFor(hilife, shop.posts)).toEqual(['300', '3032']);
  });

  it('a trigger first sends the still-due 300, so the shop sees the statuses in order; the admin page offers only valid triggers', async () => {
    const c = client();
    const created = await c.createShipment(shipment({ subType: 'FAMIC2C', receiverStoreId: '006598' }));
    await c.close();
    const id = created.allPayLogisticsId;
    await trigger(id, 'arrive');
    expect(codesFor(id, shop.posts)).toEqual(['300', '3032', '3024', '3018']);
    const res = await request(`${sim.url}/sim`);
    const page = await res.body.text();
    const row = page.split('<tr>').find((r) => r.includes(`<td>${id}</td>`)) ?? '';
    expect(row).toContain(`/sim/shipments/${id}/pickup`);
    expect(row).toContain(`/sim/shipments/${id}/return`);
    expect(row).not.toContain(`/sim/shipments/${id}/arrive`);
    expect(row).not.toContain('陳美麗');
  });

  it('unknown shipment → 404; unknown action → 404', async () => {
    expect((await trigger('1', 'arrive')).status).toBe(404);
    const id = await create();
    expect((await trigger(id, 'explode')).status).toBe(404);
  });

  it('re-sends until the shop answers exactly 1|OK', async () => {
    const id = await create();
    shop.answer = { status: 200, body: 'OK' };
    await trigger(id, 'send');
    const n = sim.notifications().at(-1);
    expect(n?.fields.RtnCode).toBe('2068');
    expect(n?.state).toBe('pending');
    expect(n?.nextAttemptAt).toBe(clock + 60_000);
    shop.answer = { status: 200, body: '1|OK' };
    // Not due yet: nothing is sent.
    const before = shop.posts.length;
    await sim.runDueJobs();
    expect(shop.posts.length).toBe(before);
    clock += 60_000;
    await sim.runDueJobs();
    expect(n?.state).toBe('delivered');
    expect(n?.attempts.map((a) => a.ok)).toEqual([false, true]);
    expect(codesFor(id, shop.posts)).toEqual(['300', '2068', '2068']);
  });

  it('gives up after the retries, and can re-send a notification on demand (duplicates for idempotency tests)', async () => {
    const id = await create();
    shop.answer = { status: 500, body: '' };
    await trigger(id, 'send');
    const n = sim.notifications().at(-1);
    clock += 60_000;
    await sim.runDueJobs();
    clock += 60_000;
    await sim.runDueJobs();
    expect(n?.state).toBe('failed');
    expect(n?.attempts).toHaveLength(3);
    shop.answer = { status: 200, body: '1|OK' };
    const res = await request(`${sim.url}/sim/notifications/${n?.id}/resend`, { method: 'POST' });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    expect(sim.notifications().at(-1)).toMatchObject({ state: 'delivered', fields: n?.fields });
  });
});

describe('the schedule', () => {
  it('moves a parcel on by itself, one step per delay, and Query reports it', async () => {
    let t = T0;
    const own = await startLogisticsSimulator({
      tickIntervalMs: 0,
      stepDelayMs: 60_000,
      now: () => t,
      logger: silentLogger,
    });
    try {
      const c = createEcpayLogisticsClient({ baseUrl: own.url, ...C2C }, { now: () => t });
      // Two simulators number their shipments alike: look only at what this one sent.
      const before = shop.posts.length;
      const created = await c.createShipment(shipment({ subType: 'FAMIC2C', receiverStoreId: '006598' }));
      const id = created.allPayLogisticsId;
      await own.runDueJobs();
      for (const expected of ['3032', '3024', '3018', '3022']) {
        await own.runDueJobs();
        expect(own.shipment(id)?.history.at(-1)?.code).not.toBe(expected);
        t += 60_000;
        await own.runDueJobs();
        expect(own.shipment(id)?.history.at(-1)?.code).toBe(expected);
      }
      t += 600_000;
      expect((await own.runDueJobs()).steps).toBe(0);
      expect(codesFor(id, shop.posts.slice(before))).toEqual(['300', '3032', '3024', '3018', '3022']);

      const info = await c.queryTradeInfo({ allPayLogisticsId: id });
      expect(info).toMatchObject({
        logisticsStatus: '3022',
        meaning: 'picked_up',
        subType: 'FAMIC2C',
        goodsAmount: 1280,
      });
      const byTradeNo = await c.queryTradeInfo({ merchantTradeNo: created.merchantTradeNo });
      expect(byTradeNo.allPayLogisticsId).toBe(id);
      await expect(c.queryTradeInfo({ allPayLogisticsId: '1' })).rejects.toBeInstanceOf(EcpayRefusedError);
      // A TimeStamp older than 3 minutes is refused.
      const stale = createEcpayLogisticsClient({ baseUrl: own.url, ...C2C }, { now: () => t - 181_000 });
      await expect(stale.queryTradeInfo({ allPayLogisticsId: id })).rejects.toMatchObject({ code: '10400003' });
      await stale.close();
      await c.close();
    } finally {
      await own.close();
    }
  });
});

describe('client network errors', () => {
  it('a refused connection certainly did not reach ECPay', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const c = createEcpayLogisticsClient({ baseUrl: `http://127.0.0.1:${port}`, ...C2C });
    const err = await c.createShipment(shipment()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EcpayNetworkError);
    expect(err).toMatchObject({ mayHaveReachedEcpay: false, retryable: true });
    await c.close();
  });

  it('a Create that timed out may have reached ECPay and is not retryable', async () => {
    const hang = createServer(() => {});
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const { port } = hang.address() as AddressInfo;
    const c = createEcpayLogisticsClient({ baseUrl: `http://127.0.0.1:${port}`, ...C2C }, { headersTimeoutMs: 100 });
    const err = await c.createShipment(shipment()).catch((e: unknown) => e);
    expect(err).toMatchObject({
      name: 'EcpayNetworkError',
      mayHaveReachedEcpay: true,
      timedOut: true,
      retryable: false,
    });
    await c.close();
    hang.closeAllConnections();
    await new Promise<void>((r) => hang.close(() => r()));
  });
});

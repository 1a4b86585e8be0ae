/** Tampering is rejected on both sides; the simulator verifies with the same crypto as the client. */
import { request } from 'undici';
import { createQpayClient, QpayHttpError, QpayVerificationError } from '../../src/qpay';
import { buildSignString, computeHashId, openMessage, sealMessage } from '../../src/qpay/crypto';
import { startBankSimulator } from '../../src/sandbox/bank';
import { recordingLogger } from '../support/recording-logger';
import { fakeClock, type Harness, startHarness } from './helpers';
import { loadVectors } from './vectors';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const { credentials } = { credentials: { shopNo: 'DA0001_001' } };

async function post(path: string, body: unknown, keyId = h.sim.credentials.keyId) {
  const res = await request(`${h.sim.baseUrl}${path}`, {
    method: 'POST',
    reset: true,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-keyid': keyId },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

async function nonce(): Promise<string> {
  return (await post('Nonce', { ShopNo: credentials.shopNo })).json.Nonce as string;
}

function envelope(n: string, message: Record<string, unknown>, service = 'OrderQuery') {
  const sealed = sealMessage(message, n, computeHashId(h.sim.credentials));
  return {
    Version: '1.0.0',
    ShopNo: credentials.shopNo,
    APIService: service,
    Sign: sealed.sign,
    Nonce: n,
    Message: sealed.message,
  };
}

const query = { ShopNo: 'DA0001_001', OrderNo: 'X1' };

test('nonces look like the bank’s: 108 chars of base64 over "<.NET ms, Taiwan>:<64 hex>"', async () => {
  const n = await nonce();
  expect(n).toHaveLength(108);
  const text = Buffer.from(n, 'base64').toString('ascii');
  const m = /^(\d{14}\.\d):([0-9a-f]{64})$/.exec(text);
  expect(m).not.toBeNull();
  // ms since 0001-01-01 in Taiwan local time
  expect(Math.floor(Number(m?.[1]))).toBe(h.clock.now() + 62_135_596_800_000 + 8 * 3_600_000);
});

test('a well-formed request is answered with a new nonce and a valid Sign', async () => {
  const n = await nonce();
  const res = await post('Order', envelope(n, query));
  expect(res.status).toBe(200);
  expect(res.json.Nonce).not.toBe(n);
  const opened = openMessage(
    res.json.Message as string,
    res.json.Sign as string,
    res.json.Nonce as string,
    computeHashId(h.sim.credentials),
  );
  expect(opened).toMatchObject({ ok: true, message: { Status: 'S', OrderList: [] } });
});

test('simulator refuses a flipped Sign byte, an altered Message, a replayed/unknown/expired nonce and a wrong X-KeyID', async () => {
  const good = envelope(await nonce(), query);
  const flipped = { ...good, Sign: (good.Sign[0] === 'A' ? 'B' : 'A') + good.Sign.slice(1) };
  expect((await post('Order', flipped)).status).toBe(400);

  const altered = envelope(await nonce(), query);
  const lastByte = altered.Message.slice(-2) === '00' ? '01' : '00';
  expect((await post('Order', { ...altered, Message: altered.Message.slice(0, -2) + lastByte })).status).toBe(400);

  const once = envelope(await nonce(), query);
  expect((await post('Order', once)).status).toBe(200);
  expect((await post('Order', once)).status).toBe(400);

  const unknown = envelope(Buffer.from(`63871234567890.1:${'ab'.repeat(32)}`).toString('base64'), query);
  expect((await post('Order', unknown)).status).toBe(400);

  const stale = envelope(await nonce(), query);
  h.clock.advance(60_001);
  expect((await post('Order', stale)).status).toBe(400);

  expect((await post('Nonce', { ShopNo: 'DA0001_001' }, 'not-our-key')).status).toBe(401);
  const wrongKey = await post('Order', envelope(await nonce(), query), 'not-our-key');
  expect(wrongKey).toEqual({ status: 401, json: { Status: 'F', Description: 'E9001 – X-KeyID 驗證失敗' } });

  const reasons = h.logger
    .lines()
    .filter((l) => l.startsWith('warn refused'))
    .map((l) => l.split(' ')[2]);
  expect(reasons).toEqual([
    'bad-sign',
    'undecryptable',
    'reused-nonce',
    'unknown-nonce',
    'expired-nonce',
    'bad-key-id',
    'bad-key-id',
  ]);
  // The log never carries the keys or the HashID.
  const hashId = computeHashId(h.sim.credentials);
  for (const line of h.logger.lines()) {
    expect(line).not.toContain(hashId);
    expect(line).not.toContain(h.sim.credentials.a1);
  }
});

test('simulator answers E0602 for a card PayTypeSub other than ONE, and checks ExpMinutes', async () => {
  const base = {
    ShopNo: 'DA0001_001',
    OrderNo: 'S1',
    Amount: 10000,
    CurrencyID: 'TWD',
    PayType: 'C',
    PrdtName: 'x',
  };
  for (const [card, description] of [
    [{ AutoBilling: 'Y', PayTypeSub: 'INSTALLMENT' }, 'E0602 – 收款方式未啟用'],
    [{ AutoBilling: 'Y', ExpMinutes: 31 }, 'E0101 – 欄位格式錯誤：CardParam.ExpMinutes'],
    [{ AutoBilling: 'Y', ExpMinutes: 0 }, 'E0101 – 欄位格式錯誤：CardParam.ExpMinutes'],
  ] as const) {
    const res = await post('Order', envelope(await nonce(), { ...base, CardParam: card }, 'OrderCreate'));
    const opened = openMessage(
      res.json.Message as string,
      res.json.Sign as string,
      res.json.Nonce as string,
      computeHashId(h.sim.credentials),
    );
    expect(opened).toMatchObject({ ok: true, message: { Status: 'F', Description: description } });
    expect(description).toContain('\u2013');
  }
});

test.each(['sign', 'message', 'nonce', 'shop', 'service'] as const)(
  'client rejects a tampered answer (%s) as a QpayVerificationError',
  async (kind) => {
    h.sim.tamperNextResponse(kind);
    const err = await h.client.orderQuery({ orderNo: 'X1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QpayVerificationError);
    expect(err).toMatchObject({ retryable: true });
    // An OrderCreate that fails verification may have been processed: not retryable.
    h.sim.tamperNextResponse(kind);
    const create = await h.client
      .orderCreate({ payType: 'A', orderNo: `T${kind}`, amount: 1, prdtName: 'x', expireDate: '20250120' })
      .catch((e: unknown) => e);
    expect(create).toBeInstanceOf(QpayVerificationError);
    expect(create).toMatchObject({ retryable: false });
  },
);

test('client with a wrong X-KeyID gets an HTTP error from the Nonce call', async () => {
  const client = createQpayClient({ baseUrl: h.sim.baseUrl, ...h.sim.credentials, keyId: 'wrong' });
  try {
    const err = await client.orderQuery({ orderNo: 'X' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QpayHttpError);
    expect(err).toMatchObject({ status: 401, stage: 'nonce', retryable: true });
  } finally {
    await client.close();
  }
});

test('client with wrong hash keys is refused by the simulator (bad Sign)', async () => {
  const client = createQpayClient({ baseUrl: h.sim.baseUrl, ...h.sim.credentials, a1: '0000000000000000' });
  try {
    await expect(client.orderQuery({ orderNo: 'X' })).rejects.toMatchObject({ status: 400, stage: 'order' });
    expect(
      h.logger
        .lines()
        .some((l) => l.startsWith('warn refused: undecryptable') || l.startsWith('warn refused: bad-sign')),
    ).toBe(true);
  } finally {
    await client.close();
  }
});

test('the simulator accepts the spec’s card vector message sealed with a nonce it minted (same crypto both sides)', async () => {
  const v = loadVectors()[1];
  if (!v) throw new Error('vector');
  const creds = {
    shopNo: 'NA0001_001',
    a1: v.hashKeys.A1,
    a2: v.hashKeys.A2,
    b1: v.hashKeys.B1,
    b2: v.hashKeys.B2,
    keyId: 'k',
  };
  const clock = fakeClock(Date.UTC(2018, 6, 11, 3, 19));
  const sim = await startBankSimulator({
    credentials: creds,
    now: clock.now,
    logger: recordingLogger(),
    tickIntervalMs: 0,
  });
  try {
    const client = createQpayClient({ baseUrl: sim.baseUrl, ...creds });
    const message = JSON.parse(v.messagePlainJson) as Record<string, unknown>;
    expect(computeHashId(creds)).toBe(v.hashId);
    expect(buildSignString(message)).toBe(v.signString.slice(0, v.signString.indexOf(v.nonce)));
    const created = await client.orderCreate({
      payType: 'C',
      orderNo: message.OrderNo as string,
      amount: (message.Amount as number) / 100,
      prdtName: message.PrdtName as string,
      autoBilling: false,
      expMinutes: 30,
      returnUrl: message.ReturnURL as string,
      backendUrl: message.BackendURL as string,
    });
    expect(created).toMatchObject({ orderNo: '201807111119291750', amount: 500, tsNo: 'NA000100000001' });
    await client.close();
  } finally {
    await sim.close();
  }
});

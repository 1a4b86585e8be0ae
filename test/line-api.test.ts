/** The shop's LINE client against the LINE simulator: what each kind of failure is sorted into. */
import { createLineApi, type LineApi, LineSendError } from '../src/line/line-api';
import { type LineSimulator, startLineSimulator } from '../src/sandbox/line';
import { freePort } from './support/ports';

const SECRET = 'line-api-test-secret';
const TOKEN = 'line-api-test-token';
const hello = JSON.stringify([{ type: 'text', text: '哈囉' }]);

async function failureOf(p: Promise<unknown>): Promise<LineSendError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LineSendError) return err;
    throw err;
  }
  throw new Error('expected a LineSendError');
}

describe('LINE client', () => {
  let sim: LineSimulator;
  let api: LineApi;
  beforeAll(async () => {
    sim = await startLineSimulator({ channelSecret: SECRET, channelAccessToken: TOKEN });
    api = createLineApi({ channelAccessToken: TOKEN, apiBaseUrl: sim.url, timeoutMs: 300 });
  });
  afterAll(async () => {
    await api.close();
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it('pushes with the bearer token and retry key, and counts a 409 on the same key as delivered', async () => {
    const user = sim.addUser().userId;
    await api.push(user, hello, '6f1a2b3c-4d5e-5f60-8a7b-8c9d0e1f2a3b');
    await api.push(user, hello, '6f1a2b3c-4d5e-5f60-8a7b-8c9d0e1f2a3b');
    const calls = sim.callsTo('/v2/bot/message/push');
    expect(calls.map((c) => c.status)).toEqual([200, 409]);
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sim.botMessages(user)).toEqual([expect.objectContaining({ type: 'text', text: '哈囉' })]);
  });

  it('sorts a spent reply token, a refused message and a LINE outage apart', async () => {
    expect(await failureOf(api.reply('no-such-token', hello))).toMatchObject({
      kind: 'invalid_reply_token',
      status: 400,
    });
    const user = sim.addUser().userId;
    const refused = await failureOf(api.push(user, JSON.stringify([{ type: 'text', text: '' }]), crypto.randomUUID()));
    expect(refused).toMatchObject({ kind: 'rejected', status: 400 });
    sim.failNext('/v2/bot/message/push', { status: 503, times: 1 });
    expect(await failureOf(api.push(user, hello, crypto.randomUUID()))).toMatchObject({
      kind: 'retryable',
      status: 503,
    });
  });

  it('tells LINE\'s monthly limit (429 "You have reached your monthly limit.") from its rate limit (other 429s)', async () => {
    const user = sim.addUser().userId;
    sim.setPushQuota(1, 0);
    await api.push(user, hello, crypto.randomUUID());
    const limit = await failureOf(api.push(user, hello, crypto.randomUUID()));
    expect(limit).toMatchObject({ kind: 'monthly_limit', status: 429, mayHaveBeenDelivered: false });
    expect(limit.message).toContain('You have reached your monthly limit.');
    // Only the push LINE accepted counts.
    expect(sim.pushesThisMonth()).toBe(1);
    sim.setPushQuota(undefined);
    sim.failNext('/v2/bot/message/push', { status: 429, times: 1 });
    expect(await failureOf(api.push(user, hello, crypto.randomUUID()))).toMatchObject({
      kind: 'retryable',
      status: 429,
    });
  });

  it("reads LINE's quota and consumption, and refuses an answer that does not fit LINE's schema", async () => {
    sim.setPushQuota(undefined, 0);
    expect(await api.getQuota()).toEqual({ type: 'none' });
    sim.setPushQuota(500, 12);
    expect(await api.getQuota()).toEqual({ type: 'limited', value: 500 });
    expect(await api.getQuotaConsumption()).toEqual({ totalUsage: 12 });
    sim.failNext('/v2/bot/message/quota', { status: 200, body: { type: 'limited' }, times: 1 });
    expect(await failureOf(api.getQuota())).toMatchObject({ kind: 'rejected' });
    sim.failNext('/v2/bot/message/quota/consumption', { status: 200, body: { totalUsage: -1 }, times: 1 });
    expect(await failureOf(api.getQuotaConsumption())).toMatchObject({ kind: 'rejected' });
    sim.failNext('/v2/bot/message/quota', { status: 500, times: 1 });
    expect(await failureOf(api.getQuota())).toMatchObject({ kind: 'retryable', status: 500 });
    sim.setPushQuota(undefined, 0);
  });

  it('treats a LINE that does not answer in time, or cannot be reached, as worth another try', async () => {
    const user = sim.addUser().userId;
    sim.setLatency(2_000, '/v2/bot/message/push');
    const slow = await failureOf(api.push(user, hello, crypto.randomUUID()));
    expect(slow).toMatchObject({ kind: 'retryable', status: undefined });
    expect(slow.message).toMatch(/^network: /);

    // A port that nothing listens on any more.
    const port = await freePort();
    const down = createLineApi({ channelAccessToken: TOKEN, apiBaseUrl: `http://127.0.0.1:${port}` });
    try {
      expect(await failureOf(down.push(user, hello, crypto.randomUUID()))).toMatchObject({ kind: 'retryable' });
    } finally {
      await down.close();
    }
  });

  it('says whether a failed message may still have reached the customer', async () => {
    const user = sim.addUser().userId;
    // Certainly not delivered: refused by LINE, rate limited, or never sent.
    const refused = await failureOf(api.push(user, JSON.stringify([{ type: 'text', text: '' }]), crypto.randomUUID()));
    expect(refused.mayHaveBeenDelivered).toBe(false);
    sim.failNext('/v2/bot/message/push', { status: 429 });
    expect((await failureOf(api.push(user, hello, crypto.randomUUID()))).mayHaveBeenDelivered).toBe(false);
    const port = await freePort();
    const down = createLineApi({ channelAccessToken: TOKEN, apiBaseUrl: `http://127.0.0.1:${port}` });
    try {
      expect((await failureOf(down.push(user, hello, crypto.randomUUID()))).mayHaveBeenDelivered).toBe(false);
    } finally {
      await down.close();
    }
    // Unknown: a 5xx, an answer that never came, a connection reset after LINE took the message.
    sim.failNext('/v2/bot/message/push', { status: 503 });
    expect((await failureOf(api.push(user, hello, crypto.randomUUID()))).mayHaveBeenDelivered).toBe(true);
    sim.setLatency(2_000, '/v2/bot/message/push');
    expect((await failureOf(api.push(user, hello, crypto.randomUUID()))).mayHaveBeenDelivered).toBe(true);
    sim.clearFaults();
    sim.dropResponseNext('/v2/bot/message/push');
    const dropped = await failureOf(api.push(user, hello, crypto.randomUUID()));
    expect(dropped).toMatchObject({ kind: 'retryable', mayHaveBeenDelivered: true });
    expect(sim.callsTo('/v2/bot/message/push').at(-1)).toMatchObject({ status: 200, dropped: true });
  });
});

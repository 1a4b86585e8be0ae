/** POST /line/webhook: signature, body handling and storage in the inbox, over app.inject. */
import { createHmac } from 'node:crypto';
import { validateSignature } from '@line/bot-sdk';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { isValidSignature } from '../src/line/signature';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';

const SECRET = 'webhook-test-secret';
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('base64');

function event(id: string, over: Record<string, unknown> = {}) {
  return {
    type: 'message',
    mode: 'active',
    timestamp: 1_700_000_000_000,
    webhookEventId: id,
    deliveryContext: { isRedelivery: false },
    source: { type: 'user', userId: 'U00000000000000000000000000000001' },
    replyToken: `rt-${id}`,
    message: { id: '1', type: 'text', text: '商品', quoteToken: 'q' },
    ...over,
  };
}

it('matches the official LINE signature vector', () => {
  const body = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}';
  expect(
    isValidSignature(
      Buffer.from(body),
      '8c570fa6dd201bb328f1c1eac23a96d8',
      'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=',
    ),
  ).toBe(true);
  expect(isValidSignature(Buffer.from(body), '8c570fa6dd201bb328f1c1eac23a96d8', undefined)).toBe(false);
  expect(
    isValidSignature(
      Buffer.from(`${body} `),
      '8c570fa6dd201bb328f1c1eac23a96d8',
      'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=',
    ),
  ).toBe(false);
});

test('the signature check agrees with the LINE SDK on good, truncated, padded and garbage signatures', () => {
  const bodies = ['{}', '{"events":[]}', 'ä€𝄞'.repeat(50), ''];
  for (const body of bodies) {
    const good = sign(body);
    const candidates = [
      good,
      good.slice(0, -2),
      `${good}==`,
      good.replace(/=+$/, ''),
      'x',
      '!!!!',
      sign(body, 'other'),
    ];
    for (const c of candidates) {
      expect([body, c, isValidSignature(Buffer.from(body), SECRET, c)]).toEqual([
        body,
        c,
        validateSignature(Buffer.from(body), SECRET, c),
      ]);
    }
  }
});

describe.each(dialects)('webhook on %s', (dialect) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let wakes = 0;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    wakes = 0;
    app = await buildApp({
      db: database.db,
      channelSecret: SECRET,
      now: () => 1_700_000_001_000,
      onEventsStored: () => wakes++,
    });
  });
  afterEach(async () => {
    await app.close();
    await database.drop();
  });

  const post = (payload: string, headers: Record<string, string> = { 'x-line-signature': sign(payload) }) =>
    app.inject({
      method: 'POST',
      url: '/line/webhook',
      payload,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const stored = () => database.db.selectFrom('line_events').selectAll().orderBy('webhook_event_id').execute();

  it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
    const body = JSON.stringify({ destination: 'U1', events: [event('01A')] });
    expect((await post(body, {})).statusCode).toBe(401);
    expect((await post(body, { 'x-line-signature': sign(body, 'another-secret') })).statusCode).toBe(401);
    expect((await post(body, { 'x-line-signature': 'not base64 at all' })).statusCode).toBe(401);
    // A body changed after signing (e.g. re-serialised) no longer matches.
    expect((await post(JSON.stringify(JSON.parse(body), null, 1), { 'x-line-signature': sign(body) })).statusCode).toBe(
      401,
    );
    expect(await stored()).toHaveLength(0);
    expect(wakes).toBe(0);
  });

  it('answers 400 to malformed JSON and to a body without events', async () => {
    const r = await post('{"events": [');
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/JSON/);
    expect((await post('{"destination":"U1"}')).statusCode).toBe(400);
    expect(await stored()).toHaveLength(0);
  });

  it('answers 400 with the reason to a body nested 100,000 levels deep, and stores nothing', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    for (const body of [
      `{"destination":"U1","events":[${JSON.stringify(event('D1')).replace(/}$/, `,"x":${deep(100_000)}}`)}]}`,
      `{"destination":"U1","events":[],"x":${deep(100_000)}}`,
      deep(100_000),
    ]) {
      const r = await post(body);
      expect(r.statusCode).toBe(400);
      expect(r.json().message).toBe('body nests deeper than 32 levels');
    }
    // Brackets inside strings are text, not nesting.
    const e = event('D2', { message: { id: '1', type: 'text', text: '['.repeat(200), quoteToken: 'q' } });
    expect((await post(JSON.stringify({ destination: 'U1', events: [e] }))).statusCode).toBe(200);
    expect((await stored()).map((r) => r.webhook_event_id)).toEqual(['D2']);
  });

  it('answers 400 with the reason to a signed body that is not a webhook envelope', async () => {
    for (const [body, reason] of [
      ['[]', 'not a webhook body: body must be object'],
      ['{"events":{}}', 'not a webhook body: /events must be array'],
      ['{"destination":5,"events":[]}', 'not a webhook body: /destination must be string'],
    ]) {
      const r = await post(body as string);
      expect(r.statusCode).toBe(400);
      expect(r.json().message).toBe(reason);
    }
  });

  it('answers 413 to an oversized body', async () => {
    const big = JSON.stringify({ events: [], pad: 'x'.repeat(1024 * 1024 + 10) });
    expect((await post(big)).statusCode).toBe(413);
  });

  it('answers 200 to the console verify ping (empty events)', async () => {
    const r = await post('{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}');
    expect(r.statusCode).toBe(200);
    expect(await stored()).toHaveLength(0);
  });

  it('stores each event once by webhookEventId, redeliveries included, keeping the raw payload', async () => {
    const e1 = event('01HA', { message: { id: '1', type: 'text', text: '😀 \u2028 "quoted"' } });
    const body = JSON.stringify({ destination: 'U1', events: [e1, event('01HB')] });
    expect((await post(body)).statusCode).toBe(200);
    const again = JSON.stringify({ destination: 'U1', events: [{ ...e1, deliveryContext: { isRedelivery: true } }] });
    expect((await post(again)).statusCode).toBe(200);
    const rows = await stored();
    expect(rows.map((r) => [r.webhook_event_id, r.status])).toEqual([
      ['01HA', 'pending'],
      ['01HB', 'pending'],
    ]);
    expect(JSON.parse(rows[0]!.payload)).toEqual(e1);
    expect(wakes).toBe(1);
  });

  it('records standby, group, room and unknown events as ignored', async () => {
    const events = [
      event('S1', { mode: 'standby', replyToken: undefined }),
      event('G1', { source: { type: 'group', groupId: 'C1', userId: 'U2' } }),
      event('R1', { source: { type: 'room', roomId: 'R9', userId: 'U2' } }),
      event('X1', { type: 'somethingNew', message: undefined }),
      event('UF', { type: 'unfollow' }),
      event('J1', { type: 'join', source: { type: 'group', groupId: 'C1' } }),
    ];
    const body = JSON.stringify({ destination: 'U1', events });
    expect((await post(body)).statusCode).toBe(200);
    const rows = await stored();
    const status = Object.fromEntries(rows.map((r) => [r.webhook_event_id, [r.status, r.chat_id]]));
    expect(status).toEqual({
      S1: ['ignored', 'U00000000000000000000000000000001'],
      G1: ['ignored', 'C1'],
      R1: ['ignored', 'R9'],
      X1: ['ignored', 'U00000000000000000000000000000001'],
      UF: ['ignored', 'U00000000000000000000000000000001'],
      // Being added to a group gets one polite note (the shop works in 1:1 chats only).
      J1: ['pending', 'C1'],
    });
    const reasons = Object.fromEntries(rows.map((r) => [r.webhook_event_id, r.ignored_reason]));
    expect(reasons).toEqual({
      S1: 'standby mode (another channel handles this chat)',
      G1: 'not a 1:1 chat',
      R1: 'not a 1:1 chat',
      X1: 'event type somethingNew is not handled',
      UF: 'event type unfollow is not handled',
      J1: null,
    });
  });

  it('answers /healthz with 200 while the database is reachable', async () => {
    const r = await app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });
});

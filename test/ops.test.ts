/**
 * What an operator reads: GET /metrics (Prometheus text, who may read it) and GET /readyz (is the
 * inbox draining), on every database.
 */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { finishEvents } from '../src/line/inbox-repository';
import { createMetrics, type ShopMetrics, startOfMonthTaiwan } from '../src/metrics';
import { buy, newUser, nth, productWithStock } from './checkout/helpers';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';
import { startTestShop, type TestShop } from './support/shop-harness';

const SECRET = 'ops-test-secret';
const TOKEN = 'metrics-token-0123456789';
const T0 = 1_700_000_000_000;

/** The value of one sample line, e.g. sample(text, 'line_shop_orders', 'status="paid"'). */
function sample(text: string, name: string, labels = ''): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (labels.split(',').every((l) => l === '' || (m[2] ?? '').split(',').includes(l))) return Number(m[3]);
  }
  return undefined;
}

/**
 * /metrics once `ready(text)` holds, reading it again while it does not (at most 5 s). The receipt
 * can reach the chat before the confirmation that sent it has returned and been counted: on
 * PostgreSQL the notification's last write is still on its way when the push is already out.
 */
async function metricsWhen(
  url: string,
  ready: (text: string) => boolean,
): Promise<{ status: number; contentType: string | null; text: string }> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const res = await fetch(`${url}/metrics`);
    const text = await res.text();
    if (ready(text) || Date.now() > deadline) {
      return { status: res.status, contentType: res.headers.get('content-type'), text };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function webhookBody(ids: string[]): string {
  return JSON.stringify({
    destination: 'U0',
    events: ids.map((id) => ({
      type: 'message',
      mode: 'active',
      timestamp: T0,
      webhookEventId: id,
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId: 'U00000000000000000000000000000001' },
      replyToken: `rt-${id}`,
      message: { id: '1', type: 'text', text: '商品', quoteToken: 'q' },
    })),
  });
}

describe.each(dialects)('GET /metrics on %s', (dialect) => {
  let shop: TestShop;
  beforeEach(async () => {
    shop = await startTestShop(dialect);
  });
  afterEach(async () => {
    await shop.close();
  });

  it('after a card purchase: webhooks, events, LINE and bank calls, orders, confirmations, pushes', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 5);
    const { order } = await buy(shop, user, p.id, 'C', 1);
    const before = shop.sim.botMessages(user).length;
    await shop.bank.pay(order.order_no);
    await nth(shop, user, before + 1); // the receipt, by push

    // Over real HTTP from this machine, without a token: allowed.
    const res = await metricsWhen(
      shop.url,
      (t) => sample(t, 'line_shop_payment_confirmations_total', 'outcome="paid"') !== undefined,
    );
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/plain');
    const { text } = res;
    // Two webhooks (add to cart, check out), each one postback event.
    expect(sample(text, 'line_shop_webhook_requests_total', 'code="200"')).toBe(2);
    expect(sample(text, 'line_shop_webhook_ack_seconds_count', 'code="200"')).toBe(2);
    expect(sample(text, 'line_shop_events_handled_total', 'type="postback"')).toBe(2);
    expect(sample(text, 'line_shop_inbox_backlog')).toBe(0);
    expect(sample(text, 'line_shop_inbox_oldest_pending_age_seconds')).toBe(0);
    expect(sample(text, 'line_shop_orders', 'status="paid"')).toBe(1);
    expect(sample(text, 'line_shop_payment_confirmations_total', 'outcome="paid"')).toBe(1);
    expect(sample(text, 'line_shop_pushes_this_month')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'line_shop_outbox_messages', 'status="dead"')).toBe(0);
    expect(sample(text, 'line_shop_outbox_messages', 'status="pending"')).toBeDefined();
    expect(
      sample(text, 'line_shop_external_call_seconds_count', 'service="line",call="reply",outcome="ok"'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'line_shop_external_call_seconds_count', 'service="bank",call="orderCreate",outcome="ok"'),
    ).toBe(1);
    expect(sample(text, 'line_shop_event_loop_lag_seconds', 'quantile="0.99"')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('who may read /metrics', () => {
  let database: TestDatabase;
  const apps: FastifyInstance[] = [];
  const metrics: ShopMetrics[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const m of metrics) m.close();
    await database.drop();
  });

  async function app(metricsToken: string | undefined): Promise<FastifyInstance> {
    const m = createMetrics({ db: database.db, now: () => T0 });
    metrics.push(m);
    const a = await buildApp({
      db: database.db,
      channelSecret: SECRET,
      now: () => T0,
      onEventsStored: () => {},
      ops: { metrics: m, metricsToken, readyMaxEventAgeMs: 30_000 },
    });
    apps.push(a);
    return a;
  }

  it('without METRICS_TOKEN: this machine only, and not through a proxy', async () => {
    const a = await app(undefined);
    const get = (remoteAddress: string, headers: Record<string, string> = {}) =>
      a.inject({ method: 'GET', url: '/metrics', remoteAddress, headers });
    expect((await get('127.0.0.1')).statusCode).toBe(200);
    expect((await get('::1')).statusCode).toBe(200);
    expect((await get('203.0.113.7')).statusCode).toBe(403);
    // A reverse proxy on the same machine connects from loopback but says who it relays.
    expect((await get('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' })).statusCode).toBe(403);
    expect((await get('127.0.0.1', { forwarded: 'for=203.0.113.7' })).statusCode).toBe(403);
  });

  it('with METRICS_TOKEN: the bearer token, from anywhere, and nothing else', async () => {
    const a = await app(TOKEN);
    const get = (remoteAddress: string, authorization?: string) =>
      a.inject({ method: 'GET', url: '/metrics', remoteAddress, headers: authorization ? { authorization } : {} });
    const missing = await get('127.0.0.1');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect((await get('203.0.113.7', `Bearer ${TOKEN}x`)).statusCode).toBe(401);
    expect((await get('203.0.113.7', `Basic ${TOKEN}`)).statusCode).toBe(401);
    const ok = await get('203.0.113.7', `Bearer ${TOKEN}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('line_shop_inbox_backlog 0');
  });

  it('counts months in Taiwan time', () => {
    // 2025-03-01 00:30 in Taipei is still February in UTC.
    const earlyMarch = Date.UTC(2025, 1, 28, 16, 30);
    expect(startOfMonthTaiwan(earlyMarch)).toBe(Date.UTC(2025, 1, 28, 16, 0));
    expect(startOfMonthTaiwan(Date.UTC(2025, 1, 28, 15, 59))).toBe(Date.UTC(2025, 0, 31, 16, 0));
  });
});

describe.each(dialects)('GET /readyz on %s', (dialect) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let metrics: ShopMetrics;
  let now = T0;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    now = T0;
    metrics = createMetrics({ db: database.db, now: () => now });
    app = await buildApp({
      db: database.db,
      channelSecret: SECRET,
      now: () => now,
      onEventsStored: () => {},
      ops: { metrics, metricsToken: undefined, readyMaxEventAgeMs: 30_000 },
    });
  });
  afterEach(async () => {
    await app.close();
    metrics.close();
    await database.drop();
  });

  const readyz = async () => {
    const r = await app.inject({ method: 'GET', url: '/readyz' });
    return { code: r.statusCode, body: r.json() as Record<string, unknown> };
  };

  it('503 once the oldest event is too old and nothing moves; 200 again while it drains', async () => {
    expect(await readyz()).toEqual({
      code: 200,
      body: { status: 'ready', backlog: 0, oldestEventAgeSeconds: 0, draining: false },
    });
    const body = webhookBody(['E1', 'E2', 'E3']);
    const signature = createHmac('sha256', SECRET).update(body).digest('base64');
    const stored = await app.inject({
      method: 'POST',
      url: '/line/webhook',
      headers: { 'content-type': 'application/json', 'x-line-signature': signature },
      payload: body,
    });
    expect(stored.statusCode).toBe(200);

    now = T0 + 10_000; // young backlog: fine
    expect(await readyz()).toMatchObject({ code: 200, body: { backlog: 3, oldestEventAgeSeconds: 10 } });

    now = T0 + 60_000; // old and not moving
    expect(await readyz()).toEqual({
      code: 503,
      body: { status: 'backlog not draining', backlog: 3, oldestEventAgeSeconds: 60, draining: false },
    });

    // A worker handles one: still old, but draining.
    await finishEvents(database.db, ['E1'], 'done', now);
    now = T0 + 65_000;
    expect(await readyz()).toMatchObject({ code: 200, body: { status: 'ready', backlog: 2, draining: true } });
    // Stuck again.
    now = T0 + 70_000;
    expect(await readyz()).toMatchObject({ code: 503, body: { backlog: 2, draining: false } });
  });
});

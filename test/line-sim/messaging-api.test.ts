import { randomUUID } from 'node:crypto';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { type LineSimulator, newUserId, startLineSimulator } from '../../src/sandbox/line';
import { startTestBot, type TestBot } from './support/test-bot';

const SECRET = 'test-channel-secret';
const TOKEN = 'test-access-token';

async function errorOf(promise: Promise<unknown>): Promise<HTTPFetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HTTPFetchError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('LINE simulator: Messaging API', () => {
  let clock: number;
  let sim: LineSimulator;
  let bot: TestBot;
  let client: messagingApi.MessagingApiClient;
  const replyTokens: string[] = [];

  beforeEach(async () => {
    clock = Date.parse('2025-01-01T00:00:00Z');
    replyTokens.length = 0;
    sim = await startLineSimulator({ channelSecret: SECRET, channelAccessToken: TOKEN, now: () => clock });
    bot = await startTestBot(sim, (event) => {
      if (typeof event.replyToken === 'string') replyTokens.push(event.replyToken);
    });
    sim.setWebhookUrl(bot.url);
    client = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: sim.url });
  });

  afterEach(async () => {
    await bot.close();
    await sim.close();
  });

  test('reply with the SDK delivers to the user, answers sentMessages and is recorded', async () => {
    const user = newUserId();
    await sim.sendText(user, 'hi');
    const token = replyTokens[0]!;
    const answer = await client.replyMessage({ replyToken: token, messages: [{ type: 'text', text: 'hello' }] });
    expect(answer.sentMessages).toHaveLength(1);
    expect(sim.botMessages(user)).toEqual([{ type: 'text', text: 'hello' }]);
    expect(sim.chat(user).map((entry) => entry.from)).toEqual(['user', 'bot']);
    const [call] = sim.callsTo('/v2/bot/message/reply');
    expect(call).toMatchObject({ method: 'POST', status: 200, body: { replyToken: token } });
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.at).toBe(clock);
  });

  test('a reply token works once', async () => {
    const user = newUserId();
    await sim.sendText(user, 'hi');
    const replyToken = replyTokens[0]!;
    await client.replyMessage({ replyToken, messages: [{ type: 'text', text: 'one' }] });
    const error = await errorOf(client.replyMessage({ replyToken, messages: [{ type: 'text', text: 'two' }] }));
    expect(error.status).toBe(400);
    expect(JSON.parse(error.body)).toEqual({ message: 'Invalid reply token' });
    expect(sim.botMessages(user)).toHaveLength(1);
  });

  test('a reply token expires after one minute of the injected clock; unknown tokens fail too', async () => {
    const user = newUserId();
    await sim.sendText(user, 'hi');
    clock += 60_001;
    const expired = await errorOf(
      client.replyMessage({ replyToken: replyTokens[0]!, messages: [{ type: 'text', text: 'late' }] }),
    );
    expect(expired.status).toBe(400);
    expect(JSON.parse(expired.body).message).toBe('Invalid reply token');
    const unknown = await errorOf(client.replyMessage({ replyToken: 'nope', messages: [{ type: 'text', text: 'x' }] }));
    expect(unknown.status).toBe(400);
    expect(sim.botMessages(user)).toEqual([]);
  });

  test('a reply token is still valid just before one minute', async () => {
    const user = newUserId();
    await sim.sendText(user, 'hi');
    clock += 59_000;
    await client.replyMessage({ replyToken: replyTokens[0]!, messages: [{ type: 'text', text: 'in time' }] });
    expect(sim.botMessages(user)).toHaveLength(1);
  });

  test('1–5 messages, with LINE’s error shape; nothing is delivered and the token survives', async () => {
    const user = newUserId();
    await sim.sendText(user, 'hi');
    const six = Array.from({ length: 6 }, (_, i) => ({ type: 'text' as const, text: `m${i}` }));
    const tooMany = await errorOf(client.replyMessage({ replyToken: replyTokens[0]!, messages: six }));
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.body)).toEqual({
      message: 'The request body has 1 error(s)',
      details: [{ message: 'Size must be between 1 and 5', property: 'messages' }],
    });
    const none = await errorOf(client.pushMessage({ to: user, messages: [] }));
    expect(JSON.parse(none.body).details[0]).toEqual({ message: 'Size must be between 1 and 5', property: 'messages' });
    expect(sim.botMessages(user)).toEqual([]);
    await client.replyMessage({ replyToken: replyTokens[0]!, messages: six.slice(0, 5) });
    expect(sim.botMessages(user)).toHaveLength(5);
  });

  test('an invalid Flex is rejected with a JSON pointer and shown as a system notice', async () => {
    const user = newUserId();
    const error = await errorOf(
      client.pushMessage({
        to: user,
        messages: [
          {
            type: 'flex',
            altText: 'cart',
            contents: {
              type: 'bubble',
              footer: {
                type: 'box',
                layout: 'vertical',
                contents: [
                  { type: 'text', text: 'a' },
                  { type: 'text', text: 'b' },
                  { type: 'spacer' } as unknown as messagingApi.FlexComponent,
                ],
              },
            },
          },
        ],
      }),
    );
    expect(error.status).toBe(400);
    expect(JSON.parse(error.body)).toEqual({
      message: 'A message (messages[0]) in the request body is invalid',
      details: [{ message: 'invalid property', property: '/footer/contents/2' }],
    });
    const notices = sim.timeline(user).filter((entry) => entry.from === 'system');
    expect(notices).toHaveLength(1);
    expect(sim.chat(user)).toEqual([]);
  });

  test('push retry key: a repeat answers 409 with x-line-accepted-request-id and is not delivered twice', async () => {
    const user = newUserId();
    const retryKey = randomUUID();
    const first = await client.pushMessageWithHttpInfo(
      { to: user, messages: [{ type: 'text', text: 'receipt' }] },
      retryKey,
    );
    const firstRequestId = first.httpResponse.headers.get('x-line-request-id');
    expect(firstRequestId).toBeTruthy();
    const repeat = await errorOf(
      client.pushMessage({ to: user, messages: [{ type: 'text', text: 'receipt' }] }, retryKey),
    );
    expect(repeat.status).toBe(409);
    expect(repeat.headers.get('x-line-accepted-request-id')).toBe(firstRequestId);
    expect(JSON.parse(repeat.body)).toEqual({
      message: 'The retry key is already accepted',
      sentMessages: first.body.sentMessages,
    });
    expect(sim.botMessages(user)).toHaveLength(1);
  });

  test('a retry key that is not a UUID is refused', async () => {
    const error = await errorOf(
      client.pushMessage({ to: newUserId(), messages: [{ type: 'text', text: 'x' }] }, 'order-1'),
    );
    expect(error.status).toBe(400);
  });

  test('a retry key on reply answers 400', async () => {
    const user = newUserId();
    await sim.sendText(user, 'hi');
    const response = await fetch(`${sim.url}/v2/bot/message/reply`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'x-line-retry-key': randomUUID(),
      },
      body: JSON.stringify({ replyToken: replyTokens[0], messages: [{ type: 'text', text: 'x' }] }),
    });
    expect(response.status).toBe(400);
    expect(sim.botMessages(user)).toEqual([]);
  });

  test('loading animation: 5–60 in steps of 5 → 202 {}; shown until the next bot message', async () => {
    const user = newUserId();
    await expect(client.showLoadingAnimation({ chatId: user, loadingSeconds: 5 })).resolves.toEqual({});
    expect(sim.callsTo('/v2/bot/chat/loading/start')[0]?.status).toBe(202);
    expect(sim.isLoading(user)).toBe(true);
    await client.pushMessage({ to: user, messages: [{ type: 'text', text: 'done' }] });
    expect(sim.isLoading(user)).toBe(false);
    for (const loadingSeconds of [0, 3, 7, 65]) {
      const error = await errorOf(client.showLoadingAnimation({ chatId: user, loadingSeconds }));
      expect(error.status).toBe(400);
      expect(JSON.parse(error.body).details[0].property).toBe('loadingSeconds');
    }
    await client.showLoadingAnimation({ chatId: user, loadingSeconds: 10 });
    clock += 10_001;
    expect(sim.isLoading(user)).toBe(false);
  });

  test('profile of a simulated user; 404 for an unknown one', async () => {
    const user = sim.addUser(undefined, { displayName: '王小明' });
    await expect(client.getProfile(user.userId)).resolves.toMatchObject({ userId: user.userId, displayName: '王小明' });
    expect((await errorOf(client.getProfile(newUserId()))).status).toBe(404);
  });

  test('a wrong or missing access token answers 401 with LINE’s body', async () => {
    const wrong = new messagingApi.MessagingApiClient({ channelAccessToken: 'wrong', baseURL: sim.url });
    const error = await errorOf(wrong.pushMessage({ to: newUserId(), messages: [{ type: 'text', text: 'x' }] }));
    expect(error.status).toBe(401);
    expect(JSON.parse(error.body).message).toMatch(/Authentication failed/);
    const missing = await fetch(`${sim.url}/v2/bot/message/push`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
    expect(sim.calls.map((call) => call.status)).toEqual([401, 401]);
  });

  test('a body over 2 MB answers 413', async () => {
    const response = await fetch(`${sim.url}/v2/bot/message/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'U1', messages: [{ type: 'text', text: 'x'.repeat(2 * 1024 * 1024) }] }),
    });
    expect(response.status).toBe(413);
    expect(sim.callsTo('/v2/bot/message/push')[0]?.status).toBe(413);
  });

  test('waitForMessages resolves when enough messages arrive, and explains a timeout', async () => {
    const user = newUserId();
    const waiting = sim.waitForMessages(user, 2, { timeoutMs: 2000 });
    await client.pushMessage({ to: user, messages: [{ type: 'text', text: 'one' }] });
    await client.pushMessage({ to: user, messages: [{ type: 'text', text: 'two' }] });
    const entries = await waiting;
    expect(entries.map((entry) => entry.message.text)).toEqual(['one', 'two']);
    await expect(sim.waitForMessages(user, 3, { timeoutMs: 50 })).rejects.toThrow(
      /waitForMessages\(U[0-9a-f]+, 3\): timed out after 50 ms with 2 bot message\(s\) delivered/,
    );
  });

  test('waitForCall resolves with a past or future matching call', async () => {
    const user = newUserId();
    const waiting = sim.waitForCall((call) => call.path === '/v2/bot/message/push' && call.status === 200);
    await client.pushMessage({ to: user, messages: [{ type: 'text', text: 'x' }] });
    await expect(waiting).resolves.toMatchObject({ body: { to: user } });
    await expect(sim.waitForCall((call) => call.path === '/nothing', { timeoutMs: 30 })).rejects.toThrow(/waitForCall/);
  });

  test('failNext answers the injected status for the next N calls, then recovers', async () => {
    const user = newUserId();
    sim.failNext('/v2/bot/message/push', { status: 500, times: 2 });
    sim.failNext('/v2/bot/chat/loading', { status: 429, body: { message: 'Too many requests' } });
    const retryKey = randomUUID();
    const push = () => client.pushMessage({ to: user, messages: [{ type: 'text', text: 'x' }] }, retryKey);
    expect((await errorOf(push())).status).toBe(500);
    expect((await errorOf(push())).status).toBe(500);
    await expect(push()).resolves.toHaveProperty('sentMessages');
    // The failed attempts were not accepted, so the key was free for the third one.
    expect(sim.botMessages(user)).toHaveLength(1);
    const limited = await errorOf(client.showLoadingAnimation({ chatId: user, loadingSeconds: 5 }));
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toEqual({ message: 'Too many requests' });
    expect(sim.callsTo('/v2/bot/message/push').map((call) => call.status)).toEqual([500, 500, 200]);
  });

  test('latency delays answers', async () => {
    sim.setLatency(150, '/v2/bot/profile');
    const user = sim.addUser();
    const started = Date.now();
    await client.getProfile(user.userId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('two simulators are independent', async () => {
    const other = await startLineSimulator({ channelSecret: 's2', channelAccessToken: 't2' });
    try {
      const user = newUserId();
      await client.pushMessage({ to: user, messages: [{ type: 'text', text: 'x' }] });
      expect(other.calls).toHaveLength(0);
      expect(other.botMessages(user)).toEqual([]);
      expect(other.url).not.toBe(sim.url);
    } finally {
      await other.close();
    }
  });

  test('message quota: the SDK reads type none, then limited with value and consumption; past it a push gets 429 monthly limit', async () => {
    const user = newUserId();
    expect(await client.getMessageQuota()).toEqual({ type: 'none' });
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 0 });
    sim.setPushQuota(2);
    expect(await client.getMessageQuota()).toEqual({ type: 'limited', value: 2 });
    // Two pushes count (however many messages each); a 409 repeat and a reply do not.
    const key = randomUUID();
    await client.pushMessage(
      {
        to: user,
        messages: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
      key,
    );
    await errorOf(client.pushMessage({ to: user, messages: [{ type: 'text', text: 'a' }] }, key));
    await sim.sendText(user, 'hi');
    await client.replyMessage({ replyToken: replyTokens[0]!, messages: [{ type: 'text', text: 'free' }] });
    await client.pushMessage({ to: user, messages: [{ type: 'text', text: 'c' }] });
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 2 });
    const refused = await errorOf(client.pushMessage({ to: user, messages: [{ type: 'text', text: 'd' }] }));
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ message: 'You have reached your monthly limit.' });
    expect(sim.botMessages(user).map((m) => m.text)).toEqual(['a', 'b', 'free', 'c']);
    // Replies still work past the limit.
    await sim.sendText(user, 'again');
    await client.replyMessage({ replyToken: replyTokens[1]!, messages: [{ type: 'text', text: 'still free' }] });
    // A new month (Taiwan time) starts from zero.
    clock = Date.parse('2025-01-31T16:00:00Z');
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 0 });
    await client.pushMessage({ to: user, messages: [{ type: 'text', text: 'february' }] });
    expect(sim.pushesThisMonth()).toBe(1);
  });
});

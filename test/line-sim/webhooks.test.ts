import { validateSignature } from '@line/bot-sdk';
import { type LineSimulator, newUserId, signWebhookBody, startLineSimulator } from '../../src/sandbox/line';
import { startTestBot, type TestBot } from './support/test-bot';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('LINE simulator: signed webhooks', () => {
  let sim: LineSimulator;
  let bot: TestBot;
  const now = Date.parse('2025-03-01T08:00:00Z');

  beforeEach(async () => {
    sim = await startLineSimulator({ channelSecret: 'secret-1', channelAccessToken: 'token-1', now: () => now });
    bot = await startTestBot(sim);
    sim.setWebhookUrl(bot.url);
  });

  afterEach(async () => {
    await bot.close();
    await sim.close();
  });

  test('signature matches the official vector in line.md §2', () => {
    const body = '{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}';
    const secret = '8c570fa6dd201bb328f1c1eac23a96d8';
    expect(signWebhookBody(secret, body)).toBe('GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=');
    expect(validateSignature(body, secret, 'GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=')).toBe(true);
  });

  test('follow, text and postback send real event objects with fresh reply tokens', async () => {
    const user = newUserId();
    expect((await sim.follow(user)).status).toBe(200);
    await sim.sendText(user, '商品');
    await sim.postback(user, 'action=add&sku=TEA-1', undefined, { displayText: '加入購物車' });
    await sim.postback(user, 'action=date', { date: '2025-03-02' });
    const [follow, text, postback, picked] = bot.events();
    const common = {
      mode: 'active',
      timestamp: now,
      source: { type: 'user', userId: user },
      deliveryContext: { isRedelivery: false },
    };
    expect(follow).toMatchObject({ ...common, type: 'follow', follow: { isUnblocked: false } });
    expect(text).toMatchObject({ ...common, type: 'message', message: { type: 'text', text: '商品' } });
    expect(postback).toMatchObject({ ...common, type: 'postback', postback: { data: 'action=add&sku=TEA-1' } });
    expect(picked).toMatchObject({ postback: { data: 'action=date', params: { date: '2025-03-02' } } });
    const events = [follow, text, postback, picked];
    for (const event of events) expect(event?.webhookEventId).toMatch(ULID);
    const tokens = events.map((event) => event?.replyToken);
    expect(new Set(tokens).size).toBe(4);
    expect(bot.received[0]?.destination).toBe(sim.botUserId);
    expect(
      sim.chat(user).map((entry) => (entry.from === 'user' ? `${entry.type}:${entry.text ?? ''}` : 'bot')),
    ).toEqual(['follow:', 'text:商品', 'postback:加入購物車', 'postback:']);
  });

  test('unfollow carries no reply token; following again says isUnblocked', async () => {
    const user = newUserId();
    await sim.follow(user);
    await sim.unfollow(user);
    await sim.follow(user);
    const [, unfollow, refollow] = bot.events();
    expect(unfollow).toMatchObject({ type: 'unfollow' });
    expect(unfollow).not.toHaveProperty('replyToken');
    expect(refollow).toMatchObject({ type: 'follow', follow: { isUnblocked: true } });
  });

  test('redelivery keeps webhookEventId and reply token and sets isRedelivery', async () => {
    const user = newUserId();
    const first = await sim.sendText(user, 'hi');
    const event = first.events[0]!;
    const again = await sim.redeliver(event);
    expect(again.status).toBe(200);
    const [original, redelivered] = bot.events();
    expect(redelivered).toMatchObject({
      webhookEventId: original?.webhookEventId,
      replyToken: original?.replyToken,
      deliveryContext: { isRedelivery: true },
    });
  });

  test('verify ping sends an empty events list', async () => {
    const result = await sim.verifyPing();
    expect(result.status).toBe(200);
    expect(bot.received).toEqual([{ destination: sim.botUserId, events: [] }]);
  });

  test('sendEvents: several users in one body; a forged or missing signature is rejected by the bot', async () => {
    const a = newUserId();
    const b = newUserId();
    const first = (await sim.sendText(a, 'a')).events[0]!;
    const second = (await sim.sendText(b, 'b')).events[0]!;
    expect((await sim.sendEvents([first, second])).status).toBe(200);
    expect(bot.received.at(-1)?.events).toHaveLength(2);
    expect((await sim.sendEvents([first], { signature: 'forged' })).status).toBe(401);
    expect((await sim.sendEvents([first], { signature: null })).status).toBe(401);
    expect(sim.webhookDeliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 401, 401]);
  });

  test('without a webhook URL the helpers say what to do', async () => {
    sim.setWebhookUrl(undefined);
    await expect(sim.sendText(newUserId(), 'x')).rejects.toThrow(/setWebhookUrl/);
  });

  test('a webhook that answers an error shows as a system notice in the chat timeline', async () => {
    const user = newUserId();
    await sim.sendEvents([], {}); // warm-up
    sim.setWebhookUrl(`${bot.url}-missing`);
    const result = await sim.sendText(user, 'x');
    expect(result.status).toBe(404);
    expect(sim.timeline(user).at(-1)).toMatchObject({ from: 'system', level: 'error', text: 'webhook → 404' });
  });
});

/**
 * The simulator's merchant side and mark-as-read (issue 16): the token comes with each text message
 * event, LINE's mark-as-read endpoint is validated like LINE's and turns the chat's messages 已讀,
 * and a person can answer as the shop (Official Account chat, Chat ON) without the bot being told —
 * through the API and in the chat page.
 */
import { existsSync } from 'node:fs';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { type LineSimulator, startLineSimulator } from '../../src/sandbox/line';
import { CHROMIUM, launchChromium, newPhone } from '../e2e/support/chat-flow';
import { startTestBot, type TestBot } from './support/test-bot';

describe('LINE simulator: mark as read and the merchant side', () => {
  let sim: LineSimulator;
  let bot: TestBot;
  let client: messagingApi.MessagingApiClient;
  const USER = 'U3334567890abcdef1234567890abcdef';

  beforeEach(async () => {
    sim = await startLineSimulator({ channelSecret: 'secret-m', channelAccessToken: 'token-m' });
    bot = await startTestBot(sim);
    sim.setWebhookUrl(bot.url);
    sim.addUser(USER, { displayName: '顧客' });
    client = new messagingApi.MessagingApiClient({ channelAccessToken: 'token-m', baseURL: sim.url });
  });
  afterEach(async () => {
    await bot.close();
    await sim.close();
  });

  const tokenOf = (n: number) => (bot.events()[n] as { message: { markAsReadToken: string } }).message.markAsReadToken;
  async function errorOf(p: Promise<unknown>): Promise<{ status: number; body: unknown }> {
    try {
      await p;
    } catch (err) {
      if (err instanceof HTTPFetchError) return { status: err.status, body: JSON.parse(err.body) };
      throw err;
    }
    throw new Error('expected the call to fail');
  }

  it('marks a message and those before it read with the token from its webhook event', async () => {
    await sim.sendText(USER, '第一句');
    await sim.sendText(USER, '第二句');
    await sim.sendText(USER, '第三句');
    expect(typeof tokenOf(1)).toBe('string');
    expect(new Set([tokenOf(0), tokenOf(1), tokenOf(2)]).size).toBe(3);
    expect(sim.readUpTo(USER)).toBeNull();
    await client.markMessagesAsReadByToken({ markAsReadToken: tokenOf(1) });
    const seqOf = (text: string) => sim.chat(USER).find((e) => e.from === 'user' && e.text === text)?.seq;
    expect(sim.readUpTo(USER)).toBe(seqOf('第二句'));
    // An older token does not un-read anything.
    await client.markMessagesAsReadByToken({ markAsReadToken: tokenOf(0) });
    expect(sim.readUpTo(USER)).toBe(seqOf('第二句'));
  });

  it('refuses a missing or unknown token like LINE', async () => {
    await expect(errorOf(client.markMessagesAsReadByToken({} as never))).resolves.toEqual({
      status: 400,
      body: {
        message: 'The request body has 1 error(s)',
        details: [{ message: 'must be specified', property: 'markAsReadToken' }],
      },
    });
    await expect(errorOf(client.markMessagesAsReadByToken({ markAsReadToken: 'never-issued' }))).resolves.toEqual({
      status: 400,
      body: { message: 'Invalid markAsReadToken' },
    });
    const unauthorised = new messagingApi.MessagingApiClient({ channelAccessToken: 'wrong', baseURL: sim.url });
    expect((await errorOf(unauthorised.markMessagesAsReadByToken({ markAsReadToken: 'x' }))).status).toBe(401);
  });

  it('the merchant answers as the shop: the user sees it, the bot gets no webhook, the chat becomes read', async () => {
    await sim.sendText(USER, '請問可以開發票嗎');
    const webhooks = bot.events().length;
    sim.merchantSend(USER, '可以的，請告訴我們統編');
    const [entry] = await sim.waitForMessages(USER, 1);
    expect(entry).toMatchObject({
      from: 'bot',
      via: 'merchant',
      message: { type: 'text', text: '可以的，請告訴我們統編' },
    });
    expect(bot.events()).toHaveLength(webhooks);
    expect(sim.readUpTo(USER)).toBe(sim.chat(USER).find((e) => e.from === 'user')?.seq);
  });

  const describeBrowser = existsSync(CHROMIUM) || process.env.CI === 'true' ? describe : describe.skip;
  describeBrowser('in the chat page', () => {
    it('shows 已讀 only once read, and sends the merchant side’s answer', async () => {
      const browser = await launchChromium();
      try {
        const { chat } = await newPhone(browser, { width: 375, height: 740 });
        await chat.goto(`${sim.url}/chat?user=${USER}`);
        await sim.sendText(USER, '有人在嗎');
        const row = chat.locator('.row.user', { hasText: '有人在嗎' });
        await row.waitFor();
        expect(await row.locator('.read').isVisible()).toBe(false);
        await chat.click('#merchant-toggle');
        await chat.fill('#merchant-input', '您好，我是店長，請說');
        await chat.click('#merchant-send');
        await chat.locator('.merchant-tag').waitFor();
        await chat.locator('.row.user.read', { hasText: '有人在嗎' }).waitFor();
        expect(await row.locator('.read').isVisible()).toBe(true);
        expect(sim.botMessages(USER)).toEqual([{ type: 'text', text: '您好，我是店長，請說' }]);
        // An empty answer is refused with a reason.
        const refused = await chat.evaluate(async () => {
          const r = await fetch('/sim/api/merchant', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ user: 'U1', text: ' ' }),
          });
          return { status: r.status, body: await r.json() };
        });
        expect(refused).toEqual({ status: 400, body: { message: 'text must be 1 to 5000 characters' } });
      } finally {
        await browser.close();
      }
    }, 30_000);
  });
});

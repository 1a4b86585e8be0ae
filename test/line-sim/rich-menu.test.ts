import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { type LineSimulator, newUserId, startLineSimulator } from '../../src/sandbox/line';
import { jpegHeader, solidPng } from './support/png';
import { startTestBot, type TestBot } from './support/test-bot';

const TOKEN = 'rich-menu-token';

async function statusOf(promise: Promise<unknown>): Promise<{ status: number; body: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HTTPFetchError) return { status: error.status, body: error.body };
    throw error;
  }
  throw new Error('expected the call to fail');
}

function menu(name: string, areas: messagingApi.RichMenuArea[]): messagingApi.RichMenuRequest {
  return { size: { width: 2500, height: 843 }, selected: true, name, chatBarText: '選單', areas };
}

const area = (x: number, action: messagingApi.Action): messagingApi.RichMenuArea => ({
  bounds: { x, y: 0, width: 1250, height: 843 },
  action,
});

describe('LINE simulator: rich menus', () => {
  let sim: LineSimulator;
  let bot: TestBot;
  let client: messagingApi.MessagingApiClient;
  let blob: messagingApi.MessagingApiBlobClient;

  beforeEach(async () => {
    sim = await startLineSimulator({ channelSecret: 'secret', channelAccessToken: TOKEN });
    bot = await startTestBot(sim);
    sim.setWebhookUrl(bot.url);
    client = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: sim.url });
    blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: TOKEN, baseURL: sim.url });
  });

  afterEach(async () => {
    await bot.close();
    await sim.close();
  });

  async function createWithImage(name: string, areas: messagingApi.RichMenuArea[]): Promise<string> {
    const { richMenuId } = await client.createRichMenu(menu(name, areas));
    await blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(solidPng(2500, 843))], { type: 'image/png' }));
    return richMenuId;
  }

  test('validate and create check size, chatBarText, areas and actions', async () => {
    const good = menu('main', [area(0, { type: 'postback', data: 'browse' })]);
    await expect(client.validateRichMenuObject(good)).resolves.toEqual({});
    const bad = { ...good, size: { width: 2500, height: 2000 }, chatBarText: '這個選單列文字實在太長了超過十四個字' };
    const failure = await statusOf(client.createRichMenu(bad));
    expect(failure.status).toBe(400);
    expect(JSON.parse(failure.body).details.map((detail: { property: string }) => detail.property)).toEqual([
      'size',
      'chatBarText',
    ]);
    const outside = menu('x', [
      { bounds: { x: 2000, y: 0, width: 1000, height: 843 }, action: { type: 'postback', data: 'x' } },
    ]);
    expect((await statusOf(client.validateRichMenuObject(outside))).status).toBe(400);
    const richMenuId = (await client.createRichMenu(good)).richMenuId;
    expect(richMenuId).toMatch(/^richmenu-[0-9a-f]{32}$/);
    await expect(client.getRichMenu(richMenuId)).resolves.toMatchObject({ richMenuId, name: 'main' });
    expect((await client.getRichMenuList()).richmenus).toHaveLength(1);
  });

  test('image upload: 415 for another type, 400 for another size, 400 for a second upload', async () => {
    const { richMenuId } = await client.createRichMenu(menu('main', []));
    const gif = await statusOf(
      blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(solidPng(2500, 843))], { type: 'image/gif' })),
    );
    expect(gif.status).toBe(415);
    const small = await statusOf(
      blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(solidPng(1200, 405))], { type: 'image/png' })),
    );
    expect(small.status).toBe(400);
    expect(JSON.parse(small.body).message).toMatch(/1200x405.*2500x843/);
    const jpegWrong = await statusOf(
      blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(jpegHeader(800, 270))], { type: 'image/jpeg' })),
    );
    expect(jpegWrong.status).toBe(400);
    await blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(jpegHeader(2500, 843))], { type: 'image/jpeg' }));
    const second = await statusOf(
      blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(solidPng(2500, 843))], { type: 'image/png' })),
    );
    expect(second.status).toBe(400);
    expect(sim.callsTo(`/v2/bot/richmenu/${richMenuId}/content`).map((call) => call.status)).toEqual([
      415, 400, 400, 200, 400,
    ]);
    expect(sim.callsTo(`/v2/bot/richmenu/${richMenuId}/content`)[0]?.body).toMatchObject({ contentType: 'image/gif' });
  });

  test('an image over 1 MB is refused', async () => {
    const { richMenuId } = await client.createRichMenu(menu('main', []));
    const huge = Buffer.concat([solidPng(2500, 843), Buffer.alloc(1024 * 1024)]);
    const failure = await statusOf(
      blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(huge)], { type: 'image/png' })),
    );
    expect(failure.status).toBe(413);
  });

  test('default and per-user link need an uploaded image; link beats default', async () => {
    const { richMenuId: bare } = await client.createRichMenu(menu('bare', []));
    expect((await statusOf(client.setDefaultRichMenu(bare))).status).toBe(400);
    expect((await statusOf(client.linkRichMenuIdToUser('U1', bare))).status).toBe(400);
    const main = await createWithImage('main', []);
    const vip = await createWithImage('vip', []);
    await client.setDefaultRichMenu(main);
    await expect(client.getDefaultRichMenuId()).resolves.toEqual({ richMenuId: main });
    const user = newUserId();
    expect(sim.richMenuFor(user)?.richMenuId).toBe(main);
    await client.linkRichMenuIdToUser(user, vip);
    await expect(client.getRichMenuIdOfUser(user)).resolves.toEqual({ richMenuId: vip });
    expect(sim.richMenuFor(user)?.richMenuId).toBe(vip);
    await client.unlinkRichMenuIdFromUser(user);
    expect(sim.richMenuFor(user)?.richMenuId).toBe(main);
    await client.cancelDefaultRichMenu();
    expect(sim.richMenuFor(user)).toBeUndefined();
    const image = await blob.getRichMenuImage(main);
    expect(image).toBeDefined();
    await client.deleteRichMenu(vip);
    expect((await statusOf(client.getRichMenu(vip))).status).toBe(404);
  });

  test('aliases: create, update, list, get, delete; pattern and conflicts checked', async () => {
    const a = await createWithImage('a', []);
    const b = await createWithImage('b', []);
    await client.createRichMenuAlias({ richMenuAliasId: 'tab-main', richMenuId: a });
    expect((await statusOf(client.createRichMenuAlias({ richMenuAliasId: 'tab-main', richMenuId: b }))).status).toBe(
      400,
    );
    expect((await statusOf(client.createRichMenuAlias({ richMenuAliasId: 'Tab Main', richMenuId: b }))).status).toBe(
      400,
    );
    await client.updateRichMenuAlias('tab-main', { richMenuId: b });
    await expect(client.getRichMenuAlias('tab-main')).resolves.toEqual({ richMenuAliasId: 'tab-main', richMenuId: b });
    await expect(client.getRichMenuAliasList()).resolves.toEqual({
      aliases: [{ richMenuAliasId: 'tab-main', richMenuId: b }],
    });
    await client.deleteRichMenuAlias('tab-main');
    expect((await statusOf(client.getRichMenuAlias('tab-main'))).status).toBe(404);
  });

  test('area taps: postback, message, uri, and richmenuswitch (switches and sends LINE’s postback)', async () => {
    const shop = await createWithImage('shop', [
      area(0, { type: 'postback', data: 'action=browse', displayText: '逛逛商品' } as messagingApi.Action),
      area(1250, {
        type: 'richmenuswitch',
        richMenuAliasId: 'tab-account',
        data: 'tab=account',
      } as messagingApi.Action),
    ]);
    const account = await createWithImage('account', [
      area(0, { type: 'message', text: '訂單' } as messagingApi.Action),
      area(1250, { type: 'uri', uri: 'https://example.com/help' } as messagingApi.Action),
    ]);
    await client.createRichMenuAlias({ richMenuAliasId: 'tab-shop', richMenuId: shop });
    await client.createRichMenuAlias({ richMenuAliasId: 'tab-account', richMenuId: account });
    await client.setDefaultRichMenu(shop);
    const user = newUserId();

    await sim.tapRichMenu(user, 0);
    expect(bot.events().at(-1)).toMatchObject({ type: 'postback', postback: { data: 'action=browse' } });
    expect(sim.chat(user).at(-1)).toMatchObject({ from: 'user', type: 'postback', text: '逛逛商品' });

    const switched = await sim.tapRichMenu(user, 1);
    expect(switched.kind).toBe('webhook');
    expect(bot.events().at(-1)).toMatchObject({
      type: 'postback',
      postback: { data: 'tab=account', params: { newRichMenuAliasId: 'tab-account', status: 'SUCCESS' } },
    });
    expect(sim.richMenuFor(user)?.richMenuId).toBe(account);

    await sim.tapRichMenu(user, 0);
    expect(bot.events().at(-1)).toMatchObject({ type: 'message', message: { type: 'text', text: '訂單' } });
    await expect(sim.tapRichMenu(user, 1)).resolves.toEqual({ kind: 'uri', uri: 'https://example.com/help' });
  });
});

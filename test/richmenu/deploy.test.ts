/**
 * Deploy against the LINE simulator with the real SDK clients: idempotence, safe replacement,
 * rollback of a failed upload, dry run, and the tabs working for a user afterwards.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type DeployReport,
  deployRichMenus,
  type RichMenuApi,
  type RichMenuBlobApi,
  RichMenuDeployError,
} from '../../richmenu/deploy';
import { createRichMenuClients } from '../../richmenu/line-deploy';
import { loadMenus, type MenuSpec } from '../../richmenu/menus';
import { type LineSimulator, startLineSimulator } from '../../src/sandbox/line';

const TOKEN = 'test-token';
let sim: LineSimulator;
let clients: ReturnType<typeof createRichMenuClients>;

beforeEach(async () => {
  sim = await startLineSimulator({ channelSecret: 'test-secret', channelAccessToken: TOKEN, port: 0 });
  clients = createRichMenuClients({ channelAccessToken: TOKEN, apiBaseUrl: sim.url, dataApiBaseUrl: sim.url });
});
afterEach(() => sim.close());

const deploy = (
  menus: MenuSpec[] = loadMenus(),
  dryRun = false,
  over: { client?: RichMenuApi; blobClient?: RichMenuBlobApi } = {},
) => deployRichMenus({ ...clients, ...over, menus, dryRun });

/** The committed menus with main's chat bar text changed: a new version of `main`. */
const changedMain = () =>
  loadMenus().map((m) =>
    m.key === 'main' ? { ...m, definition: { ...m.definition, chatBarText: '山嵐茶舖 開店' } } : m,
  );

const byName = () => new Map(sim.richMenus().map((m) => [m.menu.name, m.richMenuId]));
const aliasTarget = async (aliasId: string) =>
  (await clients.client.getRichMenuAliasList()).aliases.find((a) => a.richMenuAliasId === aliasId)?.richMenuId;
const defaultId = async () => (await clients.client.getDefaultRichMenuId()).richMenuId;
const creates = () => sim.callsTo('/v2/bot/richmenu', 'POST').filter((c) => c.path === '/v2/bot/richmenu');

/** Runs a deploy expected to fail and returns its error. */
async function failingDeploy(run: Promise<DeployReport>): Promise<RichMenuDeployError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RichMenuDeployError);
  return err as RichMenuDeployError;
}

it('deploys the menus, default and aliases, and a second run creates nothing', async () => {
  const first = await deploy();
  expect(first.menus.map((m) => [m.key, m.status])).toEqual([
    ['main', 'created'],
    ['guide', 'created'],
  ]);
  expect(first.aliases.map((a) => [a.aliasId, a.status])).toEqual([
    ['shop-main', 'created'],
    ['shop-guide', 'created'],
  ]);
  const main = first.menus[0]!;
  expect(main.name).toMatch(/^line-shop:main:[0-9a-f]{12}$/);
  expect(await defaultId()).toBe(main.richMenuId);
  expect(await aliasTarget('shop-main')).toBe(main.richMenuId);
  expect(await aliasTarget('shop-guide')).toBe(first.menus[1]!.richMenuId);
  // The upload carried the exact content type.
  const upload = sim.callsTo(`/v2/bot/richmenu/${main.richMenuId}/content`, 'POST')[0];
  expect(upload?.headers['content-type']).toBe('image/png');
  expect(upload?.status).toBe(200);

  sim.clearCalls();
  const second = await deploy();
  expect(second.changed).toBe(false);
  expect(second.menus.map((m) => m.status)).toEqual(['kept', 'kept']);
  expect(second.aliases.map((a) => a.status)).toEqual(['kept', 'kept']);
  expect(creates()).toHaveLength(0);
  expect(sim.calls.filter((c) => c.method !== 'GET')).toEqual([]);
  expect(sim.richMenus()).toHaveLength(2);
});

it('replaces a changed menu: new default and alias first, then the old one is deleted', async () => {
  const first = await deploy();
  const oldMain = first.menus[0]!.richMenuId!;
  const guide = first.menus[1]!.richMenuId!;
  sim.clearCalls();

  const second = await deploy(changedMain());
  expect(second.menus.map((m) => [m.key, m.status])).toEqual([
    ['main', 'replaced'],
    ['guide', 'kept'],
  ]);
  const newMain = second.menus[0]!.richMenuId!;
  expect(newMain).not.toBe(oldMain);
  expect(second.deleted).toEqual([{ richMenuId: oldMain, name: first.menus[0]!.name }]);
  expect(second.aliases.map((a) => [a.aliasId, a.status])).toEqual([
    ['shop-main', 'updated'],
    ['shop-guide', 'kept'],
  ]);
  expect(await defaultId()).toBe(newMain);
  expect(await aliasTarget('shop-main')).toBe(newMain);
  expect(await aliasTarget('shop-guide')).toBe(guide);
  expect([...byName().values()].sort()).toEqual([newMain, guide].sort());

  // Order: the old menu is deleted only after the default and the alias point at the new one.
  const seqOf = (method: string, path: string) =>
    sim.calls.find((c) => c.method === method && c.path === path)?.seq ?? -1;
  const deletedAt = seqOf('DELETE', `/v2/bot/richmenu/${oldMain}`);
  expect(seqOf('POST', `/v2/bot/richmenu/${newMain}/content`)).toBeLessThan(deletedAt);
  expect(seqOf('POST', `/v2/bot/user/all/richmenu/${newMain}`)).toBeLessThan(deletedAt);
  expect(seqOf('POST', '/v2/bot/richmenu/alias/shop-main')).toBeLessThan(deletedAt);
});

it('a failed image upload leaves the previous menu in place and deletes the half-made one', async () => {
  const first = await deploy();
  const before = { default: await defaultId(), main: await aliasTarget('shop-main'), names: byName() };

  // The real SDK call goes through; the simulator answers it with the injected 415.
  const blobClient: RichMenuBlobApi = {
    setRichMenuImage: (id: string, body?: Blob) => {
      sim.failNext(`/v2/bot/richmenu/${id}/content`, {
        status: 415,
        body: { message: 'Unsupported Media Type' },
      });
      return clients.blobClient.setRichMenuImage(id, body);
    },
    getRichMenuImage: (id: string) => clients.blobClient.getRichMenuImage(id),
  };
  const err = await failingDeploy(deploy(changedMain(), false, { blobClient }));
  expect(err.message).toContain('uploading the image of main: LINE answered 415: Unsupported Media Type');
  expect(err.message).toContain('image/png or image/jpeg');

  expect(await defaultId()).toBe(before.default);
  expect(await aliasTarget('shop-main')).toBe(before.main);
  expect(byName()).toEqual(before.names);
  expect(first.menus[0]!.richMenuId).toBe(before.default);
});

it('when the second of two new menus fails, both new ones are rolled back', async () => {
  await deploy();
  const before = byName();
  const changedBoth = loadMenus().map((m) => ({ ...m, definition: { ...m.definition, chatBarText: '新版選單' } }));
  let uploads = 0;
  const blobClient: RichMenuBlobApi = {
    setRichMenuImage: (id: string, body?: Blob) => {
      uploads += 1;
      if (uploads === 2) sim.failNext(`/v2/bot/richmenu/${id}/content`, { status: 500 });
      return clients.blobClient.setRichMenuImage(id, body);
    },
    getRichMenuImage: (id: string) => clients.blobClient.getRichMenuImage(id),
  };
  const err = await failingDeploy(deploy(changedBoth, false, { blobClient }));
  expect(err.message).toContain('uploading the image of guide: LINE answered 500');
  expect(byName()).toEqual(before);
});

it('reports a rate limit on create with the reason', async () => {
  // Same SDK client (methods found through the prototype), with create answered 429 by the simulator.
  const client = Object.create(clients.client) as typeof clients.client;
  client.createRichMenu = (request) => {
    sim.failNext('/v2/bot/richmenu', { status: 429, body: { message: 'The API rate limit has been exceeded.' } });
    return clients.client.createRichMenu(request);
  };
  const err = await failingDeploy(deploy(loadMenus(), false, { client }));
  expect(err.message).toMatch(
    /creating main: LINE answered 429: The API rate limit has been exceeded\. — rate limited/,
  );
  expect(sim.richMenus()).toEqual([]);
});

it('dry run validates and prints the plan without changing anything', async () => {
  const empty = await deploy(loadMenus(), true);
  expect(empty.dryRun).toBe(true);
  expect(empty.changed).toBe(true);
  expect(empty.menus.map((m) => m.status)).toEqual(['created', 'created']);
  expect(sim.richMenus()).toEqual([]);
  expect(sim.calls.filter((c) => c.method !== 'GET').map((c) => c.path)).toEqual([
    '/v2/bot/richmenu/validate',
    '/v2/bot/richmenu/validate',
  ]);

  const first = await deploy();
  const state = { names: byName(), default: await defaultId(), alias: await aliasTarget('shop-main') };
  const plan = await deploy(changedMain(), true);
  expect(plan.menus.map((m) => m.status)).toEqual(['replaced', 'kept']);
  expect(plan.plan.deletes.map((d) => d.richMenuId)).toEqual([first.menus[0]!.richMenuId]);
  expect(byName()).toEqual(state.names);
  expect(await defaultId()).toBe(state.default);
  expect(await aliasTarget('shop-main')).toBe(state.alias);
});

it('refuses an invalid menu before calling LINE', async () => {
  const wrongSize = loadMenus().map((m) =>
    m.key === 'main' ? { ...m, definition: { ...m.definition, size: { width: 2500, height: 843 } } } : m,
  );
  const err = await failingDeploy(deploy(wrongSize));
  expect(err.problems.join('\n')).toContain("main: image: is 2500×1686 pixels, the definition's size is 2500×843");
  expect(sim.calls).toEqual([]);
});

it('replaces a same-name menu left without an image by a crashed deploy', async () => {
  const report = await deploy(loadMenus(), true);
  const name = report.menus[0]!.name;
  const main = loadMenus()[0]!;
  const { richMenuId: halfMade } = await clients.client.createRichMenu({ ...main.definition, name });

  const fixed = await deploy();
  expect(fixed.menus[0]!.richMenuId).not.toBe(halfMade);
  expect(fixed.deleted.map((d) => d.richMenuId)).toEqual([halfMade]);
  expect(await defaultId()).toBe(fixed.menus[0]!.richMenuId);
});

describe('after deploy, a user', () => {
  let webhook: Server;
  const received: unknown[] = [];
  beforeEach(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push(...(JSON.parse(body) as { events: unknown[] }).events);
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    sim.setWebhookUrl(`http://127.0.0.1:${(webhook.address() as AddressInfo).port}/webhook`);
  });
  afterEach(() => new Promise<void>((resolve) => webhook.close(() => resolve())));

  it('sees the main menu, taps the guide tab and gets the agreed postback', async () => {
    const report = await deploy();
    const user = sim.addUser().userId;
    expect(sim.richMenuFor(user)?.richMenuId).toBe(report.menus[0]!.richMenuId);

    await sim.tapRichMenu(user, 0);
    expect(sim.richMenuFor(user)?.richMenuId).toBe(report.menus[1]!.richMenuId);
    expect(received).toContainEqual(
      expect.objectContaining({
        type: 'postback',
        postback: {
          data: 'action=menu&tab=shop-guide',
          params: { newRichMenuAliasId: 'shop-guide', status: 'SUCCESS' },
        },
      }),
    );

    await sim.tapRichMenu(user, 1);
    expect(received).toContainEqual(expect.objectContaining({ type: 'postback', postback: { data: 'action=browse' } }));
  });
});

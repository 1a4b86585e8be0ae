/**
 * Settings in the console on both databases: owner only; the profile saved in the database wins
 * over the environment at once (the chat greets with it), also on another instance; delivery
 * settings are checked field by field; the rich menu is rebuilt from the profile and deployed to
 * the LINE simulator; accounts are created with a one-time password and disabled.
 */
import { accountByEmail } from '../../src/admin/account-repository';
import { newUser } from '../checkout/helpers';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { account, ConsoleClient } from './helpers';

describe.each(dialects)('console settings on %s', (dialect) => {
  let shop: TestShop;
  let owner: ConsoleClient;
  let staff: ConsoleClient;
  beforeAll(async () => {
    shop = await startTestShop(dialect);
    await account(shop, 'owner@example.com', 'owner');
    await account(shop, 'staff@example.com', 'staff');
    owner = new ConsoleClient(shop.url);
    await owner.login('owner@example.com');
    staff = new ConsoleClient(shop.url);
    await staff.login('staff@example.com');
  });
  afterAll(() => shop.close());

  const profile = {
    name: '小步鞋坊',
    emoji: '👟',
    greeting: '手工皮鞋，<b>台灣製造</b>。',
    tagline: '手工皮鞋',
    about: '',
    contact: '02-1234-5678',
    brandColor: '#8A4B2A',
  };

  it('refuses staff: settings, profile, delivery, rich menu and accounts (403), nothing changed', async () => {
    expect((await staff.get('/admin/settings')).status).toBe(403);
    const token = ConsoleClient.csrfOf((await staff.get('/admin')).text);
    for (const path of ['profile', 'delivery', 'richmenu', 'accounts', 'accounts/1/remove']) {
      const res = await staff.request('POST', `/admin/settings/${path}`, {
        ...profile,
        email: 'x@example.com',
        _csrf: token,
      });
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect((await shop.runtime.settings.get()).profile.name).not.toBe('小步鞋坊');
    expect(await accountByEmail(shop.database.db, 'x@example.com')).toBeUndefined();
  });

  it('saves the profile: it wins over the environment at once, in the chat and on another instance', async () => {
    const bad = await owner.post('/admin/settings/profile', { ...profile, brandColor: 'red' }, '/admin/settings');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('品牌色需為 #RRGGBB');
    const ok = await owner.post('/admin/settings/profile', profile, '/admin/settings');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('商店資料已儲存');
    expect(ok.text).toContain('&lt;b&gt;台灣製造&lt;/b&gt;');

    const user = newUser();
    await shop.sim.follow(user);
    const [greeting] = await shop.sim.waitForMessages(user, 1);
    expect(JSON.stringify(greeting?.message)).toContain('手工皮鞋，<b>台灣製造</b>。');

    const other = await shop.startAnotherInstance({ startJobs: false });
    expect((await other.runtime.settings.get()).profile).toMatchObject({ name: '小步鞋坊', brandColor: '#8A4B2A' });
  });

  it('saves delivery settings, with a reason beside a wrong field', async () => {
    const form = {
      homeFee: '100',
      cvsFee: '60',
      cvsChains: 'FAMIC2C',
      freeShippingThreshold: '1,500',
      pickupAddress: '',
      pickupHours: '',
    };
    const bad = await owner.post('/admin/settings/delivery', { ...form, homeFee: '-1' }, '/admin/settings');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('運費需為 0 到 100000 的整數');
    const noChain = await owner.post('/admin/settings/delivery', { ...form, cvsChains: '' }, '/admin/settings');
    expect(noChain.status).toBe(400);
    const ok = await owner.post(
      '/admin/settings/delivery',
      { ...form, pickupAddress: '台北市中正區重慶南路一段 1 號', pickupHours: '10:00–18:00' },
      '/admin/settings',
    );
    expect(ok.status).toBe(200);
    expect((await shop.runtime.settings.get()).delivery).toEqual({
      homeFee: 100,
      cvsFee: 60,
      freeShippingThreshold: 1500,
      cvsChains: ['FAMIC2C'],
      pickup: { address: '台北市中正區重慶南路一段 1 號', hours: '10:00–18:00' },
    });
  });

  it('rebuilds the rich menu from the profile and deploys it to LINE', async () => {
    const res = await owner.post('/admin/settings/richmenu', {}, '/admin/settings');
    expect(res.status).toBe(200);
    expect(res.text).toContain('圖文選單已依目前的商店資料重建並部署');
    const menus = shop.sim.richMenus();
    expect(menus.length).toBeGreaterThan(0);
    expect(menus.map((m) => m.menu.chatBarText)).toEqual(menus.map(() => '小步鞋坊 選單'));
    expect(menus.every((m) => m.image?.contentType === 'image/png')).toBe(true);
  }, 60_000);

  it('creates an account with a one-time password shown once, and disables one (its sessions end)', async () => {
    const res = await owner.post(
      '/admin/settings/accounts',
      { email: 'helper@example.com', role: 'staff' },
      '/admin/settings',
    );
    expect(res.status).toBe(200);
    const password = /id="one-time-password">([^<]+)</.exec(res.text)?.[1] as string;
    expect(password).toMatch(/^[A-Za-z0-9]{14}$/);
    const helper = new ConsoleClient(shop.url);
    expect((await helper.login('helper@example.com', password)).headers.get('location')).toBe('/admin/password');
    const id = (await accountByEmail(shop.database.db, 'helper@example.com'))?.id as number;
    const off = await owner.post(`/admin/settings/accounts/${id}/remove`, {}, '/admin/settings');
    expect(off.text).toContain('已停用 helper@example.com');
    expect((await helper.get('/admin/password')).status).toBe(302);
    expect((await helper.login('helper@example.com', password)).status).toBe(401);
  });
});

/**
 * Contact details and the FAQ edited in the console's settings, on both databases: checked by the
 * profile's own rules with the reason beside the field (nothing stored on a refusal), effective in
 * the LINE chat at once (the 客服 bubble, typed keywords), audited, owner only, CSRF-guarded, and
 * the fullest help bubble the console allows still passes the LINE simulator's message checks.
 */
import { recentAudit } from '../../src/admin/account-repository';
import { validateMessages } from '../../src/sandbox/line';
import { FAQ_MAX_ENTRIES } from '../../src/shop/profile';
import { readSettings } from '../../src/shop/settings-repository';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { account, ConsoleClient } from './helpers';

const USER = 'U3234567890abcdef1234567890abcdef';

describe.each(dialects)('contact details and FAQ in the console on %s', (dialect) => {
  let shop: TestShop;
  let owner: ConsoleClient;
  let staff: ConsoleClient;
  let seen = 0;
  beforeAll(async () => {
    shop = await startTestShop(dialect);
    await account(shop, 'owner@example.com', 'owner');
    await account(shop, 'staff@example.com', 'staff');
    owner = new ConsoleClient(shop.url);
    await owner.login('owner@example.com');
    staff = new ConsoleClient(shop.url);
    await staff.login('staff@example.com');
    shop.sim.addUser(USER, { displayName: '小美' });
  });
  afterAll(() => shop.close());

  /** Types in the chat and returns the shop's answer (checked like LINE checks it). */
  async function ask(text: string): Promise<string> {
    await shop.sim.sendText(USER, text);
    const entries = await shop.sim.waitForMessages(USER, seen + 1, { timeoutMs: 5000 });
    const fresh = entries.slice(seen).map((e) => e.message);
    seen = entries.length;
    expect(validateMessages(fresh as never, { allowHttpImages: true })).toEqual([]);
    return JSON.stringify(fresh);
  }
  const storedProfile = async () => (await readSettings(shop.database.db)).get('profile');

  const profile = {
    name: '小步鞋坊',
    emoji: '👟',
    greeting: '手工皮鞋。',
    tagline: '手工皮鞋',
    about: '',
    contact: '',
    phone: '04-2222-3333',
    email: 'shoes@example.com',
    hours: '週二至週日 11:00–19:00',
    address: '台中市西區<公益路> 1 號',
    returnPolicy: '鞋子到貨 7 天鑑賞期內可退換尺寸，請保持鞋盒完整。',
    brandColor: '#8A4B2A',
  };

  it('refuses a wrong phone or e-mail beside the field and stores nothing', async () => {
    const before = await storedProfile();
    const badPhone = await owner.post('/admin/settings/profile', { ...profile, phone: '打給我' }, '/admin/settings');
    expect(badPhone.status).toBe(400);
    expect(badPhone.text).toMatch(/id="phone-error">電話格式不對/);
    expect(badPhone.text).toContain('value="打給我"');
    const badEmail = await owner.post('/admin/settings/profile', { ...profile, email: 'shoes@' }, '/admin/settings');
    expect(badEmail.status).toBe(400);
    expect(badEmail.text).toMatch(/id="email-error">E-mail 格式不對/);
    expect(await storedProfile()).toBe(before);
    expect((await shop.runtime.settings.get()).profile.phone).not.toBe('打給我');
  });

  it('saves contact details and the return policy: the 客服 bubble and typed questions use them at once', async () => {
    const before = await ask('客服');
    expect(before).not.toContain('04-2222-3333');
    const ok = await owner.post('/admin/settings/profile', profile, '/admin/settings');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('商店資料已儲存');
    expect(ok.text).toContain('台中市西區&lt;公益路&gt; 1 號');

    const help = await ask('客服');
    for (const part of ['04-2222-3333', 'tel:0422223333', 'shoes@example.com', '週二至週日 11:00–19:00']) {
      expect(help).toContain(part);
    }
    expect(help).toContain('台中市西區<公益路> 1 號');
    expect(await ask('我想退貨')).toContain('鞋子到貨 7 天鑑賞期內可退換尺寸');
    expect(await ask('你們的電話是多少')).toContain('04-2222-3333');

    const [audit] = await recentAudit(shop.database.db, 1, 'profile');
    expect(audit).toMatchObject({ action: 'settings_profile', actor: 'owner@example.com' });
    expect(audit?.detail).toContain('04-2222-3333');
  });

  it('adds, edits and deletes FAQ entries: a typed keyword gets the answer at once; the defaults stay', async () => {
    const page = await owner.get('/admin/settings');
    expect(page.text).toContain('運費怎麼算？');
    expect(page.text).toMatch(/自動問答/);

    const added = await owner.post(
      '/admin/settings/faq',
      { question: '有實體門市嗎？<b>', keywords: '門市， 實體店,店面', answer: '有，歡迎來試穿。' },
      '/admin/settings',
    );
    expect(added.status).toBe(200);
    expect(added.text).toContain('已新增問答');
    expect(added.text).toContain('有實體門市嗎？&lt;b&gt;');
    expect(added.text).not.toContain('有實體門市嗎？<b>');
    expect((await shop.runtime.settings.get()).profile.faq).toEqual([
      { question: '有實體門市嗎？<b>', keywords: ['門市', '實體店', '店面'], answer: '有，歡迎來試穿。' },
    ]);
    // The contact details saved before are kept when the FAQ is saved.
    expect((await shop.runtime.settings.get()).profile.phone).toBe('04-2222-3333');

    expect(await ask('請問你們有實體店嗎')).toContain('有，歡迎來試穿。');
    const help = await ask('客服');
    expect(help).toContain('有實體門市嗎？<b>');
    expect(help).toContain('運費怎麼算？');

    const edited = await owner.post(
      '/admin/settings/faq/1',
      { was: '有實體門市嗎？<b>', question: '有實體門市嗎？', keywords: '門市,實體店', answer: '有，在台中公益路。' },
      '/admin/settings',
    );
    expect(edited.status).toBe(200);
    expect(await ask('有門市嗎')).toContain('有，在台中公益路。');

    // A tab drawn before the edit names the old question: refused rather than changing another entry.
    const stale = await owner.post('/admin/settings/faq/1/remove', { was: '有實體門市嗎？<b>' }, '/admin/settings');
    expect(stale.status).toBe(409);
    const removed = await owner.post('/admin/settings/faq/1/remove', { was: '有實體門市嗎？' }, '/admin/settings');
    expect(removed.status).toBe(200);
    expect((await shop.runtime.settings.get()).profile.faq).toEqual([]);
    expect(await ask('有門市嗎')).not.toContain('台中公益路');

    const actions = (await recentAudit(shop.database.db, 3, 'faq')).map((a) => a.action);
    expect(actions).toEqual(['settings_faq_removed', 'settings_faq_edited', 'settings_faq_added']);
  });

  it('refuses an entry that does not fit, beside its field, storing nothing', async () => {
    const before = await storedProfile();
    const cases: Array<[Record<string, string>, string]> = [
      [{ question: '問'.repeat(41), keywords: '問', answer: '答' }, '問題必填，最多 40 個字'],
      [{ question: '', keywords: '問', answer: '答' }, '問題必填'],
      [{ question: '問', keywords: ' ， ', answer: '答' }, '請填 1 到 20 個關鍵字'],
      [{ question: '問', keywords: '字'.repeat(21), answer: '答' }, '請填 1 到 20 個關鍵字'],
      [{ question: '問', keywords: '問', answer: '答'.repeat(1001) }, '回答必填，最多 1000 個字'],
    ];
    for (const [form, reason] of cases) {
      const res = await owner.post('/admin/settings/faq', form, '/admin/settings');
      expect([res.status, res.text.includes(reason)]).toEqual([400, true]);
    }
    expect(await storedProfile()).toBe(before);
  });

  it(`holds at most ${FAQ_MAX_ENTRIES} entries; the fullest help bubble passes LINE's checks`, async () => {
    for (let i = 1; i <= FAQ_MAX_ENTRIES; i++) {
      const question = `${String(i).padStart(2, '0')}${'長'.repeat(37)}😀`;
      const res = await owner.post(
        '/admin/settings/faq',
        {
          question,
          keywords: Array.from({ length: 20 }, (_, j) => `關鍵${i}-${j}`).join(','),
          answer: '答'.repeat(1000),
        },
        '/admin/settings',
      );
      expect(res.status).toBe(200);
    }
    const more = await owner.post(
      '/admin/settings/faq',
      { question: '再一則', keywords: '再', answer: '答' },
      '/admin/settings',
    );
    expect(more.status).toBe(400);
    expect(more.text).toContain(`自己的問答最多 ${FAQ_MAX_ENTRIES} 則`);
    const dup = await owner.post(
      '/admin/settings/faq/2',
      { was: `02${'長'.repeat(37)}😀`, question: `01${'長'.repeat(37)}😀`, keywords: 'x', answer: 'y' },
      '/admin/settings',
    );
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('已經有同樣的問題了');
    // ask() checks the bubble as the LINE simulator does (labels, 30 KB).
    const help = await ask('客服');
    // The button label is the whole question: 40 characters, the emoji not cut in half.
    expect(help).toContain(`"label":"10${'長'.repeat(37)}😀"`);
    expect(await ask('關鍵7-3')).toContain('答'.repeat(1000));
  });

  it('is for the owner only, and every change needs the CSRF token', async () => {
    const before = await storedProfile();
    expect((await staff.get('/admin/settings')).status).toBe(403);
    const token = ConsoleClient.csrfOf((await staff.get('/admin')).text);
    for (const path of ['faq', 'faq/1', 'faq/1/remove', 'profile']) {
      const res = await staff.request('POST', `/admin/settings/${path}`, {
        ...profile,
        question: '員工',
        keywords: '員工',
        answer: '員工',
        _csrf: token,
      });
      expect([path, res.status]).toEqual([path, 403]);
      const noToken = await owner.request('POST', `/admin/settings/${path}`, {
        ...profile,
        question: '沒有權杖',
        keywords: '權杖',
        answer: '沒有',
      });
      expect([path, noToken.status]).toEqual([path, 403]);
    }
    expect(await storedProfile()).toBe(before);
  });
});

/**
 * The shop profile: parsed and checked once, the tea shop only in the sandbox's demo profile, and
 * every greeting, help text and rich menu speaking as whatever shop the profile describes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMenuSvg } from '../richmenu/build';
import { chatBarText } from '../richmenu/line-deploy';
import { RICHMENU_DIR, readDefinition, readManifest } from '../richmenu/menus';
import { ConfigError, loadConfig } from '../src/config';
import { copy } from '../src/messages/copy';
import { helpMessage } from '../src/messages/help-messages';
import { defaultFaq, matchFaq, shopFaq } from '../src/shop/faq';
import { GENERIC_PROFILE, ProfileError, parseShopProfile, parseShopProfileJson } from '../src/shop/profile';

const LIVE = {
  LINE_CHANNEL_SECRET: 's',
  LINE_CHANNEL_ACCESS_TOKEN: 't',
  ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
};
const SHOE_SHOP = {
  name: '小步鞋坊',
  emoji: '👟',
  greeting: '手工皮鞋與帆布鞋，台灣製造。',
  tagline: '手工皮鞋',
  contact: '02-2345-6789（週一至週五 10:00–18:00）',
  brandColor: '#8a2f2f',
};

function profileFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'line-shop-profile-')), 'shop.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('shop profile', () => {
  it('fills what a profile leaves out from neutral defaults that name no kind of shop', () => {
    const p = parseShopProfile({ name: '小步鞋坊' });
    expect(p).toEqual({ ...GENERIC_PROFILE, name: '小步鞋坊' });
    expect(JSON.stringify(GENERIC_PROFILE)).not.toMatch(/茶/);
  });

  it('uses the tagline as the menu hint unless the menu words say otherwise', () => {
    expect(parseShopProfile({ tagline: '手工皮鞋' }).richMenu.browseHint).toBe('手工皮鞋');
    expect(parseShopProfile({ tagline: '手工皮鞋', richMenu: { browseHint: '新品上架' } }).richMenu.browseHint).toBe(
      '新品上架',
    );
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 5 }, 'name'],
    [{ brandColor: 'red' }, 'brandColor'],
    [{ tagline: '很長很長很長很長很長很長很長很長很長很長很長' }, 'tagline'],
    [{ greting: 'typo' }, 'greting'],
    [{ richMenu: { shopTab: '一二三四五六七' } }, 'richMenu.shopTab'],
    [{ richMenu: { browseIcon: 'shoe' } }, 'richMenu.browseIcon'],
    [{ richMenu: { colour: 'x' } }, 'richMenu.colour'],
    [[], 'profile'],
  ])('refuses %j, naming %s', (input, fieldName) => {
    let error: unknown;
    try {
      parseShopProfile(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).field).toBe(fieldName);
  });

  it('reads a file with a BOM and says where broken JSON is', () => {
    expect(parseShopProfileJson(`\uFEFF${JSON.stringify(SHOE_SHOP)}`).name).toBe('小步鞋坊');
    expect(() => parseShopProfileJson('{"name":')).toThrow(/not valid JSON/);
  });
});

describe('shop profile in the configuration', () => {
  it('is the demo tea shop in the sandbox and a neutral shop when live', () => {
    const sandbox = loadConfig({});
    expect(sandbox.profile.name).toBe('山嵐茶舖');
    expect(sandbox.profile.greeting).toContain('台灣好茶');
    expect(sandbox.shopName).toBe('山嵐茶舖');
    const live = loadConfig(LIVE);
    expect(live.profile.name).toBe(GENERIC_PROFILE.name);
    expect(live.profile.greeting).not.toMatch(/茶/);
  });

  it('loads SHOP_PROFILE, and SHOP_NAME overrides its name', () => {
    const file = profileFile(SHOE_SHOP);
    const c = loadConfig({ ...LIVE, SHOP_PROFILE: file });
    expect(c.profile).toMatchObject({ name: '小步鞋坊', brandColor: '#8A2F2F', tagline: '手工皮鞋' });
    expect(loadConfig({ ...LIVE, SHOP_PROFILE: file, SHOP_NAME: '大步鞋坊' }).shopName).toBe('大步鞋坊');
    expect(loadConfig({ SHOP_NAME: '別的店' }).profile.greeting).toContain('台灣好茶');
  });

  it('stops with one line naming SHOP_PROFILE when the file is missing or wrong', () => {
    expect(() => loadConfig({ SHOP_PROFILE: '/nonexistent/shop.json' })).toThrow(ConfigError);
    const bad = profileFile({ brandColor: 'green' });
    expect(() => loadConfig({ SHOP_PROFILE: bad })).toThrow(/SHOP_PROFILE: .*brandColor must be a colour/);
  });
});

describe('the shop speaks as its profile', () => {
  const shoes = parseShopProfile(SHOE_SHOP);

  it('greets and helps in the shop’s own words, with contact details when it has them', () => {
    const greeting = copy.greeting(shoes);
    expect(greeting).toContain('歡迎光臨「小步鞋坊」👟');
    expect(greeting).toContain('手工皮鞋與帆布鞋');
    expect(greeting).not.toMatch(/茶/);
    expect(JSON.stringify(helpMessage(shoes, []))).toContain('02-2345-6789（週一至週五 10:00–18:00）');
    expect(JSON.stringify(helpMessage(GENERIC_PROFILE, []))).not.toContain('聯絡我們');
  });

  it('draws its rich menus with its words and brand colour', () => {
    for (const entry of readManifest()) {
      const svg = renderMenuSvg(entry.key, readDefinition(RICHMENU_DIR, entry), shoes);
      expect(svg).toContain('color="#8A2F2F"');
      expect(svg).toContain(shoes.richMenu.shopTab);
      expect(svg).not.toMatch(/茶/);
    }
    const tea = loadConfig({}).profile;
    const teaMain = renderMenuSvg('main', readDefinition(RICHMENU_DIR, readManifest()[0]!), tea);
    expect(teaMain).toContain('逛茶舖');
    expect(teaMain).toContain('當季台灣好茶');
  });

  it('names the chat bar after the shop within LINE’s 14 characters', () => {
    expect(chatBarText('山嵐茶舖')).toBe('山嵐茶舖 選單');
    expect([...chatBarText('一間名字非常非常非常長的小商店啊')].length).toBeLessThanOrEqual(14);
  });
});

describe('contact details and FAQ in the profile', () => {
  const settings = { delivery: undefined, paymentsEnabled: true, cardPayMinutes: 20, atmExpireDays: 3 };

  it("reads phone, e-mail, hours, address, return policy and the merchant's FAQ, refusing what does not fit", () => {
    const p = parseShopProfile({
      ...SHOE_SHOP,
      phone: '02-2345-6789',
      email: 'shop@example.com',
      hours: '週一至週五 10:00–18:00',
      address: '台北市大安區',
      faq: [{ question: '有門市嗎？', keywords: ['門市', '實體店'], answer: '有，歡迎來坐坐。' }],
    });
    expect(p).toMatchObject({ phone: '02-2345-6789', email: 'shop@example.com', address: '台北市大安區' });
    expect(p.returnPolicy).toContain('7 天鑑賞期');
    // The merchant's own entries come first; the defaults built from the settings stay after them.
    const faq = shopFaq(p, settings);
    expect(faq.map((q) => q.question)).toEqual(['有門市嗎？', ...defaultFaq(p, settings).map((q) => q.question)]);
    expect(faq[0]?.id).toMatch(/^q[0-9a-z]+$/);
    expect(shopFaq({ ...p, faq: [{ question: '有門市嗎？', keywords: ['店'], answer: '有' }] }, settings)[0]?.id).toBe(
      faq[0]?.id,
    );
    expect(() => parseShopProfile({ phone: 'call me' })).toThrow(/phone/);
    expect(() => parseShopProfile({ email: 'nope' })).toThrow(/email/);
    expect(() => parseShopProfile({ faq: [{ question: 'q', keywords: [], answer: 'a' }] })).toThrow(
      /faq\[0\]\.keywords/,
    );
    expect(() => parseShopProfile({ faq: [{ question: 'q', keywords: ['k'], answer: 'a', extra: 1 }] })).toThrow(
      /faq\[0\]\.extra/,
    );
  });

  it('defaults its FAQ from the real settings: delivery fees, payment methods, the return policy', () => {
    const faq = defaultFaq(GENERIC_PROFILE, {
      ...settings,
      delivery: {
        homeFee: 120,
        cvsFee: 60,
        freeShippingThreshold: 1500,
        pickup: { address: '台北市文山區指南路', hours: '週六 10:00–16:00' },
        cvsChains: ['UNIMARTC2C', 'FAMIC2C'],
      },
    });
    const answer = (id: string) => faq.find((q) => q.id === id)?.answer ?? '';
    expect(answer('shipping')).toContain('宅配到府：運費 NT$120');
    expect(answer('shipping')).toContain('超商取貨（7-ELEVEN、全家）：運費 NT$60');
    expect(answer('shipping')).toContain('滿 NT$1,500 免運費');
    expect(answer('shipping')).toContain('到店自取：免運費，地址 台北市文山區指南路');
    expect(answer('payment')).toContain('3 天內轉入');
    expect(answer('returns')).toBe(GENERIC_PROFILE.returnPolicy);
    expect(
      defaultFaq(GENERIC_PROFILE, { ...settings, paymentsEnabled: false }).find((q) => q.id === 'payment')?.answer,
    ).toContain('暫停線上付款');
  });

  it.each<[string, string | undefined]>([
    ['運費多少', 'shipping'],
    ['请问运费', 'shipping'],
    ['可以退貨嗎', 'returns'],
    ['收到商品破損', 'returns'],
    ['ＡＴＭ 可以嗎', 'payment'],
    ['幾天會到貨', 'delivery_time'],
    ['營業時間', 'contact'],
    ['烏龍', undefined],
  ])('matches "%s" to %s', (typed, id) => {
    expect(matchFaq(defaultFaq(GENERIC_PROFILE, settings), typed)?.id).toBe(id);
  });
});

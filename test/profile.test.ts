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
    expect(copy.help(shoes)).toContain('聯絡我們：02-2345-6789');
    expect(copy.help(GENERIC_PROFILE)).not.toContain('聯絡我們');
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

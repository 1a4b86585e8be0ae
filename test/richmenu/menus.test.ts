/**
 * The committed menus: every definition and built PNG passes the checks, the shop's postback
 * contract with the conversation is honoured, and the tabs switch to each other.
 */
import type { messagingApi } from '@line/bot-sdk';
import { checkMenu, checkMenuSet, imageInfo } from '../../richmenu/checks';
import { loadMenus } from '../../richmenu/menus';

const menus = loadMenus();
const dataOf = (m: (typeof menus)[number]) =>
  (m.definition.areas ?? []).map((a) => (a.action as messagingApi.PostbackAction).data);

describe('committed rich menus', () => {
  it.each(menus.map((m) => [m.key, m] as const))('%s passes every check', (_key, m) => {
    expect(checkMenu(m.definition, m.image, m.aliasId)).toEqual([]);
  });

  it('are consistent with each other (aliases, switch targets, one default)', () => {
    expect(checkMenuSet(menus)).toEqual([]);
    expect(menus.filter((m) => m.isDefault).map((m) => m.key)).toEqual(['main']);
  });

  it('keep the images well under 1 MB and PNG', () => {
    for (const m of menus) {
      expect(imageInfo(m.image)?.type).toBe('image/png');
      expect(m.image.byteLength).toBeLessThan(400 * 1024);
    }
  });

  it('main menu offers browse, cart, orders and help with the agreed postback data', () => {
    const main = menus.find((m) => m.key === 'main')!;
    expect(main.definition.size).toEqual({ width: 2500, height: 1686 });
    expect(dataOf(main)).toEqual(
      expect.arrayContaining(['action=browse', 'action=cart', 'action=orders', 'action=help']),
    );
  });

  it('tab areas switch with richmenuswitch and data action=menu&tab=<alias>', () => {
    const switches = menus.flatMap((m) =>
      (m.definition.areas ?? [])
        .map((a) => a.action as messagingApi.RichMenuSwitchAction)
        .filter((a) => a.type === 'richmenuswitch'),
    );
    expect(switches.length).toBeGreaterThanOrEqual(2);
    for (const s of switches) expect(s.data).toBe(`action=menu&tab=${s.richMenuAliasId}`);
  });

  it('use only postback data the conversation handles', () => {
    const known = /^action=(browse|cart|orders|help|menu&tab=[a-z0-9_-]+)$/;
    for (const m of menus) for (const d of dataOf(m)) expect(d).toMatch(known);
  });
});

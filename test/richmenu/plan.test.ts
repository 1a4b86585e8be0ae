import type { RichMenuDefinition } from '../../richmenu/checks';
import { contentHash, isNoop, keyOfName, menuName, planDeploy, type RemoteState } from '../../richmenu/plan';

const def: RichMenuDefinition = {
  size: { width: 2500, height: 843 },
  selected: true,
  chatBarText: '選單',
  areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'postback', data: 'action=browse' } }],
};
const image = Buffer.from('png bytes');

const wanted = (over: { hash?: string } = {}) => {
  const hash = over.hash ?? contentHash(def, image);
  return [
    { key: 'main', definition: def, image, aliasId: 'shop-main', isDefault: true, name: menuName('main', hash) },
    { key: 'guide', definition: def, image, aliasId: 'shop-guide', name: menuName('guide', 'aaaaaaaaaaaa') },
  ];
};
const remote = (over: Partial<RemoteState> = {}): RemoteState => ({ menus: [], aliases: new Map(), ...over });

describe('contentHash', () => {
  it('ignores key order and the name, but not content or image', () => {
    const h = contentHash(def, image);
    expect(h).toMatch(/^[0-9a-f]{12}$/);
    const reordered = { areas: def.areas, chatBarText: def.chatBarText, selected: true, size: def.size, name: 'x' };
    expect(contentHash(reordered, image)).toBe(h);
    expect(contentHash({ ...def, chatBarText: '菜單' }, image)).not.toBe(h);
    expect(contentHash(def, Buffer.from('other png'))).not.toBe(h);
  });
  it('round-trips the key through the name', () => {
    expect(keyOfName(menuName('main', 'abcdef012345'))).toBe('main');
    expect(keyOfName("someone else's menu")).toBeUndefined();
  });
});

describe('planDeploy', () => {
  it('creates everything on an empty channel', () => {
    const plan = planDeploy(wanted(), remote());
    expect(plan.menus.map((m) => m.action)).toEqual(['create', 'create']);
    expect(plan.setDefault).toEqual({ key: 'main', from: undefined });
    expect(plan.aliases.map((a) => [a.aliasId, a.action])).toEqual([
      ['shop-main', 'create'],
      ['shop-guide', 'create'],
    ]);
    expect(plan.deletes).toEqual([]);
  });

  it('is a no-op when the same menus, default and aliases are there', () => {
    const [main, guide] = wanted();
    const plan = planDeploy(
      wanted(),
      remote({
        menus: [
          { richMenuId: 'r1', name: main!.name, hasImage: true },
          { richMenuId: 'r2', name: guide!.name, hasImage: true },
          { richMenuId: 'x', name: 'made by hand in the OA manager', hasImage: true },
        ],
        aliases: new Map([
          ['shop-main', 'r1'],
          ['shop-guide', 'r2'],
        ]),
        defaultRichMenuId: 'r1',
      }),
    );
    expect(isNoop(plan)).toBe(true);
    expect(plan.stale).toEqual([]);
  });

  it('replaces a changed menu: create, switch default and alias, then delete the old one', () => {
    const [, guide] = wanted();
    const old = { richMenuId: 'old', name: menuName('main', '111111111111'), hasImage: true };
    const plan = planDeploy(
      wanted(),
      remote({
        menus: [old, { richMenuId: 'r2', name: guide!.name, hasImage: true }],
        aliases: new Map([
          ['shop-main', 'old'],
          ['shop-guide', 'r2'],
        ]),
        defaultRichMenuId: 'old',
      }),
    );
    expect(plan.menus[0]).toMatchObject({ key: 'main', action: 'create', replaces: [old] });
    expect(plan.menus[1]).toMatchObject({ key: 'guide', action: 'keep', richMenuId: 'r2' });
    expect(plan.setDefault).toEqual({ key: 'main', from: 'old' });
    expect(plan.aliases.map((a) => a.action)).toEqual(['update', 'keep']);
    expect(plan.deletes).toEqual([{ ...old, key: 'main' }]);
  });

  it('recreates a same-name menu whose image was never uploaded, and deletes the broken one', () => {
    const [main] = wanted();
    const broken = { richMenuId: 'half', name: main!.name, hasImage: false };
    const plan = planDeploy(wanted().slice(0, 1), remote({ menus: [broken] }));
    expect(plan.menus[0]).toMatchObject({ action: 'create', replaces: [] });
    expect(plan.deletes).toEqual([{ ...broken, key: 'main' }]);
  });

  it('reports menus of keys no longer in the manifest without deleting them', () => {
    const gone = { richMenuId: 'g', name: menuName('winter-sale', '222222222222'), hasImage: true };
    const plan = planDeploy(wanted(), remote({ menus: [gone] }));
    expect(plan.stale).toEqual([gone]);
    expect(plan.deletes).toEqual([]);
  });
});

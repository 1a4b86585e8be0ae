import { deflateSync } from 'node:zlib';
import {
  checkAliasId,
  checkAreas,
  checkDefinition,
  checkImage,
  checkMenu,
  checkMenuSet,
  checkSize,
  imageInfo,
  type RichMenuDefinition,
} from '../../richmenu/checks';

/** A tiny valid-header PNG of the given size (the pixels are never decoded by the checks). */
function pngOfSize(width: number, height: number, padTo = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    return Buffer.concat([len, Buffer.from(type, 'ascii'), data, Buffer.alloc(4)]);
  };
  const body = Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
  ]);
  return padTo > body.length ? Buffer.concat([body, Buffer.alloc(padTo - body.length)]) : body;
}

const menu = (over: Partial<RichMenuDefinition> = {}): RichMenuDefinition => ({
  size: { width: 2500, height: 843 },
  selected: true,
  chatBarText: '選單',
  areas: [
    { bounds: { x: 0, y: 0, width: 1250, height: 843 }, action: { type: 'postback', data: 'action=browse' } },
    { bounds: { x: 1250, y: 0, width: 1250, height: 843 }, action: { type: 'postback', data: 'action=cart' } },
  ],
  ...over,
});

describe('imageInfo', () => {
  it('reads PNG size and type', () => {
    expect(imageInfo(pngOfSize(2500, 1686))).toEqual({ type: 'image/png', width: 2500, height: 1686 });
  });
  it('reads JPEG size from the start-of-frame segment', () => {
    const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]);
    const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x03, 0x4b, 0x09, 0xc4, 0x03, 0, 0, 0, 0, 0, 0]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.alloc(8)]);
    expect(imageInfo(jpeg)).toEqual({ type: 'image/jpeg', width: 2500, height: 843 });
  });
  it('rejects anything else', () => {
    expect(imageInfo(Buffer.from('GIF89a............................'))).toBeUndefined();
  });
});

describe('checkSize', () => {
  it.each([
    [2500, 1686],
    [2500, 843],
    [800, 250],
    [1200, 810],
  ])('accepts %i×%i', (width, height) => {
    expect(checkSize({ width, height })).toEqual([]);
  });
  it.each([
    [799, 250, 'size.width'],
    [2501, 843, 'size.width'],
    [800, 249, 'size.height'],
    [1000, 700, 'width/height'],
  ])('rejects %i×%i', (width, height, what) => {
    expect(checkSize({ width, height }).join()).toContain(what);
  });
});

describe('checkAreas', () => {
  it('accepts areas that tile the image edge to edge', () => {
    expect(checkAreas(menu())).toEqual([]);
  });
  it('rejects overlapping areas', () => {
    const def = menu();
    def.areas![1]!.bounds!.x = 1249;
    expect(checkAreas(def)).toEqual(['areas[1].bounds: overlaps areas[0]']);
  });
  it('rejects an area outside the image', () => {
    const def = menu();
    def.areas![1]!.bounds!.width = 1251;
    expect(checkAreas(def).join()).toContain('outside the 2500×843 image');
  });
  it('rejects more than 20 areas', () => {
    const areas = Array.from({ length: 21 }, (_, i) => ({
      bounds: { x: i * 100, y: 0, width: 100, height: 100 },
      action: { type: 'postback' as const, data: `a=${i}` },
    }));
    expect(checkAreas(menu({ areas })).join()).toContain('at most 20');
  });
  it('rejects postback data over 300 characters and missing data', () => {
    const def = menu();
    def.areas![0]!.action = { type: 'postback', data: 'x'.repeat(301) };
    def.areas![1]!.action = { type: 'postback' } as never;
    expect(checkAreas(def)).toEqual([
      'areas[0].action.data: postback data must be at most 300 characters',
      'areas[1].action.data: postback data is required',
    ]);
  });
  it('checks richmenuswitch alias ids and data', () => {
    const def = menu();
    def.areas![0]!.action = { type: 'richmenuswitch', richMenuAliasId: 'Shop Main', data: 'action=menu&tab=x' };
    expect(checkAreas(def)).toEqual(['areas[0].action.richMenuAliasId: "Shop Main" must match [a-z0-9_-]{1,32}']);
  });
});

describe('checkDefinition / checkImage', () => {
  it('limits chatBarText to 14 characters (counted as characters, not bytes)', () => {
    expect(checkDefinition(menu({ chatBarText: '山'.repeat(14) }))).toEqual([]);
    expect(checkDefinition(menu({ chatBarText: '山'.repeat(15) })).join()).toContain('chatBarText');
  });
  it('requires the image to have the pixel size of the definition', () => {
    expect(checkImage(menu(), pngOfSize(2500, 843))).toEqual([]);
    expect(checkImage(menu(), pngOfSize(2500, 1686))).toEqual([
      "image: is 2500×1686 pixels, the definition's size is 2500×843",
    ]);
  });
  it('rejects an image over 1 MB', () => {
    expect(checkImage(menu(), pngOfSize(2500, 843, 1024 * 1024 + 1)).join()).toContain('over the 1 MB limit');
  });
  it('checks the alias with the menu', () => {
    expect(checkMenu(menu(), pngOfSize(2500, 843), 'shop-main')).toEqual([]);
    expect(checkMenu(menu(), pngOfSize(2500, 843), 'x'.repeat(33)).join()).toContain('[a-z0-9_-]{1,32}');
  });
});

describe('checkAliasId', () => {
  it.each(['shop-main', 'a', 'tab_2', 'x'.repeat(32)])('accepts %s', (id) => expect(checkAliasId(id)).toEqual([]));
  it.each(['', 'Shop', 'a b', 'x'.repeat(33), '中文'])('rejects "%s"', (id) =>
    expect(checkAliasId(id)).toHaveLength(1),
  );
});

describe('checkMenuSet', () => {
  it('requires every switch target to be an alias of some menu, and one default at most', () => {
    const switching = menu();
    switching.areas![0]!.action = {
      type: 'richmenuswitch',
      richMenuAliasId: 'nowhere',
      data: 'action=menu&tab=nowhere',
    };
    expect(
      checkMenuSet([
        { key: 'main', definition: switching, aliasId: 'shop-main', isDefault: true },
        { key: 'other', definition: menu(), aliasId: 'shop-main', isDefault: true },
      ]),
    ).toEqual([
      'alias "shop-main": used by two menus',
      'only one menu can be the default',
      'main: areas[0] switches to alias "nowhere", which no menu has',
    ]);
  });
});

import { lineErrorBodyFor, validateMessages } from '../../src/sandbox/line';

type Json = Record<string, unknown>;

const text = (value: string): Json => ({ type: 'text', text: value });
const bubble = (extra: Json = {}): Json => ({
  type: 'bubble',
  body: { type: 'box', layout: 'vertical', contents: [text('hello')] },
  ...extra,
});
const flex = (contents: Json, altText = 'alt'): Json => ({ type: 'flex', altText, contents });
const withFooter = (...contents: Json[]): Json => bubble({ footer: { type: 'box', layout: 'vertical', contents } });
const button = (action: Json, extra: Json = {}): Json => ({ type: 'button', action, ...extra });
const postback = (extra: Json = {}): Json => ({ type: 'postback', label: 'Add', data: 'a=1', ...extra });

function propertiesOf(messages: unknown): string[] {
  return validateMessages(messages).map((issue) => issue.property);
}

describe('validateMessages', () => {
  test('accepts a realistic shop carousel', () => {
    const product = bubble({
      size: 'kilo',
      hero: {
        type: 'image',
        url: 'https://example.com/tea.png',
        size: 'full',
        aspectRatio: '20:13',
        aspectMode: 'cover',
      },
      footer: {
        type: 'box',
        layout: 'vertical',
        spacing: 'sm',
        contents: [
          button(postback({ displayText: '加入購物車' }), { style: 'primary', color: '#06C755', height: 'sm' }),
          { type: 'separator', margin: 'md' },
          {
            type: 'box',
            layout: 'baseline',
            contents: [{ type: 'icon', url: 'https://example.com/i.png' }, text('x')],
          },
          { type: 'filler' },
          button({ type: 'uri', label: 'Web', uri: 'https://example.com' }, { style: 'link' }),
        ],
      },
    });
    const message = {
      ...flex({ type: 'carousel', contents: Array.from({ length: 12 }, () => product) }),
      quickReply: { items: [{ type: 'action', action: { type: 'message', label: '購物車', text: '購物車' } }] },
    };
    expect(validateMessages([message])).toEqual([]);
  });

  test('1–5 messages', () => {
    expect(propertiesOf([])).toEqual(['messages']);
    expect(propertiesOf(Array.from({ length: 6 }, () => text('x')))).toEqual(['messages']);
    expect(propertiesOf(undefined)).toEqual(['messages']);
  });

  test('text must be 1–5000 characters', () => {
    expect(propertiesOf([text('x'.repeat(5000))])).toEqual([]);
    expect(validateMessages([text('x'.repeat(5001))])).toEqual([
      { property: 'messages[0].text', message: 'Length must be between 1 and 5000' },
    ]);
    expect(propertiesOf([text('')])).toEqual(['messages[0].text']);
  });

  test('Flex altText is required and ≤ 1500', () => {
    expect(propertiesOf([flex(bubble(), '')])).toEqual(['messages[0].altText']);
    expect(propertiesOf([flex(bubble(), 'a'.repeat(1501))])).toEqual(['messages[0].altText']);
    expect(propertiesOf([flex(bubble(), 'a'.repeat(1500))])).toEqual([]);
  });

  test('a carousel has 1–12 bubbles of the same size', () => {
    const thirteen = flex({ type: 'carousel', contents: Array.from({ length: 13 }, () => bubble()) });
    expect(validateMessages([thirteen])[0]?.flex?.pointer).toBe('/contents');
    const mixed = flex({ type: 'carousel', contents: [bubble({ size: 'kilo' }), bubble({ size: 'mega' })] });
    expect(validateMessages([mixed])[0]?.flex?.pointer).toBe('/contents/1/size');
    const defaultAndMega = flex({ type: 'carousel', contents: [bubble(), bubble({ size: 'mega' })] });
    expect(validateMessages([defaultAndMega])).toEqual([]);
  });

  test('bubble ≤ 30 KB and carousel ≤ 50 KB', () => {
    const big = (bytes: number) =>
      bubble({ body: { type: 'box', layout: 'vertical', contents: [text('x'.repeat(bytes))] } });
    expect(validateMessages([flex(big(31 * 1024))]).map((issue) => issue.flex?.pointer)).toEqual(['/']);
    const carousel = flex({ type: 'carousel', contents: Array.from({ length: 6 }, () => big(9 * 1024)) });
    expect(validateMessages([carousel]).map((issue) => issue.message)).toEqual(['carousel JSON must be at most 50 KB']);
  });

  test('spacer is rejected at its JSON pointer, in LINE’s error body', () => {
    const issues = validateMessages([text('hi'), flex(withFooter(text('a'), text('b'), { type: 'spacer' }))]);
    expect(lineErrorBodyFor(issues)).toEqual({
      message: 'A message (messages[1]) in the request body is invalid',
      details: [{ message: 'invalid property', property: '/footer/contents/2' }],
    });
  });

  test('components need their required properties', () => {
    const cases: [Json, string][] = [
      [{ type: 'box', contents: [] }, '/footer/contents/0/layout'],
      [{ type: 'box', layout: 'vertical' }, '/footer/contents/0/contents'],
      [{ type: 'text' }, '/footer/contents/0/text'],
      [{ type: 'image' }, '/footer/contents/0/url'],
      [{ type: 'image', url: 'http://example.com/a.png' }, '/footer/contents/0/url'],
      [{ type: 'button' }, '/footer/contents/0/action'],
      [button(postback(), { style: 'fancy' }), '/footer/contents/0/style'],
      [button(postback(), { height: 'lg' }), '/footer/contents/0/height'],
      [{ type: 'icon', url: 'https://example.com/i.png' }, '/footer/contents/0/type'],
      [{ type: 'separator', color: 'red' }, '/footer/contents/0/color'],
      [{ type: 'filler', flex: -1 }, '/footer/contents/0/flex'],
      [{ type: 'video', url: 'https://e.com/v.mp4', previewUrl: 'https://e.com/p.png' }, '/footer/contents/0/type'],
      [{ type: 'box', layout: 'baseline', contents: [button(postback())] }, '/footer/contents/0/contents/0/type'],
    ];
    for (const [component, pointer] of cases) {
      const pointers = validateMessages([flex(withFooter(component))]).map((issue) => issue.flex?.pointer);
      expect({ component, pointers }).toEqual({ component, pointers: expect.arrayContaining([pointer]) });
    }
  });

  test('a video hero needs url, previewUrl and altContent', () => {
    const hero = { type: 'video', url: 'https://e.com/v.mp4', previewUrl: 'https://e.com/p.png' };
    expect(validateMessages([flex(bubble({ hero }))]).map((issue) => issue.flex?.pointer)).toEqual([
      '/hero/altContent',
    ]);
    const complete = { ...hero, altContent: { type: 'image', url: 'https://e.com/p.png' } };
    expect(validateMessages([flex(bubble({ hero: complete }))])).toEqual([]);
  });

  test('postback data is required and ≤ 300; displayText ≤ 300; button label 1–40', () => {
    const pointerFor = (action: Json) =>
      validateMessages([flex(withFooter(button(action)))]).map((issue) => issue.flex?.pointer);
    expect(pointerFor(postback({ data: undefined }))).toEqual(['/footer/contents/0/action/data']);
    expect(pointerFor(postback({ data: 'd'.repeat(301) }))).toEqual(['/footer/contents/0/action/data']);
    expect(pointerFor(postback({ data: 'd'.repeat(300) }))).toEqual([]);
    expect(pointerFor(postback({ displayText: 't'.repeat(301) }))).toEqual(['/footer/contents/0/action/displayText']);
    expect(pointerFor(postback({ label: 'l'.repeat(41) }))).toEqual(['/footer/contents/0/action/label']);
    expect(pointerFor(postback({ label: undefined }))).toEqual(['/footer/contents/0/action/label']);
    expect(pointerFor({ type: 'message', label: 'Hi' })).toEqual(['/footer/contents/0/action/text']);
  });

  test('URI actions: ≤ 1000 characters, schemes http/https/line/tel', () => {
    const pointerFor = (uri: string) =>
      validateMessages([flex(withFooter(button({ type: 'uri', label: 'Go', uri })))]).map(
        (issue) => issue.flex?.pointer,
      );
    for (const ok of ['https://e.com', 'http://e.com', 'line://ti/p/@shop', 'tel:0912345678'])
      expect(pointerFor(ok)).toEqual([]);
    for (const bad of ['javascript:alert(1)', 'ftp://e.com', `https://e.com/${'a'.repeat(1000)}`, 'not a uri']) {
      expect(pointerFor(bad)).toEqual(['/footer/contents/0/action/uri']);
    }
  });

  test('richmenuswitch is only allowed in rich menus', () => {
    const action = { type: 'richmenuswitch', label: 'Tab', richMenuAliasId: 'tab-2', data: 'tab=2' };
    expect(validateMessages([flex(withFooter(button(action)))]).map((issue) => issue.flex?.pointer)).toEqual([
      '/footer/contents/0/action/type',
    ]);
  });

  test('quick reply: 1–13 items, labels 1–20', () => {
    const item = (label: string) => ({ type: 'action', action: { type: 'message', label, text: label } });
    const withItems = (items: unknown[]) => [{ ...text('x'), quickReply: { items } }];
    expect(propertiesOf(withItems(Array.from({ length: 13 }, () => item('ok'))))).toEqual([]);
    expect(propertiesOf(withItems(Array.from({ length: 14 }, () => item('ok'))))).toEqual([
      'messages[0].quickReply.items',
    ]);
    expect(propertiesOf(withItems([item('x'.repeat(21))]))).toEqual(['messages[0].quickReply.items[0].action.label']);
    expect(propertiesOf(withItems([{ type: 'action', action: { type: 'camera', label: 'Camera' } }]))).toEqual([]);
  });

  test('http images are allowed only when the sandbox asks for it', () => {
    const message = flex(bubble({ hero: { type: 'image', url: 'http://localhost:3000/a.png' } }));
    expect(validateMessages([message])).toHaveLength(1);
    expect(validateMessages([message], { allowHttpImages: true })).toEqual([]);
  });
});

/**
 * The pages a customer or developer sees outside the chat (the payment result page, the bank
 * simulator's pages, the LINE simulator's chat page) carry the bundled CJK font, and the servers
 * that serve those pages serve the font too: a machine without a CJK font shows text, not boxes.
 * (The screenshots that show it are described in README; this checks the wiring.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { CJK_FONT_PATH } from '../src/cjk-font';
import { silentLogger } from '../src/logger';
import { type ResultPage, resultPageHtml } from '../src/payments/result-page';
import { type BankSimulator, startBankSimulator } from '../src/sandbox/bank';
import { adminPage } from '../src/sandbox/bank/admin-page';
import { bankPage } from '../src/sandbox/bank/html';
import { createTestDatabase, type TestDatabase } from './support/databases';

const LINKS = [
  `<link rel="stylesheet" href="${CJK_FONT_PATH}/400.css">`,
  `<link rel="stylesheet" href="${CJK_FONT_PATH}/700.css">`,
];
const EMOJI = /\p{Extended_Pictographic}/u;

describe('pages reference the bundled CJK font', () => {
  it.each<ResultPage>([
    { kind: 'paid', orderNo: 'LS1', total: 880 },
    { kind: 'failed' },
    { kind: 'processing', refreshUrl: '/payments/qpay/result/x' },
    { kind: 'unknown' },
  ])('the payment result page ($kind)', (page) => {
    const html = resultPageHtml(page, '山嵐茶舖', 'https://line.me/R/ti/p/@shop');
    for (const link of LINKS) expect(html).toContain(link);
    expect(html).toMatch(/font-family:[^;}]*"Noto Sans TC"/);
    // system-ui made Chromium skip the bundled font for some text; an emoji needs an emoji font.
    expect(html).not.toContain('system-ui');
    expect(html).not.toMatch(EMOJI);
  });

  it('the bank simulator pages', () => {
    for (const html of [
      bankPage('付款', '<p>確認付款</p>', 'QPay 模擬銀行'),
      adminPage({ orders: [], payments: [], notifications: [] } as never, 'http://127.0.0.1/api/'),
    ]) {
      for (const link of LINKS) expect(html).toContain(link);
      expect(html).toMatch(/font:[^;}]*"Noto Sans TC"/);
      expect(html).not.toContain('system-ui');
    }
  });

  it("the LINE simulator's chat page, form controls included", () => {
    const dir = join(__dirname, '..', 'src', 'sandbox', 'line', 'chat-page');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<link rel="stylesheet" href="/sim/fonts/400.css">');
    const css = readFileSync(join(dir, 'chat.css'), 'utf8');
    expect(css).toMatch(/"Noto Sans TC"/);
    // Buttons and selects do not inherit the page's font by default.
    expect(css).toMatch(/button,\s*input,\s*select,\s*textarea\s*\{\s*font-family:\s*inherit;/);
  });
});

/** Fetches the stylesheet, then a few of the woff2 files it names, as a browser would. */
async function expectFontServed(base: string): Promise<void> {
  for (const weight of ['400', '700']) {
    const sheet = await fetch(`${base}${CJK_FONT_PATH}/${weight}.css`);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toMatch(/^text\/css/);
    const css = await sheet.text();
    const files = [...css.matchAll(/url\(\.\/files\/([^)]+\.woff2)\)/g)].map((m) => m[1] as string);
    expect(files.length).toBeGreaterThan(50); // one per unicode-range subset
    for (const file of [files[0], files[files.length - 1], files.find((f) => f.includes('latin'))]) {
      const font = await fetch(`${base}${CJK_FONT_PATH}/files/${file}`);
      expect(font.status).toBe(200);
      expect(font.headers.get('content-type')).toBe('font/woff2');
      expect(
        Buffer.from(await font.arrayBuffer())
          .subarray(0, 4)
          .toString('latin1'),
      ).toBe('wOF2');
    }
  }
  for (const bad of [
    '100.css',
    'files/..%2F..%2Fpackage.json',
    'files/noto-sans-tc-0-400-normal.woff',
    '..%2Fpackage.json',
  ]) {
    expect((await fetch(`${base}${CJK_FONT_PATH}/${bad}`)).status).toBe(404);
  }
}

describe('the font is served', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let bank: BankSimulator;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    app = await buildApp({ db: database.db, channelSecret: 's', now: Date.now, onEventsStored: () => {} });
    await app.listen({ port: 0, host: '127.0.0.1' });
    bank = await startBankSimulator({ port: 0, logger: silentLogger, tickIntervalMs: 0 });
  });
  afterAll(async () => {
    await app.close();
    await bank.close();
    await database.drop();
  });

  it('by the shop (for its payment result page)', async () => {
    const address = app.server.address();
    if (typeof address !== 'object' || !address) throw new Error('not listening');
    await expectFontServed(`http://127.0.0.1:${address.port}`);
  });

  it('by the bank simulator (for its pages)', async () => {
    await expectFontServed(bank.url);
  });
});

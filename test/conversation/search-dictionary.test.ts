/**
 * OpenCC's dictionary (about 12 MB in memory) is loaded on the first text folded, not when the shop
 * starts (issue 17: idle memory). A shop that has just started answers a customer's first typed
 * question with what it finds; a dictionary that cannot be loaded is a clear error for that one
 * caller, not a crash at start or import.
 *
 * `opencc-js/t2cn` is wrapped to count its loads (the real module is returned), and each test asks
 * for fresh copies of the shop's modules (jest.resetModules), as a process that has just started.
 */
import type * as ShopHarness from '../support/shop-harness';

const DICTIONARY = 'opencc-js/t2cn';
let loads = 0;

beforeEach(() => {
  loads = 0;
  jest.resetModules();
  jest.doMock(DICTIONARY, () => {
    loads++;
    return jest.requireActual(DICTIONARY);
  });
});
afterEach(() => {
  jest.dontMock(DICTIONARY);
});

it('is not loaded by starting a shop, and the first typed question finds products', async () => {
  const { seedDemoCatalogIfEmpty } = require('../../src/seed') as typeof import('../../src/seed');
  const { createTestDatabase } = require('../support/databases') as typeof import('../support/databases');
  const database = await createTestDatabase('sqlite');
  // The catalog is indexed (folded) by another process in real life: here, before the restart below.
  await seedDemoCatalogIfEmpty(database.db, 1_000);
  expect(loads).toBe(1);

  jest.resetModules();
  loads = 0;
  const { startInstance, TEST_SECRET, TEST_TOKEN } = require('../support/shop-harness') as typeof ShopHarness;
  const { startLineSimulator } = require('../../src/sandbox/line') as typeof import('../../src/sandbox/line');
  const sim = await startLineSimulator({
    channelSecret: TEST_SECRET,
    channelAccessToken: TEST_TOKEN,
    allowHttpImages: true,
  });
  const shop = await startInstance(database, sim);
  try {
    sim.setWebhookUrl(`${shop.url}/line/webhook`);
    expect(loads).toBe(0);

    const user = 'U3234567890abcdef1234567890abcdef';
    sim.addUser(user, { displayName: '小華' });
    await sim.sendText(user, '請問有沒有乌龙');
    const answer = JSON.stringify((await sim.waitForMessages(user, 2, { timeoutMs: 5000 })).map((e) => e.message));
    // Typed in Simplified, stored in Traditional: found through the dictionary.
    expect(answer).toContain('找到 3 件「請問有沒有乌龙」');
    expect(answer).toContain('阿里山高山烏龍');
    expect(loads).toBe(1);
  } finally {
    await shop.stop();
    await sim.close();
    await database.drop();
  }
});

it('importing the modules that fold words does not load it', () => {
  require('../../src/shop/conversation');
  require('../../src/shop/faq');
  require('../../src/shop/people-service');
  require('../../src/shop/product-search-repository');
  expect(loads).toBe(0);
  const { searchTerms } = require('../../src/shop/search-text') as typeof import('../../src/shop/search-text');
  expect(searchTerms('你們有賣咖啡嗎')).toEqual(['咖啡']);
  expect(loads).toBe(1);
});

it('a dictionary that cannot be loaded fails the caller with a clear error, and the next call tries again', () => {
  jest.doMock(DICTIONARY, () => {
    throw new Error(`Cannot find module '${DICTIONARY}'`);
  });
  const { foldText } = require('../../src/shop/search-text') as typeof import('../../src/shop/search-text');
  expect(() => foldText('烏龍')).toThrow(
    "typed search: cannot load OpenCC's dictionary (opencc-js/t2cn): Cannot find module 'opencc-js/t2cn'",
  );
  jest.doMock(DICTIONARY, () => jest.requireActual(DICTIONARY));
  expect(foldText('臺灣烏龍')).toBe('台湾乌龙');
});

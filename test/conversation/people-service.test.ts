/**
 * The services the merchant console calls for hand-offs, merchant alerts and unanswered questions,
 * on both databases (the conversation's side is in talk.test.ts).
 */
import {
  dismissUnansweredQuestion,
  endHandoffByMerchant,
  handoffState,
  listActiveHandoffs,
  listUnansweredQuestions,
  markMerchantAlertSent,
  maskQuestion,
  pendingMerchantAlerts,
  recordMerchantActivity,
  recordUnansweredQuestion,
  startHandoff,
} from '../../src/shop/people-service';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';

const IDLE = 60 * 60_000;
const A = 'U00000000000000000000000000000aaa';
const B = 'U00000000000000000000000000000bbb';

describe.each(dialects)('people service on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('one open hand-off per customer, one alert each; idle ones leave the list and end when next seen', async () => {
    const db = database.db;
    expect(await startHandoff(db, A, 1_000)).toBe('started');
    expect(await startHandoff(db, A, 2_000)).toBe('already');
    expect(await startHandoff(db, B, 3_000)).toBe('started');
    expect((await pendingMerchantAlerts(db)).map((a) => [a.kind, a.lineUserId])).toEqual([
      ['handoff_started', A],
      ['handoff_started', B],
    ]);
    const [first] = await pendingMerchantAlerts(db, 1);
    expect(await markMerchantAlertSent(db, first?.id as number, 4_000)).toBe(true);
    expect(await markMerchantAlertSent(db, first?.id as number, 5_000)).toBe(false);
    expect(await pendingMerchantAlerts(db)).toHaveLength(1);

    // A's merchant acted at 30 min; B idles out at 1 h + 3 s.
    expect(await recordMerchantActivity(db, A, 30 * 60_000)).toBe(true);
    const at = IDLE + 10_000;
    expect((await listActiveHandoffs(db, at, IDLE)).map((h) => [h.lineUserId, h.idleEndsAt])).toEqual([
      [A, 30 * 60_000 + IDLE],
    ]);
    expect(await handoffState(db, B, at, IDLE)).toEqual({ kind: 'timed_out' });
    expect(await handoffState(db, B, at, IDLE)).toEqual({ kind: 'none' });
    expect(await handoffState(db, A, at, IDLE)).toEqual({ kind: 'open', startedAt: 1_000 });

    expect(await endHandoffByMerchant(db, A, at)).toBe(true);
    expect(await endHandoffByMerchant(db, A, at)).toBe(false);
    expect(await recordMerchantActivity(db, A, at)).toBe(false);
    expect(await listActiveHandoffs(db, at, IDLE)).toEqual([]);
    // A new request after the end is a new hand-off with its own alert.
    expect(await startHandoff(db, A, at + 1)).toBe('started');
    expect(await pendingMerchantAlerts(db)).toHaveLength(2);
  });

  it('counts unanswered questions by their folded text, masked; dismissed until asked again', async () => {
    const db = database.db;
    await recordUnansweredQuestion(db, '台灣有分店嗎', 1);
    await recordUnansweredQuestion(db, '臺灣有分店嗎？', 2);
    await recordUnansweredQuestion(db, '请寄到 me@example.com', 3);
    let list = await listUnansweredQuestions(db);
    expect(list.map((q) => [q.question, q.timesAsked, q.firstAskedAt, q.lastAskedAt])).toEqual([
      ['臺灣有分店嗎？', 2, 1, 2],
      ['请寄到 ＊＊＊@＊＊＊', 1, 3, 3],
    ]);
    expect(await dismissUnansweredQuestion(db, list[0]?.id as number, 4)).toBe(true);
    expect((await listUnansweredQuestions(db)).map((q) => q.timesAsked)).toEqual([1]);
    await recordUnansweredQuestion(db, '台灣有分店嗎', 5);
    list = await listUnansweredQuestions(db);
    expect(list[0]).toMatchObject({ question: '台灣有分店嗎', timesAsked: 3 });
  });
});

describe('unanswered questions keep no personal numbers or addresses', () => {
  it.each([
    ['電話 0912-345-678', '電話 ＊＊＊'],
    ['卡號 4000 2211 1111 1111 可以嗎', '卡號 ＊＊＊ 可以嗎'],
    ['a.b@c.tw 收', '＊＊＊@＊＊＊ 收'],
    ['買 2 盒 3 包', '買 2 盒 3 包'],
  ])('masks "%s"', (typed, kept) => {
    expect(maskQuestion(typed)).toBe(kept);
  });
});

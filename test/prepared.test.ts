/** Statements compiled once still bind each call's own values, keep their constants, and work in transactions. */
import { inlineConstants, prepare } from '../src/db/prepared';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';

const NOW = 1_800_000_000_000;

describe.each(dialects)('prepared statements on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  // 'open' is a constant of the statement; userId and now are bound per call.
  const openCart = prepare((db, p: { userId: string; now: number }) =>
    db
      .insertInto('carts')
      .values({ line_user_id: p.userId, status: 'open', created_at: p.now, updated_at: p.now })
      .returning(['id', 'line_user_id', 'status', 'created_at']),
  );
  const cartsOf = prepare((db, p: { userId: string }) =>
    db.selectFrom('carts').select(['line_user_id', 'status']).where('line_user_id', '=', p.userId),
  );

  it('binds each call’s values into the one compiled statement', async () => {
    const db = database.db;
    const a = await openCart(db, { userId: 'Ua', now: NOW });
    const b = await openCart(db, { userId: 'Ub', now: NOW + 1 });
    expect(a.rows).toEqual([expect.objectContaining({ line_user_id: 'Ua', status: 'open', created_at: NOW })]);
    expect(b.rows).toEqual([expect.objectContaining({ line_user_id: 'Ub', status: 'open', created_at: NOW + 1 })]);
    expect((await cartsOf(db, { userId: 'Ub' })).rows).toEqual([{ line_user_id: 'Ub', status: 'open' }]);
    expect((await cartsOf(db, { userId: 'nobody' })).rows).toEqual([]);
  });

  it('runs inside a transaction and rolls back with it', async () => {
    const db = database.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await openCart(trx, { userId: 'Uc', now: NOW });
        expect((await cartsOf(trx, { userId: 'Uc' })).rows).toHaveLength(1);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await cartsOf(db, { userId: 'Uc' })).rows).toEqual([]);
  });
});

describe('constants written into SQLite statements', () => {
  it('inlines constants as literals and keeps parameters bound, quoted text untouched', () => {
    const sql = `select "a?" from "t" where "x" = ? and "s" = ? and "n" = ? and "q" = ? and "b" = ? limit ?`;
    const out = inlineConstants(sql, ["it's", 7, null, 1.5, Buffer.from('x'), 5]);
    expect(out.sql).toBe(
      `select "a?" from "t" where "x" = 'it''s' and "s" = 7 and "n" = NULL and "q" = ? and "b" = ? limit 5`,
    );
    // A float and a blob stay bound (no literal form that keeps them exact).
    expect(out.parameters).toEqual([1.5, Buffer.from('x')]);
  });

  it('refuses SQL whose placeholders do not match the parameters', () => {
    expect(() => inlineConstants('select ?', [1, 2])).toThrow(/2 parameters, 1 placeholders/);
  });
});

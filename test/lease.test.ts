/**
 * The shared lease claim (src/db/lease.ts), on the outbox table: only due rows of the status with
 * a free lease, oldest first up to the limit; a held lease keeps the row from everyone else until
 * it runs out; claimers at the same moment never get the same row.
 */
import { claimWithLease } from '../src/db/lease';
import { enqueueMessage } from '../src/line/outbox-repository';
import { createTestDatabase, dialects, type TestDatabase } from './support/databases';

const NOW = 1_800_000_000_000;
const LEASE = 30_000;

describe.each(dialects)('claimWithLease on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database.drop();
  });

  async function enqueue(key: string, at: number): Promise<number> {
    const row = await enqueueMessage(
      database.db,
      { lineUserId: 'U1', messages: [{ type: 'text', text: key }], kind: 'notice', logicalKey: key },
      at,
    );
    return row?.id as number;
  }

  const claim = (now: number, limit: number) =>
    claimWithLease(database.db, {
      table: 'outbox',
      key: 'id',
      status: 'pending',
      due: (eb) => eb('next_attempt_at', '<=', now),
      orderBy: 'id',
      limit,
      now,
      leaseMs: LEASE,
      alsoSet: (eb) => ({ attempts: eb('attempts', '+', 10) }),
    });

  it('leases due rows of the status, oldest first, and not again until the lease runs out', async () => {
    const a = await enqueue('a', NOW - 3);
    const b = await enqueue('b', NOW - 2);
    const c = await enqueue('c', NOW - 1);
    await enqueue('later', NOW + 60_000); // not due yet
    const sent = await enqueue('sent', NOW - 4);
    await database.db.updateTable('outbox').set({ status: 'sent' }).where('id', '=', sent).execute();

    const first = await claim(NOW, 2);
    expect(first.map((r) => r.id).sort((x, y) => x - y)).toEqual([a, b]);
    expect(first.every((r) => r.locked_until === NOW + LEASE && r.attempts === 10)).toBe(true);

    // a and b are held: only c is left to claim, and then nothing.
    expect((await claim(NOW + 1, 5)).map((r) => r.id)).toEqual([c]);
    expect(await claim(NOW + 2, 5)).toEqual([]);

    // The leases run out (holders died): the rows are claimable again.
    const again = await claim(NOW + 1 + LEASE + 1, 5);
    expect(again.map((r) => r.id).sort((x, y) => x - y)).toEqual([a, b, c]);
  });

  it('never gives one row to two claimers at the same moment', async () => {
    for (let i = 0; i < 40; i++) await enqueue(`m${i}`, NOW - 100 + i);
    // On PostgreSQL these run on separate connections at once (SKIP LOCKED); on SQLite one by one.
    const batches = await Promise.all(Array.from({ length: 4 }, () => claim(NOW, 15)));
    // A claimer that skipped locked rows may come back short; what is left goes to the next round.
    const rest = await claim(NOW, 40);
    const ids = [...batches.flat(), ...rest].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
  });
});

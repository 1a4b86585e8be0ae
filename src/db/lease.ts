/**
 * Claiming due rows with a lease: the one shape every job queue of the shop shares (outbox
 * messages, payment attempts waiting for the bank, orders to expire or reconcile, bank
 * notifications to verify).
 *
 *   WITH pick AS (SELECT <key> FROM <table>
 *                 WHERE status = <status> AND <due> AND (locked_until IS NULL OR locked_until < now)
 *                 [ORDER BY <orderBy>] [LIMIT <limit>] [FOR UPDATE SKIP LOCKED on PostgreSQL])
 *   UPDATE <table> SET locked_until = now + lease [, …alsoSet]
 *   WHERE <key> IN (SELECT <key> FROM pick) AND status = <status>
 *   RETURNING *
 *
 * One statement, so on SQLite (one writer) nobody can claim between the pick and the lease. On
 * PostgreSQL the pick locks its rows and skips rows another instance is claiming, so instances
 * share the work instead of waiting on (or deadlocking over) each other; the status is checked
 * again in the UPDATE because the row may have moved on since the pick read it. A lease that ran
 * out (its holder died or stalled) makes the row claimable again: jobs must be safe to repeat.
 * The rows come back in no particular order (RETURNING has none).
 */
import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool, UpdateObject } from 'kysely';
import { type Executor, isPostgres } from './database';
import type { DB } from './types';

/** Tables whose rows jobs work on under a lease (they have `status` and `locked_until`). */
export type LeasedTable = 'outbox' | 'payments' | 'orders' | 'bank_notifications' | 'shipments' | 'line_quota';

export interface LeaseClaim<T extends LeasedTable> {
  table: T;
  /** The row's key, picked in the subquery: `id`, or `pay_token` for bank notifications. */
  key: keyof DB[T] & string;
  /** Rows in this status are claimable; checked when picking and again when leasing. */
  status: Selectable<DB[T]> extends { status: infer S } ? S : never;
  /** Which of those rows are due now (the lease being free is added by the helper). */
  due?: (eb: ExpressionBuilder<DB, T>) => Expression<SqlBool>;
  /** Picked oldest first by this column (ascending); without it, in no particular order. */
  orderBy?: keyof DB[T] & string;
  /** At most this many rows; without it, every due row. */
  limit?: number;
  now: number;
  leaseMs: number;
  /** Further columns set with the lease (a call counter, a doubt flag); SET reads the old row. */
  alsoSet?: (eb: ExpressionBuilder<DB, T>) => UpdateObject<DB, T>;
}

/** Leases the due rows described by `claim` to the caller and returns them (see the top of the file). */
export async function claimWithLease<T extends LeasedTable>(
  db: Executor,
  claim: LeaseClaim<T>,
): Promise<Array<Selectable<DB[T]>>> {
  const { table, key, status, due, orderBy, limit, now, leaseMs, alsoSet } = claim;
  // kysely cannot type one statement over a table chosen by a type parameter: the signature above
  // is typed for each table; the statement is built untyped.
  // biome-ignore lint/suspicious/noExplicitAny: see the comment above
  const q = db as unknown as Kysely<any>;
  const name: string = table;
  type Eb = ExpressionBuilder<DB, T>;
  let pick = q.selectFrom(name).select(key).where('status', '=', status);
  if (due) pick = pick.where((eb) => due(eb as unknown as Eb));
  pick = pick.where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]));
  if (orderBy) pick = pick.orderBy(orderBy);
  if (limit !== undefined) pick = pick.limit(limit);
  if (isPostgres(db)) pick = pick.forUpdate().skipLocked();
  // The pick is a CTE, not `IN (subquery)`: PostgreSQL may run an IN subquery again for each row
  // it updates, and with SKIP LOCKED every run skips the rows just leased and picks the next ones,
  // so one claim took the whole backlog whatever the limit. A CTE with FOR UPDATE runs once.
  return (await q
    .with('pick', () => pick)
    .updateTable(name)
    .set((eb) => ({ locked_until: now + leaseMs, ...(alsoSet ? alsoSet(eb as unknown as Eb) : {}) }))
    .where(key, 'in', (eb) => eb.selectFrom('pick').select(key))
    .where('status', '=', status)
    .returningAll()
    .execute()) as Array<Selectable<DB[T]>>;
}

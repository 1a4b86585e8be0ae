/** Bank notifications: every PayToken we were told about, recorded before we answer. */
import type { Executor } from '../db/database';
import { claimWithLease } from '../db/lease';
import type { BankNotification, NotificationStatus } from '../db/types';

/** Records a token once (a repeat changes nothing). Returns true when it was new. */
export async function recordToken(
  db: Executor,
  payToken: string,
  source: BankNotification['source'],
  now: number,
  sourceIp: string | null = null,
): Promise<boolean> {
  const r = await db
    .insertInto('bank_notifications')
    .values({
      pay_token: payToken,
      source,
      status: 'received',
      order_no: null,
      detail: null,
      next_attempt_at: now,
      locked_until: null,
      received_at: now,
      processed_at: null,
      source_ip: sourceIp,
    })
    .onConflict((oc) => oc.column('pay_token').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function getNotification(db: Executor, payToken: string): Promise<BankNotification | undefined> {
  return db.selectFrom('bank_notifications').selectAll().where('pay_token', '=', payToken).executeTakeFirst();
}

/** Final outcome of a token; only a still-`received` row changes. */
export async function finishNotification(
  db: Executor,
  payToken: string,
  status: Exclude<NotificationStatus, 'received'>,
  orderNo: string | null,
  detail: string | null,
  now: number,
): Promise<boolean> {
  const r = await db
    .updateTable('bank_notifications')
    .set({ status, order_no: orderNo, detail: detail?.slice(0, 500) ?? null, processed_at: now, locked_until: null })
    .where('pay_token', '=', payToken)
    .where('status', '=', 'received')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A transient failure (bank unreachable): try again at `retryAt`. Returns the attempts so far. */
export async function deferNotification(db: Executor, payToken: string, detail: string, retryAt: number) {
  const row = await db
    .updateTable('bank_notifications')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      detail: detail.slice(0, 500),
      next_attempt_at: retryAt,
      locked_until: null,
    }))
    .where('pay_token', '=', payToken)
    .where('status', '=', 'received')
    .returning('attempts')
    .executeTakeFirst();
  return row?.attempts ?? 0;
}

/**
 * Leases due, unprocessed tokens, taking turns across sources: every sender's oldest token first,
 * then every sender's second, and so on. A flood of forged tokens from one address therefore
 * cannot push the bank's genuine token from another address to the back of the queue.
 * The turns are computed without locks; the lease is then taken with SKIP LOCKED on PostgreSQL,
 * so two instances never wait on (or deadlock over) each other's rows.
 */
export async function claimDueNotifications(
  db: Executor,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<BankNotification[]> {
  const due = db
    .selectFrom('bank_notifications')
    .select((eb) => [
      'pay_token',
      'received_at',
      eb.fn
        .agg<number>('row_number', [])
        .over((ob) => ob.partitionBy('source_ip').orderBy('received_at'))
        .as('turn'),
    ])
    .where('status', '=', 'received')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]));
  const picked = await db
    .selectFrom(due.as('due'))
    .select('due.pay_token')
    .orderBy('due.turn')
    .orderBy('due.received_at')
    .limit(limit)
    .execute();
  if (picked.length === 0) return [];
  const claimed = await claimWithLease(db, {
    table: 'bank_notifications',
    key: 'pay_token',
    status: 'received',
    due: (eb) =>
      eb(
        'pay_token',
        'in',
        picked.map((p) => p.pay_token),
      ),
    now,
    leaseMs,
  });
  // RETURNING has no order: keep the turns, so the batch is worked through fairly too.
  const turn = new Map(picked.map((p, i) => [p.pay_token, i]));
  return claimed.sort((a, b) => (turn.get(a.pay_token) ?? 0) - (turn.get(b.pay_token) ?? 0));
}

// --- Per-source accounting (issue 11): a flood of forged tokens is told apart by where it comes from.

/** Tokens from `sourceIp` still awaiting a bank query. */
export async function countUnverifiedFrom(db: Executor, sourceIp: string): Promise<number> {
  const r = await db
    .selectFrom('bank_notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('source_ip', '=', sourceIp)
    .where('status', '=', 'received')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Tokens awaiting a bank query, from everyone. */
export async function countUnverified(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('bank_notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', 'received')
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Tokens from `sourceIp` the bank refused (or we rejected after asking) since `since`. */
export async function countRefusedFrom(db: Executor, sourceIp: string, since: number): Promise<number> {
  const r = await db
    .selectFrom('bank_notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('source_ip', '=', sourceIp)
    .where('status', '=', 'rejected')
    .where('processed_at', '>=', since)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Refused tokens per source since `since` (sources with none are absent). */
export async function refusedBySource(db: Executor, since: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('bank_notifications')
    .select(['source_ip', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', '=', 'rejected')
    .where('processed_at', '>=', since)
    .where('source_ip', 'is not', null)
    .groupBy('source_ip')
    .execute();
  return new Map(rows.map((r) => [r.source_ip as string, Number(r.n)]));
}

/**
 * Deletes tokens still awaiting a query from these sources (not ones leased by a job right now).
 * They were never verified, so nothing of the shop's depends on them. Returns how many.
 */
export async function dropUnverifiedFrom(db: Executor, sourceIps: string[], now: number): Promise<number> {
  if (sourceIps.length === 0) return 0;
  const r = await db
    .deleteFrom('bank_notifications')
    .where('source_ip', 'in', sourceIps)
    .where('status', '=', 'received')
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes one token still awaiting a query (its lease holder decided not to ask the bank). */
export async function dropUnverified(db: Executor, payToken: string): Promise<void> {
  await db
    .deleteFrom('bank_notifications')
    .where('pay_token', '=', payToken)
    .where('status', '=', 'received')
    .execute();
}

/** Verified and refused notifications processed before `olderThan`, at most `limit`. Returns how many. */
export async function deleteProcessedNotifications(db: Executor, olderThan: number, limit: number): Promise<number> {
  const old = db
    .selectFrom('bank_notifications')
    .select('pay_token')
    .where('status', 'in', ['paid', 'failed', 'rejected', 'late'])
    .where('processed_at', '<', olderThan)
    .limit(limit);
  const r = await db.deleteFrom('bank_notifications').where('pay_token', 'in', old).executeTakeFirst();
  return Number(r.numDeletedRows);
}

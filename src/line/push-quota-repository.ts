/**
 * The LINE push quota's figures: pushes LINE accepted per Taiwan month and outbox kind, LINE's
 * own quota and consumption (one row, refreshed by a leased job), and the merchant's warnings.
 */
import type { Executor } from '../db/database';
import { claimWithLease } from '../db/lease';
import type { LineQuotaRow, PushBudgetWarning, PushWarningLevel } from '../db/types';

const QUOTA_ROW = 1;

/** Adds delivered pushes to their month's count, one upsert per kind. */
export async function countPushes(db: Executor, month: string, kinds: string[]): Promise<void> {
  const byKind = new Map<string, number>();
  for (const k of kinds) byKind.set(k, (byKind.get(k) ?? 0) + 1);
  for (const [kind, n] of byKind) {
    await db
      .insertInto('push_counts')
      .values({ month, kind, pushes: n })
      .onConflict((oc) =>
        oc.columns(['month', 'kind']).doUpdateSet((eb) => ({ pushes: eb('push_counts.pushes', '+', n) })),
      )
      .execute();
  }
}

/** A month's pushes by kind, most first. */
export async function pushCountsOf(db: Executor, month: string): Promise<Array<{ kind: string; pushes: number }>> {
  const rows = await db
    .selectFrom('push_counts')
    .select(['kind', 'pushes'])
    .where('month', '=', month)
    .orderBy('pushes', 'desc')
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({ kind: r.kind, pushes: Number(r.pushes) }));
}

/** LINE's figures as last read (undefined before the first refresh was scheduled). */
export async function lineQuota(db: Executor): Promise<LineQuotaRow | undefined> {
  const row = await db.selectFrom('line_quota').selectAll().where('id', '=', QUOTA_ROW).executeTakeFirst();
  if (!row) return undefined;
  return {
    ...row,
    quota_value: row.quota_value === null ? null : Number(row.quota_value),
    total_usage: row.total_usage === null ? null : Number(row.total_usage),
  };
}

/**
 * Leases the refresh of LINE's figures when it is due (one instance at a time); creates the row
 * on first use. Returns whether the caller holds the lease.
 */
export async function claimQuotaRefresh(db: Executor, now: number, leaseMs: number): Promise<boolean> {
  await db
    .insertInto('line_quota')
    .values({ id: QUOTA_ROW, status: 'active', next_fetch_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const rows = await claimWithLease(db, {
    table: 'line_quota',
    key: 'id',
    status: 'active',
    due: (eb) => eb('next_fetch_at', '<=', now),
    now,
    leaseMs,
  });
  return rows.length > 0;
}

/** Stores what LINE said (or why it could not be read) and when to ask again; frees the lease. */
export async function recordQuotaRefresh(
  db: Executor,
  result:
    | { ok: true; type: 'none' | 'limited'; value: number | null; totalUsage: number; month: string }
    | { ok: false; error: string },
  now: number,
  nextFetchAt: number,
): Promise<void> {
  await db
    .updateTable('line_quota')
    .set(
      result.ok
        ? {
            quota_type: result.type,
            quota_value: result.value,
            total_usage: result.totalUsage,
            month: result.month,
            fetched_at: now,
            last_error: null,
            next_fetch_at: nextFetchAt,
            locked_until: null,
          }
        : { last_error: result.error.slice(0, 500), next_fetch_at: nextFetchAt, locked_until: null },
    )
    .where('id', '=', QUOTA_ROW)
    .execute();
}

/** Asks for a refresh at the next round (e.g. after LINE refused a push for the monthly limit). */
export async function requestQuotaRefresh(db: Executor, now: number): Promise<void> {
  await db.updateTable('line_quota').set({ next_fetch_at: now }).where('id', '=', QUOTA_ROW).execute();
}

/** Records a warning once per month and level; true when this call recorded it (warn now). */
export async function recordPushWarning(
  db: Executor,
  w: { month: string; level: PushWarningLevel; used: number; budget: number | null },
  now: number,
): Promise<boolean> {
  const r = await db
    .insertInto('push_budget_warnings')
    .values({ ...w, at: now })
    .onConflict((oc) => oc.columns(['month', 'level']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function pushWarningsOf(db: Executor, month: string): Promise<PushBudgetWarning[]> {
  const rows = await db
    .selectFrom('push_budget_warnings')
    .selectAll()
    .where('month', '=', month)
    .orderBy('at')
    .execute();
  return rows.map((r) => ({ ...r, at: Number(r.at), used: Number(r.used) }));
}

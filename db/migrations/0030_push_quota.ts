/**
 * The LINE push quota (issue 14).
 * - `outbox.held_at` / `held_reason`: a push held back because the month's push budget is nearly
 *   spent (`budget`) or LINE answered "You have reached your monthly limit." (`monthly_limit`).
 *   A held row stays `pending` but is not due (its `next_attempt_at` is pushed far ahead) until it
 *   rides on the customer's next reply or is released. `carried_by`: the reply row it rides on
 *   while that reply is in flight; `has_riders` on the reply (so replies without riders, nearly
 *   all, cost no lookup).
 * - `push_counts`: pushes LINE accepted, per Taiwan calendar month and outbox kind. Counted apart
 *   from the outbox because housekeeping deletes delivered rows after RETENTION_DAYS.
 * - `line_quota`: LINE's own figures (GET /v2/bot/message/quota and …/consumption), one row,
 *   refreshed by a leased job.
 * - `push_budget_warnings`: when the merchant was warned that a month's budget is nearly spent or
 *   LINE's monthly limit was reached (one row per month and level: the warning is given once).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('held_at', 'bigint').execute();
  await db.schema.alterTable('outbox').addColumn('held_reason', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('carried_by', 'integer').execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('has_riders', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Every reply looks for its customer's held notices: a small index of held rows only.
  await db.schema
    .createIndex('outbox_held_by_user')
    .on('outbox')
    .columns(['line_user_id', 'id'])
    .where(sql.ref('held_at'), 'is not', null)
    .execute();
  // Each delivery round looks up the riders of the replies it sends.
  await db.schema
    .createIndex('outbox_riders')
    .on('outbox')
    .column('carried_by')
    .where(sql.ref('carried_by'), 'is not', null)
    .execute();

  await db.schema
    .createTable('push_counts')
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('pushes', 'integer', (c) => c.notNull().check(sql`pushes >= 0`))
    .addPrimaryKeyConstraint('push_counts_pk', ['month', 'kind'])
    .execute();

  await db.schema
    .createTable('line_quota')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('active')`))
    .addColumn('quota_type', 'text', (c) => c.check(sql`quota_type IN ('none', 'limited')`))
    .addColumn('quota_value', 'bigint')
    .addColumn('total_usage', 'bigint')
    .addColumn('month', 'text')
    .addColumn('fetched_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('next_fetch_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .execute();

  await db.schema
    .createTable('push_budget_warnings')
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull().check(sql`level IN ('nearly_spent', 'monthly_limit')`))
    .addColumn('used', 'integer', (c) => c.notNull())
    .addColumn('budget', 'integer')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('push_budget_warnings_pk', ['month', 'level'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('push_budget_warnings').execute();
  await db.schema.dropTable('line_quota').execute();
  await db.schema.dropTable('push_counts').execute();
  await db.schema.dropIndex('outbox_riders').execute();
  await db.schema.dropIndex('outbox_held_by_user').execute();
  await db.schema.alterTable('outbox').dropColumn('has_riders').execute();
  await db.schema.alterTable('outbox').dropColumn('carried_by').execute();
  await db.schema.alterTable('outbox').dropColumn('held_reason').execute();
  await db.schema.alterTable('outbox').dropColumn('held_at').execute();
}

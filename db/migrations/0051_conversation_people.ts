/**
 * A person when needed (issue 16).
 * - `handoffs`: a customer asked for a person; while one is open (ended_at NULL) the bot leaves
 *   the customer's typed text to the merchant. At most one open per customer (partial unique
 *   index). `last_merchant_at` moves when the merchant acts in the console; the hand-off ends by
 *   itself HANDOFF_IDLE_MINUTES after it.
 * - `merchant_alert_requests`: "tell the merchant" rows (a hand-off started) for the merchant
 *   alert sender to deliver and mark sent; the conversation only records them.
 * - `unanswered_questions`: what customers typed that nothing answered, counted by its folded
 *   text so the merchant sees which questions to add to the FAQ. No user id is kept, and digits
 *   and e-mail addresses in the text are masked before it is stored.
 */
import { type Kysely, sql } from 'kysely';
import { idColumn } from './helpers';

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('handoffs'))
    .addColumn('line_user_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_merchant_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('ended_by', 'text', (c) => c.check(sql`ended_by IN ('merchant', 'timeout', 'customer')`))
    .execute();
  await db.schema
    .createIndex('handoffs_one_open_per_user')
    .on('handoffs')
    .column('line_user_id')
    .unique()
    .where(sql.ref('ended_at'), 'is', null)
    .execute();
  await db.schema.createIndex('handoffs_by_user').on('handoffs').columns(['line_user_id', 'id']).execute();

  await idColumn(db, db.schema.createTable('merchant_alert_requests'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('handoff_started')`))
    .addColumn('line_user_id', 'text', (c) => c.notNull())
    .addColumn('handoff_id', 'integer', (c) => c.references('handoffs.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('merchant_alert_requests_unsent')
    .on('merchant_alert_requests')
    .columns(['sent_at', 'id'])
    .execute();

  await idColumn(db, db.schema.createTable('unanswered_questions'))
    .addColumn('question_key', 'text', (c) => c.notNull().unique())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('times_asked', 'integer', (c) => c.notNull().check(sql`times_asked > 0`))
    .addColumn('first_asked_at', 'bigint', (c) => c.notNull())
    .addColumn('last_asked_at', 'bigint', (c) => c.notNull())
    .addColumn('dismissed_at', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('unanswered_questions').execute();
  await db.schema.dropTable('merchant_alert_requests').execute();
  await db.schema.dropTable('handoffs').execute();
}

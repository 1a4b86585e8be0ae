/**
 * The merchant console (issue 15): accounts and their sessions in the database (so any instance
 * behind a load balancer knows a login), failed logins counted per IP and per account (the rate
 * limit must hold across instances too), an audit log of every money, stock and settings action,
 * stock adjustments with their reason, per-product low-stock thresholds, and shop settings the
 * console edits (profile, delivery) — stored as JSON per key, read through src/admin/settings.ts.
 */
import { type Kysely, sql } from 'kysely';
import { idColumn } from './helpers';

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('admin_accounts'))
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('owner', 'staff')`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('disabled_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // The cookie holds a random token; only its SHA-256 is stored, so a database copy opens no session.
  await db.schema
    .createTable('admin_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('admin_accounts.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('admin_sessions_by_account').on('admin_sessions').column('account_id').execute();

  await idColumn(db, db.schema.createTable('admin_login_failures'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('admin_login_failures_by_key')
    .on('admin_login_failures')
    .columns(['key', 'at'])
    .execute();

  await idColumn(db, db.schema.createTable('admin_audit'))
    .addColumn('account_id', 'integer')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text')
    .addColumn('ip', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('admin_audit_by_at').on('admin_audit').column('at').execute();

  await idColumn(db, db.schema.createTable('stock_adjustments'))
    .addColumn('product_id', 'integer', (c) => c.notNull().references('products.id').onDelete('cascade'))
    .addColumn('delta', 'integer', (c) => c.notNull())
    .addColumn('stock_after', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('stock_adjustments_by_product')
    .on('stock_adjustments')
    .columns(['product_id', 'id'])
    .execute();

  await db.schema.alterTable('products').addColumn('low_stock_threshold', 'integer').execute();

  await db.schema
    .createTable('shop_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('shop_settings').execute();
  await db.schema.alterTable('products').dropColumn('low_stock_threshold').execute();
  await db.schema.dropTable('stock_adjustments').execute();
  await db.schema.dropTable('admin_audit').execute();
  await db.schema.dropTable('admin_login_failures').execute();
  await db.schema.dropTable('admin_sessions').execute();
  await db.schema.dropTable('admin_accounts').execute();
}

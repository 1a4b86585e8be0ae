/**
 * Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL database, per call.
 * `dialects` lists the ones this run covers (PostgreSQL only when global-setup reached it).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, type Dialect, openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';

const pgAdminUrl = process.env.LINE_SHOP_TEST_PG || '';

export const dialects: Dialect[] = pgAdminUrl ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase extends Database {
  /** The DATABASE_URL of this database, for starting a second app or a child process on it. */
  url: string;
  /** Closes the connection and deletes the database. */
  drop(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A new, migrated, empty database of the given dialect. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'line-shop-test-'));
    const url = `sqlite:${join(dir, 'shop.db')}`;
    const database = openDatabase(url);
    await migrateToLatest(database.db);
    return {
      ...database,
      url,
      drop: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `line_shop_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const u = new URL(pgAdminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = openDatabase(url, { poolSize: 5 });
  await migrateToLatest(database.db);
  return {
    ...database,
    url,
    drop: async () => {
      await database.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A fresh, migrated, seeded shop database per run: a temporary SQLite file or a new PostgreSQL database. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';
import type { DB } from '../../src/db/types';
import { countEventsByStatus } from '../../src/line/inbox-repository';
import { seedDemoCatalogIfEmpty } from '../../src/seed';

export type DbKind = 'sqlite' | 'postgres';

/** The server on which PostgreSQL runs create (and drop) their databases. */
export const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDb {
  url: string;
  kind: DbKind;
  /** The orchestrator's own connection (checks, pre-filled carts). */
  db: Kysely<DB>;
  /** Products of the demo catalog that have stock. */
  productIds: number[];
  inboxCounts(): Promise<Record<string, number>>;
  drop(): Promise<void>;
}

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export async function pgReachable(): Promise<boolean> {
  try {
    await adminQuery('SELECT 1');
    return true;
  } catch {
    return false;
  }
}

/** A fresh, migrated database with the demo catalog. */
export async function createDb(kind: DbKind): Promise<BenchDb> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'line-shop-bench-'));
    url = `sqlite:${join(dir, 'shop.db')}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `line_shop_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const u = new URL(PG_ADMIN);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  const database = openDatabase(url, { poolSize: 2 });
  await migrateToLatest(database.db);
  await seedDemoCatalogIfEmpty(database.db, Date.now());
  const products = await database.db.selectFrom('products').select(['id', 'stock']).execute();
  return {
    url,
    kind,
    db: database.db,
    productIds: products.filter((p) => Number(p.stock) > 0).map((p) => Number(p.id)),
    inboxCounts: () => countEventsByStatus(database.db),
    drop: async () => {
      await database.close();
      await cleanup();
    },
  };
}

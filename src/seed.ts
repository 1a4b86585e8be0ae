/** Loads the demo catalog (db/seed/catalog.json) into an empty shop. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from './db/types';
import { importCatalog, parseCatalog } from './shop/catalog-import';
import { countProducts } from './shop/catalog-repository';

export const DEMO_CATALOG = join(__dirname, '..', 'db', 'seed', 'catalog.json');

/** Returns the number of products loaded (0 when the shop already has a catalog). */
export async function seedDemoCatalogIfEmpty(db: Kysely<DB>, now: number): Promise<number> {
  if ((await countProducts(db)) > 0) return 0;
  const rows = parseCatalog(readFileSync(DEMO_CATALOG, 'utf8'), 'json');
  const report = await importCatalog(db, rows, now);
  return report.created;
}

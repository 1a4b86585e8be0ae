/**
 * npm run catalog:import -- <file.json|file.csv>
 * Checks every row first; a bad row stops the import with its line and reason, nothing written.
 * The file may be UTF-8 (with or without BOM) or Big5/CP950 (Excel's CSV on zh-TW Windows).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { environmentWithDotEnv, loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import { CatalogImportError, importCatalog, parseCatalogFile } from '../shop/catalog-import';

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: npm run catalog:import -- <catalog.json|catalog.csv>');
    return 2;
  }
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.csv') {
    console.error(`catalog:import: ${file}: the file must end in .json or .csv`);
    return 2;
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    console.error(`catalog:import: cannot read ${file}: ${(err as Error).message}`);
    return 2;
  }
  const config = loadConfig(environmentWithDotEnv());
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db);
    const { rows, encoding } = parseCatalogFile(bytes, ext === '.json' ? 'json' : 'csv');
    const r = await importCatalog(database.db, rows, Date.now());
    console.log(
      `${file} (read as ${encoding}): ${rows.length} products — ${r.created} created, ${r.updated} updated, ${r.categoriesCreated} new categories (${database.describe})`,
    );
    return 0;
  } catch (err) {
    if (err instanceof CatalogImportError) {
      console.error(`catalog:import: ${file} ${err.where}: ${err.reason} — nothing was imported`);
      return 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`catalog:import: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

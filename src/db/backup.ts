/**
 * Online backup of the SQLite database with SQLite's backup API (through better-sqlite3), safe
 * while the shop runs: the copy is one consistent snapshot (WAL readers never block the shop's
 * writers). Written next to the target as `.partial` and renamed when complete and checked, so a
 * half-written file never carries the backup's name.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import SQLite from 'better-sqlite3';

export class BackupError extends Error {}

/** The SQLite file of a DATABASE_URL, or why this command cannot back it up. */
export function sqliteFileOf(databaseUrl: string): string {
  if (databaseUrl.startsWith('postgres')) {
    throw new BackupError(
      'DATABASE_URL is PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file=shop.dump "$DATABASE_URL" (restore with pg_restore); see README, Backups',
    );
  }
  if (databaseUrl === 'sqlite::memory:')
    throw new BackupError('DATABASE_URL is an in-memory database: nothing to back up');
  return databaseUrl.slice('sqlite:'.length);
}

export interface BackupReport {
  pages: number;
  integrity: string;
}

export async function backupSqlite(source: string, target: string): Promise<BackupReport> {
  if (!existsSync(source)) throw new BackupError(`no database file at ${source}`);
  if (existsSync(target)) throw new BackupError(`${target} exists already; choose a new file name`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // After the first step, copy everything left in one step: if the shop writes between two
    // steps SQLite restarts the copy, so fewer steps means it finishes under steady writes.
    const { totalPages } = await db.backup(partial, { progress: () => 0x7fffffff });
    const integrity = checkIntegrity(partial);
    if (integrity !== 'ok') throw new BackupError(`the copy failed its integrity check: ${integrity}`);
    renameSync(partial, target);
    return { pages: totalPages, integrity };
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

/** PRAGMA integrity_check of a database file: 'ok', or what is wrong. */
export function checkIntegrity(file: string): string {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

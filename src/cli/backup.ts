/**
 * `npm run backup -- <file>` (built: `node dist/src/cli/backup.js <file>`): an online, consistent
 * copy of the SQLite database in DATABASE_URL, taken while the shop keeps running. PostgreSQL is
 * backed up with its own tools (pg_dump): the command says so and exits with status 1.
 */
import { environmentWithDotEnv, loadConfig } from '../config';
import { BackupError, backupSqlite, sqliteFileOf } from '../db/backup';

const USAGE = 'usage: npm run backup -- <backup-file.db>';

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0]?.startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  const target = argv[0] as string;
  const config = loadConfig(environmentWithDotEnv());
  const source = sqliteFileOf(config.databaseUrl);
  const started = Date.now();
  const report = await backupSqlite(source, target);
  console.log(
    `backup: ${source} → ${target} (${report.pages} pages, integrity ${report.integrity}, ${Date.now() - started} ms)`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`backup: ${err instanceof BackupError || err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

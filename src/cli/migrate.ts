/** npm run migrate — applies pending migrations to DATABASE_URL and says what it did. */
import { environmentWithDotEnv, loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrator';

async function main(): Promise<void> {
  const config = loadConfig(environmentWithDotEnv());
  const database = openDatabase(config.databaseUrl);
  try {
    const applied = await migrateToLatest(database.db);
    console.log(
      applied.length > 0
        ? `${database.describe}: applied ${applied.join(', ')}`
        : `${database.describe}: already up to date`,
    );
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  console.error(`migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

/**
 * Merchant console accounts: `npm run admin -- create-user <email> [--role owner|staff]` (prints a
 * one-time password, to be changed at first login), `reset-password <email>`, `list-users`.
 * Uses the shop's DATABASE_URL (migrating it first, like the shop does at start).
 */

import { listAccounts } from '../admin/account-repository';
import { AccountError, createAccount, resetPassword } from '../admin/account-service';
import { ConfigError, environmentWithDotEnv, loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import type { AdminRole } from '../db/types';
import { formatTaiwanDateTime } from '../messages/copy';

const USAGE = 'usage: npm run admin -- create-user <email> [--role owner|staff] | reset-password <email> | list-users';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const roleAt = rest.indexOf('--role');
  const role = roleAt >= 0 ? rest[roleAt + 1] : 'owner';
  const args = rest.filter((_, i) => roleAt < 0 || (i !== roleAt && i !== roleAt + 1));
  if (role !== 'owner' && role !== 'staff') {
    console.error(`--role must be owner or staff, got "${role ?? ''}"\n${USAGE}`);
    return 2;
  }
  if (!['create-user', 'reset-password', 'list-users'].includes(command ?? '') || args.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(environmentWithDotEnv());
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db);
    const now = Date.now();
    if (command === 'list-users') {
      for (const a of await listAccounts(database.db)) {
        const state = a.disabled_at
          ? 'disabled'
          : a.must_change_password
            ? 'one-time password not yet changed'
            : 'active';
        console.log(`${a.email}  ${a.role}  ${state}  created ${formatTaiwanDateTime(a.created_at)}`);
      }
      return 0;
    }
    const email = args[0];
    if (!email) {
      console.error(USAGE);
      return 2;
    }
    const password =
      command === 'create-user'
        ? (await createAccount(database.db, email, role as AdminRole, now)).password
        : await resetPassword(database.db, email, now);
    console.log(
      [
        command === 'create-user' ? `created ${role} ${email.trim().toLowerCase()}` : `new password for ${email}`,
        `one-time password: ${password}`,
        `log in at ${config.publicBaseUrl}/admin — the password must be changed at first login.`,
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    if (err instanceof AccountError) {
      console.error(`admin: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(`config: ${err.message}`);
    else console.error(`admin: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

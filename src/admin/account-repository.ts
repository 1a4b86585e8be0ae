/** Console accounts, sessions, failed logins and the audit log (tables of migration 0040). */
import type { Executor } from '../db/database';
import type { AdminAccount, AdminAuditRow, AdminRole } from '../db/types';

export async function insertAccount(
  db: Executor,
  a: { email: string; role: AdminRole; passwordHash: string },
  now: number,
): Promise<AdminAccount> {
  return db
    .insertInto('admin_accounts')
    .values({
      email: a.email,
      role: a.role,
      password_hash: a.passwordHash,
      must_change_password: 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function accountByEmail(db: Executor, email: string): Promise<AdminAccount | undefined> {
  return db.selectFrom('admin_accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function accountById(db: Executor, id: number): Promise<AdminAccount | undefined> {
  return db.selectFrom('admin_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAccounts(db: Executor): Promise<AdminAccount[]> {
  return db.selectFrom('admin_accounts').selectAll().orderBy('id').execute();
}

export async function countAccounts(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('admin_accounts')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setPassword(
  db: Executor,
  id: number,
  passwordHash: string,
  mustChange: boolean,
  now: number,
): Promise<void> {
  await db
    .updateTable('admin_accounts')
    .set({ password_hash: passwordHash, must_change_password: mustChange ? 1 : 0, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function insertSession(
  db: Executor,
  s: { tokenHash: string; accountId: number; ip: string | null },
  now: number,
): Promise<void> {
  await db
    .insertInto('admin_sessions')
    .values({ token_hash: s.tokenHash, account_id: s.accountId, created_at: now, last_seen_at: now, ip: s.ip })
    .execute();
}

/** The session and its account, when the session was seen after `idleSince` and the account is enabled. */
export async function liveSession(db: Executor, tokenHash: string, idleSince: number) {
  return db
    .selectFrom('admin_sessions')
    .innerJoin('admin_accounts', 'admin_accounts.id', 'admin_sessions.account_id')
    .select([
      'admin_sessions.token_hash',
      'admin_sessions.last_seen_at',
      'admin_accounts.id',
      'admin_accounts.email',
      'admin_accounts.role',
      'admin_accounts.must_change_password',
    ])
    .where('admin_sessions.token_hash', '=', tokenHash)
    .where('admin_sessions.last_seen_at', '>', idleSince)
    .where('admin_accounts.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function touchSession(db: Executor, tokenHash: string, now: number): Promise<void> {
  await db.updateTable('admin_sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute();
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of an account (password changed, account removed). */
export async function deleteSessionsOf(db: Executor, accountId: number, except?: string): Promise<void> {
  let q = db.deleteFrom('admin_sessions').where('account_id', '=', accountId);
  if (except) q = q.where('token_hash', '!=', except);
  await q.execute();
}

export async function deleteIdleSessions(db: Executor, idleSince: number): Promise<void> {
  await db.deleteFrom('admin_sessions').where('last_seen_at', '<=', idleSince).execute();
}

export async function recordLoginFailure(db: Executor, keys: string[], now: number): Promise<void> {
  await db
    .insertInto('admin_login_failures')
    .values(keys.map((key) => ({ key, at: now })))
    .execute();
}

export async function countLoginFailures(db: Executor, key: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('admin_login_failures')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('key', '=', key)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function clearLoginFailures(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('admin_login_failures').where('key', '=', key).execute();
}

export async function deleteOldLoginFailures(db: Executor, before: number): Promise<void> {
  await db.deleteFrom('admin_login_failures').where('at', '<', before).execute();
}

export interface AuditEntry {
  accountId: number | null;
  actor: string;
  action: string;
  target?: string | null;
  detail?: string | null;
  ip: string | null;
}

export async function recordAudit(db: Executor, e: AuditEntry, now: number): Promise<void> {
  await db
    .insertInto('admin_audit')
    .values({
      account_id: e.accountId,
      actor: e.actor,
      action: e.action,
      target: e.target ?? null,
      detail: e.detail ?? null,
      ip: e.ip,
      at: now,
    })
    .execute();
}

export async function recentAudit(db: Executor, limit: number, target?: string): Promise<AdminAuditRow[]> {
  let q = db.selectFrom('admin_audit').selectAll().orderBy('id', 'desc').limit(limit);
  if (target !== undefined) q = q.where('target', '=', target);
  return q.execute();
}

/** Disables an account (kept for the audit log's sake) and ends its sessions. */
export async function disableAccount(db: Executor, id: number, now: number): Promise<void> {
  await db.updateTable('admin_accounts').set({ disabled_at: now, updated_at: now }).where('id', '=', id).execute();
  await db.deleteFrom('admin_sessions').where('account_id', '=', id).execute();
}

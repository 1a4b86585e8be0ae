/**
 * Console accounts and sessions. A session is a random token in an HttpOnly cookie and its SHA-256
 * in `admin_sessions`, so every instance on the same database knows it, logout and idle timeout
 * end it everywhere at once, and a copy of the database opens nothing. Failed logins are counted
 * in the database per IP and per account for the same reason: the limit holds across instances.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/database';
import type { AdminAccount, AdminRole } from '../db/types';
import {
  accountByEmail,
  clearLoginFailures,
  countLoginFailures,
  deleteOldLoginFailures,
  deleteSession,
  deleteSessionsOf,
  insertAccount,
  insertSession,
  liveSession,
  recordLoginFailure,
  setPassword,
  touchSession,
} from './account-repository';
import { hashPassword, oneTimePassword, verifyPassword, weakPasswordReason } from './password';

/** Failed logins are counted over this window. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failures of one account within the window before its logins are refused (429). */
export const MAX_FAILURES_PER_ACCOUNT = 5;
/** Failures from one address within the window before its logins are refused (429). */
export const MAX_FAILURES_PER_IP = 20;
/** A session's last-seen time is written at most this often (not on every page view). */
const TOUCH_EVERY_MS = 60_000;

export class AccountError extends Error {}

export interface ConsoleUser {
  id: number;
  email: string;
  role: AdminRole;
  mustChangePassword: boolean;
  tokenHash: string;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@<>"']+@[^\s@<>"']+\.[^\s@<>"']+$/;

/** Creates an account with a one-time password (returned once, to be printed). */
export async function createAccount(
  db: Executor,
  emailRaw: string,
  role: AdminRole,
  now: number,
): Promise<{ account: AdminAccount; password: string }> {
  const email = normalizeEmail(emailRaw);
  if (!EMAIL.test(email) || email.length > 200) throw new AccountError(`not an e-mail address: "${emailRaw}"`);
  if (await accountByEmail(db, email)) throw new AccountError(`an account ${email} already exists`);
  const password = oneTimePassword();
  const account = await insertAccount(db, { email, role, passwordHash: await hashPassword(password) }, now);
  return { account, password };
}

/** Gives an existing account a new one-time password (ends its sessions). */
export async function resetPassword(db: Executor, emailRaw: string, now: number): Promise<string> {
  const account = await accountByEmail(db, normalizeEmail(emailRaw));
  if (!account) throw new AccountError(`no account ${emailRaw}`);
  const password = oneTimePassword();
  await setPassword(db, account.id, await hashPassword(password), true, now);
  await deleteSessionsOf(db, account.id);
  return password;
}

export type LoginResult =
  | { kind: 'ok'; token: string; account: AdminAccount }
  | { kind: 'refused' }
  | { kind: 'limited'; retryAfterSeconds: number };

const ipKey = (ip: string) => `ip:${ip}`;
const accountKey = (email: string) => `account:${email}`;

/**
 * Checks e-mail and password. Refused the same way whether the account exists or not; limited
 * (before the password is even checked) after too many failures for the address or the account.
 */
export async function login(
  db: Executor,
  emailRaw: string,
  password: string,
  ip: string,
  now: number,
): Promise<LoginResult> {
  const email = normalizeEmail(emailRaw).slice(0, 200);
  const since = now - LOGIN_WINDOW_MS;
  const [byIp, byAccount] = await Promise.all([
    countLoginFailures(db, ipKey(ip), since),
    countLoginFailures(db, accountKey(email), since),
  ]);
  if (byIp >= MAX_FAILURES_PER_IP || byAccount >= MAX_FAILURES_PER_ACCOUNT) {
    return { kind: 'limited', retryAfterSeconds: Math.ceil(LOGIN_WINDOW_MS / 1000) };
  }
  const account = await accountByEmail(db, email);
  // A missing account still costs one hash, so response time does not tell which e-mails exist.
  let ok = false;
  if (account)
    ok = account.disabled_at === null && (await verifyPassword(password.slice(0, 200), account.password_hash));
  else await verifyPassword(password, DUMMY_HASH);
  if (!ok || !account) {
    await recordLoginFailure(db, [ipKey(ip), accountKey(email)], now);
    await deleteOldLoginFailures(db, now - 24 * 3_600_000);
    return { kind: 'refused' };
  }
  await clearLoginFailures(db, accountKey(email));
  const token = randomBytes(32).toString('base64url');
  await insertSession(db, { tokenHash: hashToken(token), accountId: account.id, ip }, now);
  return { kind: 'ok', token, account };
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The user of a session cookie, when the session is live (not idle longer than idleMs). */
export async function sessionUser(
  db: Executor,
  token: string,
  idleMs: number,
  now: number,
): Promise<ConsoleUser | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const tokenHash = hashToken(token);
  const row = await liveSession(db, tokenHash, now - idleMs);
  if (!row) return undefined;
  if (now - row.last_seen_at > TOUCH_EVERY_MS) await touchSession(db, tokenHash, now);
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    mustChangePassword: row.must_change_password === 1,
    tokenHash,
  };
}

export async function logout(db: Executor, tokenHash: string): Promise<void> {
  await deleteSession(db, tokenHash);
}

/** Changes the password after checking the current one; other sessions of the account end. */
export async function changePassword(
  db: Executor,
  user: ConsoleUser,
  current: string,
  next: string,
  now: number,
): Promise<string | undefined> {
  const account = await accountByEmail(db, user.email);
  if (!account || !(await verifyPassword(current, account.password_hash))) return '目前的密碼不正確';
  const weak = weakPasswordReason(next, user.email);
  if (weak) return weak;
  if (next === current) return '新密碼不可與目前的密碼相同';
  await setPassword(db, account.id, await hashPassword(next), false, now);
  await deleteSessionsOf(db, account.id, user.tokenHash);
  return undefined;
}

/** The sandbox's owner login (not in live mode: there the merchant runs `npm run admin -- create-user`). */
export const SANDBOX_OWNER = 'owner@sandbox.test';

/**
 * Sandbox only: the owner account exists and gets a fresh password at every start, printed with
 * the other sandbox addresses, so trying the console needs no command. Not a one-time password:
 * a sandbox is restarted often and the login is always on screen.
 */
export async function ensureSandboxOwner(db: Executor, now: number): Promise<{ email: string; password: string }> {
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  const existing = await accountByEmail(db, SANDBOX_OWNER);
  if (existing) {
    await setPassword(db, existing.id, hash, false, now);
  } else {
    const account = await insertAccount(db, { email: SANDBOX_OWNER, role: 'owner', passwordHash: hash }, now);
    await setPassword(db, account.id, hash, false, now);
  }
  return { email: SANDBOX_OWNER, password };
}

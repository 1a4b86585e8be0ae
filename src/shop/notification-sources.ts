/**
 * Who may send the shop PayTokens, and how many (issue 11 item 2). A PayToken proves nothing until
 * the bank confirms it (OrderPayQuery), and the ShopNo is not secret, so anyone can post random
 * tokens. What tells a flooder from the bank is not volume (the bank sends 1,000 at once on a sale
 * day) but what *fails verification*. Per source address:
 * - **refusal budget**: tokens the bank refused, and bodies refused as malformed or foreign, count
 *   against the source; past the budget in the window the source is throttled (429) and its
 *   unverified tokens are dropped without asking the bank. A source whose tokens verify is never
 *   throttled however fast it sends.
 * - **unverified bound**: tokens awaiting a bank query per source and in all are bounded; past the
 *   bound a new token is refused (429) and not stored (QPay retries; the reconciler asks the bank
 *   by OrderNo anyway).
 * - **allow-list** (QPAY_NOTIFY_ALLOW_IPS): listed addresses are the bank's; nothing limits them.
 * Counts come from the database (shared by every instance; refusals are decided wherever the
 * reconciler runs), cached per source for a second, plus this instance's own additions since.
 */
import type { AddressList } from '../address-list';
import type { Executor } from '../db/database';
import type { Logger } from '../logger';
import {
  countRefusedFrom,
  countUnverified,
  countUnverifiedFrom,
  refusedBySource,
} from './bank-notification-repository';

export interface SourceLimits {
  /** Refusals per source within `refusalWindowMs` before the source is throttled. */
  refusalBudget: number;
  refusalWindowMs: number;
  /** Tokens from one source awaiting a bank query. Above the bank's largest burst (1,000 at once). */
  unverifiedPerSource: number;
  /** Tokens awaiting a bank query from everyone together. */
  unverifiedTotal: number;
  /** Once `unverifiedTotal` is reached, only sources with fewer than this many waiting get in. */
  fairShare: number;
  /** Flat ceiling on notify/return requests per source per minute, far above any genuine burst. */
  requestsPerMinute: number;
  /** How long a source's counts are reused before the database is asked again. */
  cacheMs: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  refusalBudget: 20,
  refusalWindowMs: 10 * 60_000,
  unverifiedPerSource: 5_000,
  unverifiedTotal: 20_000,
  fairShare: 100,
  requestsPerMinute: 10_000,
  cacheMs: 1_000,
};

/** A PayToken as it may appear in a log line: enough to match it with the bank, never whole. */
export function shortToken(token: unknown): string {
  if (typeof token !== 'string') return `(${typeof token})`;
  return token.length <= 6 ? token : `${token.slice(0, 6)}…`;
}

/** Any run of 16+ hex characters in free text (a parser's message quoting a body) shortened. */
export function redactTokens(text: string): string {
  return text.replace(/[0-9A-Fa-f]{16,}/g, (m) => shortToken(m));
}

interface SourceState {
  fetchedAt: number;
  refreshing: Promise<void> | undefined;
  unverified: number;
  refused: number;
  /** Stored here since the last fetch (the database count lags by up to cacheMs). */
  stored: number;
  /** Malformed/foreign bodies refused by this instance, in a fixed window. */
  localRefused: number;
  localSince: number;
  /** When this source was last reported throttled (one log line per window). */
  reportedAt: number;
  forbiddenReportedAt: number;
}

/** Lines about refused (not allow-listed) addresses per refusal window, all addresses together. */
const MAX_FORBIDDEN_LINES = 20;

/** Sources remembered at once; beyond it idle ones are forgotten (their counts are in the database). */
const MAX_SOURCES = 10_000;

export class NotificationSources {
  readonly limits: SourceLimits;
  private readonly sources = new Map<string, SourceState>();
  private total = { fetchedAt: -Infinity, count: 0, stored: 0 };
  private forbiddenLog = { since: -Infinity, lines: 0 };

  constructor(
    private readonly db: Executor,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly allow: AddressList | undefined,
    limits: Partial<SourceLimits> = {},
  ) {
    this.limits = { ...DEFAULT_SOURCE_LIMITS, ...limits };
  }

  /** With an allow-list, only its addresses may notify; without one, everyone may. */
  mayNotify(ip: string): boolean {
    return this.allow === undefined || this.allow.has(ip);
  }

  /** A notification from an address not on the allow-list: one log line per address per window. */
  noteForbidden(ip: string): void {
    const s = this.state(ip);
    const t = this.now();
    if (t - s.forbiddenReportedAt <= this.limits.refusalWindowMs) return;
    s.forbiddenReportedAt = t;
    // Many addresses (a botnet, or an IPv6 network walked /64 by /64) must not flood the log either.
    if (t - this.forbiddenLog.since >= this.limits.refusalWindowMs) this.forbiddenLog = { since: t, lines: 0 };
    if (++this.forbiddenLog.lines > MAX_FORBIDDEN_LINES) return;
    // If this is the bank, QPAY_NOTIFY_ALLOW_IPS is missing one of its addresses (or TRUST_PROXY is unset).
    this.logger.warn({ sourceIp: ip }, 'refused a bank notification from an address not in QPAY_NOTIFY_ALLOW_IPS');
  }

  /** The bank's own addresses (allow-listed): never limited. */
  trusted(ip: string): boolean {
    return this.allow?.has(ip) ?? false;
  }

  /** True when the source spent its refusal budget: its requests get 429 without being read. */
  async throttled(ip: string): Promise<boolean> {
    if (this.trusted(ip)) return false;
    const s = await this.fresh(ip);
    const refusals = s.refused + this.local(s);
    if (refusals < this.limits.refusalBudget) return false;
    const t = this.now();
    if (t - s.reportedAt > this.limits.refusalWindowMs) {
      s.reportedAt = t;
      this.logger.warn(
        { sourceIp: ip, refusals, windowMinutes: this.limits.refusalWindowMs / 60_000 },
        'bank notifications from this address keep failing verification; throttled',
      );
    }
    return true;
  }

  /** A body refused before the bank was asked (malformed, foreign ShopNo) counts against its source. */
  noteRefused(ip: string): void {
    const s = this.state(ip);
    this.local(s);
    s.localRefused++;
  }

  /** Why a new token from `ip` may not be stored now, or undefined when it may. */
  async refusal(ip: string): Promise<string | undefined> {
    if (this.trusted(ip)) return undefined;
    const s = await this.fresh(ip);
    const waiting = s.unverified + s.stored;
    if (waiting >= this.limits.unverifiedPerSource) {
      return 'too many notifications from this address are awaiting verification; retry later';
    }
    const t = this.now();
    if (t - this.total.fetchedAt >= this.limits.cacheMs) {
      this.total = { fetchedAt: t, count: await countUnverified(this.db), stored: 0 };
    }
    if (this.total.count + this.total.stored >= this.limits.unverifiedTotal && waiting >= this.limits.fairShare) {
      return 'too many notifications are awaiting verification; retry later';
    }
    return undefined;
  }

  /** A new token from `ip` was stored. */
  noteStored(ip: string): void {
    this.state(ip).stored++;
    this.total.stored++;
  }

  /**
   * For the reconciler: refusals per source in the window (database, plus this instance's own),
   * without the trusted sources. The caller adds what it sees during its round.
   */
  async refusalsBySource(): Promise<Map<string, number>> {
    const t = this.now();
    const counts = await refusedBySource(this.db, t - this.limits.refusalWindowMs);
    for (const [ip, s] of this.sources) {
      const local = this.local(s);
      if (local > 0) counts.set(ip, (counts.get(ip) ?? 0) + local);
    }
    for (const ip of [...counts.keys()]) if (this.trusted(ip)) counts.delete(ip);
    return counts;
  }

  /**
   * Forget the cached counts of `ip`, so its next request reads them from the database: called
   * when this instance itself recorded a refusal for it. Other instances still lag by cacheMs.
   */
  invalidate(ip: string): void {
    const s = this.sources.get(ip);
    if (s && !s.refreshing) s.fetchedAt = -Infinity;
  }

  overBudget(refusals: number): boolean {
    return refusals >= this.limits.refusalBudget;
  }

  private local(s: SourceState): number {
    const t = this.now();
    if (t - s.localSince >= this.limits.refusalWindowMs) {
      s.localRefused = 0;
      s.localSince = t;
    }
    return s.localRefused;
  }

  private state(ip: string): SourceState {
    let s = this.sources.get(ip);
    if (!s) {
      if (this.sources.size >= MAX_SOURCES) this.forgetIdle();
      s = {
        fetchedAt: -Infinity,
        refreshing: undefined,
        unverified: 0,
        refused: 0,
        stored: 0,
        localRefused: 0,
        localSince: this.now(),
        reportedAt: -Infinity,
        forbiddenReportedAt: -Infinity,
      };
      this.sources.set(ip, s);
    }
    return s;
  }

  /** The source's counts, from the database when older than cacheMs (one query at a time per source). */
  private async fresh(ip: string): Promise<SourceState> {
    const s = this.state(ip);
    if (this.now() - s.fetchedAt < this.limits.cacheMs) return s;
    s.refreshing ??= (async () => {
      const t = this.now();
      const [unverified, refused] = await Promise.all([
        countUnverifiedFrom(this.db, ip),
        countRefusedFrom(this.db, ip, t - this.limits.refusalWindowMs),
      ]);
      Object.assign(s, { unverified, refused, stored: 0, fetchedAt: t });
    })().finally(() => {
      s.refreshing = undefined;
    });
    await s.refreshing;
    return s;
  }

  private forgetIdle(): void {
    const t = this.now();
    for (const [ip, s] of this.sources) {
      if (t - s.fetchedAt >= this.limits.cacheMs && this.local(s) === 0 && !s.refreshing) this.sources.delete(ip);
    }
    // Still full (a spread-out flood): start over; the database still has every count that matters.
    if (this.sources.size >= MAX_SOURCES) this.sources.clear();
  }
}

/**
 * Delivers outbox rows: reply while the token is fresh (free for the merchant), otherwise push
 * with the row's X-Line-Retry-Key. Retries 5xx/429/network with backoff; gives up loudly.
 *
 * When a reply's outcome is unknown (timeout or reset after sending, 5xx, or a crash while it was
 * in flight) the row is marked in doubt. Trying the reply again is safe (LINE spends a token
 * once); what is not safe is falling back to a push when the token turns out spent, since the
 * first reply most likely arrived. Conversational replies therefore stop there (at most once);
 * notices go on to the push (at least once). See isAtMostOnce.
 *
 * Pushes cost the merchant's LINE quota. Before each push the shop's PushGate is asked; a push it
 * refuses, or one LINE refuses with 429 "You have reached your monthly limit.", is held (not
 * retried, not dropped) and later rides on the customer's next reply: such riders are sent in the
 * same reply call, before the reply's own messages. When that reply cannot be made (token spent,
 * given up, outcome unknown) its riders are held again; they never turn into a push on its back.
 */
import type { Executor } from '../db/database';
import type { OutboxRow } from '../db/types';
import type { Logger } from '../logger';
import { failRiders, holdMessage, ridersOf, settleRiders } from './held-outbox-repository';
import type { LineApi } from './line-api';
import { LineSendError } from './line-api';
import { claimDueMessages, isAtMostOnce, MARK_AS_READ_KIND, markAttemptFailed, markSent } from './outbox-repository';
import { OPEN_GATE, type PushGate } from './push-gate';
import { countPushes } from './push-quota-repository';
import { taiwanMonth } from './taiwan-month';

export interface OutboxSenderOptions {
  maxAttempts: number;
  /** Backoff before attempt n+1 (n = attempts so far, from 1). */
  backoffMs: (attempts: number) => number;
  leaseMs: number;
}

export const defaultOutboxOptions: OutboxSenderOptions = {
  maxAttempts: 8,
  backoffMs: (n) => Math.min(1000 * 2 ** (n - 1), 5 * 60_000),
  leaseMs: 30_000,
};

type SendOutcome =
  | {
      ok: true;
      via: 'reply' | 'push' | 'unconfirmed' | 'mark_read';
      /** LINE refused the reply with its riders and took it without them: why (the riders are dead letters). */
      ridersRefused?: string;
    }
  | { ok: false; error: LineSendError; wasReply: boolean }
  | { ok: false; held: 'budget' | 'monthly_limit'; error?: string };

/** Riders' messages first (they are older), then the reply's own (its quick reply stays last). */
function withRiders(row: OutboxRow, riders: OutboxRow[]): string {
  if (riders.length === 0) return row.messages;
  const all = [...riders, row].flatMap((r) => JSON.parse(r.messages) as unknown[]);
  return JSON.stringify(all);
}

export class OutboxSender {
  constructor(
    private readonly db: Executor,
    private readonly line: LineApi,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly gate: PushGate = OPEN_GATE,
    private readonly options: OutboxSenderOptions = defaultOutboxOptions,
  ) {}

  /** One round: claim due rows and deliver them. Returns whether there was work. */
  async tick(): Promise<boolean> {
    const rows = await claimDueMessages(this.db, this.now(), this.options.leaseMs, 20);
    await this.deliver(rows);
    return rows.length > 0;
  }

  /**
   * Delivers rows the caller holds the lease on, side by side, then records the outcomes:
   * successes in one write per channel (reply/push), failures one by one.
   */
  async deliver(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    // Held notices riding on these rows (only replies have them): one query for the round.
    const riders = new Map<number, OutboxRow[]>();
    for (const r of await ridersOf(
      this.db,
      rows.filter((r) => r.has_riders === 1 && r.reply_token !== null).map((r) => r.id),
    )) {
      const carrier = r.carried_by as number;
      riders.set(carrier, [...(riders.get(carrier) ?? []), r]);
    }
    // Different users side by side; one user's messages one after another, so they arrive in order.
    const byUser = new Map<string, OutboxRow[]>();
    for (const r of rows) byUser.set(r.line_user_id, [...(byUser.get(r.line_user_id) ?? []), r]);
    const outcomes: Array<[OutboxRow, SendOutcome]> = [];
    await Promise.all(
      [...byUser.values()].map(async (userRows) => {
        for (const r of userRows) outcomes.push([r, await this.send(r, riders.get(r.id) ?? [])]);
      }),
    );
    const sent = {
      reply: [] as number[],
      push: [] as number[],
      unconfirmed: [] as number[],
      mark_read: [] as number[],
    };
    const ridersBack: number[] = [];
    let monthlyLimit = false;
    for (const [row, o] of outcomes) {
      if (o.ok && o.ridersRefused !== undefined) await this.refuseRiders(row, o.ridersRefused);
      if (o.ok) sent[o.via].push(row.id);
      else if ('held' in o) {
        await this.hold(row, o.held, o.error);
        monthlyLimit ||= o.held === 'monthly_limit';
      } else await this.recordFailure(row, o.error, o.wasReply);
      // Riders go only with a reply that went through; otherwise they wait for the next one.
      if (!o.ok || o.via !== 'reply') ridersBack.push(row.id);
    }
    const t = this.now();
    await markSent(this.db, sent.reply, 'reply', t);
    const pushed = await markSent(this.db, sent.push, 'push', t);
    await markSent(this.db, sent.unconfirmed, 'unconfirmed', t);
    await markSent(this.db, sent.mark_read, 'mark_read', t);
    // A reply's riders arrived with it; any other outcome holds them again (for the next reply).
    await settleRiders(
      this.db,
      sent.reply.filter((id) => riders.has(id)),
      { delivered: true, via: 'reply' },
      t,
    );
    await settleRiders(
      this.db,
      ridersBack.filter((id) => riders.has(id)),
      { delivered: false },
      t,
    );
    if (pushed.length > 0) {
      await countPushes(
        this.db,
        taiwanMonth(t),
        pushed.map((p) => p.kind),
      );
      await this.gate.afterPushes(t);
    }
    if (monthlyLimit) await this.gate.monthlyLimitReached(t);
  }

  /** LINE refused these riders (as it would have refused them as pushes): dead letters, like any refused message. */
  private async refuseRiders(carrier: OutboxRow, error: string): Promise<void> {
    const ids = await failRiders(this.db, carrier.id, error);
    this.logger.error(
      { outboxIds: ids, carrierId: carrier.id, error },
      'DEAD LETTER: held messages LINE refused inside a reply; the reply went without them',
    );
  }

  /** Holds a push back: it stays in the outbox (visible) and rides on the customer's next reply. */
  private async hold(row: OutboxRow, reason: 'budget' | 'monthly_limit', error: string | undefined): Promise<void> {
    this.logger.info({ outboxId: row.id, kind: row.kind, reason }, "push held for the customer's next reply");
    await holdMessage(this.db, row.id, reason, error, this.now());
  }

  /** An at-most-once row whose earlier reply may have arrived: settled without sending again. */
  private unconfirmed(row: OutboxRow, why: string): SendOutcome {
    this.logger.info({ outboxId: row.id, kind: row.kind }, `reply outcome unknown; not sent again (${why})`);
    return { ok: true, via: 'unconfirmed' };
  }

  private async send(row: OutboxRow, riders: OutboxRow[]): Promise<SendOutcome> {
    if (row.kind === MARK_AS_READ_KIND) {
      try {
        await this.line.markAsRead(row.messages);
        return { ok: true, via: 'mark_read' };
      } catch (err) {
        const error = err instanceof LineSendError ? err : new LineSendError('retryable', undefined, String(err), true);
        return { ok: false, error, wasReply: false };
      }
    }
    const useReply = row.reply_token !== null && row.reply_until !== null && this.now() < row.reply_until;
    const atMostOnceInDoubt = row.in_doubt === 1 && isAtMostOnce(row.kind);
    let wasReply = false;
    try {
      if (useReply) {
        wasReply = true;
        try {
          await this.line.reply(row.reply_token as string, withRiders(row, riders));
          return { ok: true, via: 'reply' };
        } catch (err) {
          // A held notice LINE refuses must not take the answer down with it (nor every later
          // answer it would ride on): the reply goes alone (a 400 leaves the token unspent).
          if (riders.length > 0 && err instanceof LineSendError && err.kind === 'rejected') {
            await this.line.reply(row.reply_token as string, row.messages);
            return { ok: true, via: 'reply', ridersRefused: err.message };
          }
          // A spent or expired token: the customer still gets the message, as a push.
          if (!(err instanceof LineSendError && err.kind === 'invalid_reply_token')) throw err;
          // …unless our own earlier reply is what spent it.
          if (atMostOnceInDoubt) return this.unconfirmed(row, 'reply token spent');
          this.logger.info({ outboxId: row.id, kind: row.kind }, 'reply token no longer valid; pushing instead');
        }
        wasReply = false;
      } else if (atMostOnceInDoubt) {
        // The token is stale: no way left to learn whether the earlier reply arrived.
        return this.unconfirmed(row, 'reply window over');
      }
      if (!(await this.gate.mayPush(row.kind, this.now()))) return { ok: false, held: 'budget' };
      await this.line.push(row.line_user_id, row.messages, row.retry_key);
      return { ok: true, via: 'push' };
    } catch (err) {
      // The month's messages are used up: retrying cannot help; hold it like the budget does.
      if (err instanceof LineSendError && err.kind === 'monthly_limit' && !wasReply) {
        return { ok: false, held: 'monthly_limit', error: err.message };
      }
      return {
        ok: false,
        error: err instanceof LineSendError ? err : new LineSendError('retryable', undefined, String(err), true),
        wasReply,
      };
    }
  }

  private async recordFailure(row: OutboxRow, e: LineSendError, wasReply: boolean): Promise<void> {
    const attempts = row.attempts + 1;
    const giveUp = e.kind === 'rejected' || attempts >= this.options.maxAttempts;
    if (giveUp && row.kind === MARK_AS_READ_KIND) {
      // Nothing the customer misses: the message just stays unread in the merchant's chat.
      this.logger.warn({ outboxId: row.id, attempts, error: e.message }, 'mark-as-read given up');
    } else if (giveUp) {
      this.logger.error(
        { outboxId: row.id, kind: row.kind, attempts, error: e.message },
        'DEAD LETTER: message could not be delivered to LINE',
      );
    } else {
      this.logger.warn(
        { outboxId: row.id, kind: row.kind, attempts, error: e.message },
        'LINE delivery failed; will retry',
      );
    }
    await markAttemptFailed(
      this.db,
      row.id,
      e.message,
      giveUp ? undefined : this.now() + this.options.backoffMs(attempts),
      e.kind === 'invalid_reply_token',
      wasReply && e.mayHaveBeenDelivered,
    );
  }
}

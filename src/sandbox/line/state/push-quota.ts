/**
 * LINE's monthly message quota as the simulator keeps it: pushes LINE accepted per Taiwan month
 * (one per push request, whatever its 1–5 messages: LINE counts per recipient, as we read its
 * pricing page; replies are free;
 * a 409 retry-key repeat is not a new send), and an optional monthly limit past which pushes get
 * 429 "You have reached your monthly limit.".
 */
import { taiwanMonth } from '../../../line/taiwan-month';

export const MONTHLY_LIMIT_MESSAGE = 'You have reached your monthly limit.';

export class PushQuota {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    /** Undefined: no limit (`type: none`). */
    public limit: number | undefined,
  ) {}

  /** Pushes counted this month. */
  usedThisMonth(): number {
    return this.used.get(taiwanMonth(this.now())) ?? 0;
  }

  /** Whether one more push fits this month. */
  hasRoom(): boolean {
    return this.limit === undefined || this.usedThisMonth() < this.limit;
  }

  count(): void {
    const month = taiwanMonth(this.now());
    this.used.set(month, (this.used.get(month) ?? 0) + 1);
  }

  /** Test hook: start the month's count again from `n`. */
  setUsed(n: number): void {
    this.used.set(taiwanMonth(this.now()), n);
  }
}

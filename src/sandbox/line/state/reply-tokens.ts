import { hex } from '../ids';

const REPLY_TOKEN_LIFETIME_MS = 60_000;

interface ReplyTokenRecord {
  userId: string;
  issuedAt: number;
  used: boolean;
}

/** Reply tokens minted per webhook event: single use, valid for one minute of `now()`. */
export class ReplyTokenStore {
  private readonly tokens = new Map<string, ReplyTokenRecord>();

  constructor(private readonly now: () => number) {}

  mint(userId: string): string {
    const token = hex(16);
    this.tokens.set(token, { userId, issuedAt: this.now(), used: false });
    return token;
  }

  /** The user a token was minted for, if the token exists (used or not). */
  ownerOf(token: string): string | undefined {
    return this.tokens.get(token)?.userId;
  }

  /** Marks the token used and returns its user, or null when unknown, used or expired. */
  consume(token: string): string | null {
    const record = this.tokens.get(token);
    if (!record || record.used) return null;
    if (this.now() - record.issuedAt > REPLY_TOKEN_LIFETIME_MS) return null;
    record.used = true;
    return record.userId;
  }
}

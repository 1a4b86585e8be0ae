const RETRY_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface AcceptedPush {
  requestId: string;
  sentMessages: { id: string; quoteToken?: string }[];
  acceptedAt: number;
}

/** Push retry keys LINE has accepted; a repeat within 24 h is answered with 409 instead of resending. */
export class RetryKeyStore {
  private readonly accepted = new Map<string, AcceptedPush>();

  constructor(private readonly now: () => number) {}

  find(key: string): AcceptedPush | undefined {
    const found = this.accepted.get(key);
    if (found && this.now() - found.acceptedAt > RETRY_KEY_LIFETIME_MS) {
      this.accepted.delete(key);
      return undefined;
    }
    return found;
  }

  remember(key: string, push: Omit<AcceptedPush, 'acceptedAt'>): void {
    this.accepted.set(key, { ...push, acceptedAt: this.now() });
  }
}

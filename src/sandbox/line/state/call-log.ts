import { EventEmitter } from 'node:events';
import { waitForCondition } from '../wait-for';

/** One request the shop made to the simulated Messaging API, as answered. */
export interface RecordedCall {
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/v2/bot/message/push`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or for binary uploads `{ contentType, bytes }`; undefined when empty. */
  body: unknown;
  status: number;
  /** Parsed JSON response body (or undefined for binary/empty answers). */
  response: unknown;
  /** `now()` when the request arrived. */
  at: number;
  /** The call was handled but its answer was dropped (connection reset); `status` is what it would have been. */
  dropped?: boolean;
}

/** Keeps every Messaging API call in order and lets tests wait for one without sleeping. */
export class CallLog {
  private readonly list: RecordedCall[] = [];
  private readonly events = new EventEmitter();
  private nextSeq = 1;

  constructor() {
    this.events.setMaxListeners(0);
  }

  get all(): readonly RecordedCall[] {
    return this.list;
  }

  add(call: Omit<RecordedCall, 'seq'>): RecordedCall {
    const recorded = { ...call, seq: this.nextSeq++ };
    this.list.push(recorded);
    this.events.emit('call', recorded);
    return recorded;
  }

  to(pathPrefix: string, method?: string): RecordedCall[] {
    return this.list.filter(
      (call) => call.path.startsWith(pathPrefix) && (method === undefined || call.method === method.toUpperCase()),
    );
  }

  clear(): void {
    this.list.length = 0;
  }

  /** Resolves with the first call (already made or future) matching `predicate`. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs: number): Promise<RecordedCall> {
    return waitForCondition(
      this.events,
      'call',
      () => this.list.find(predicate),
      timeoutMs,
      () =>
        `waitForCall: no matching call within ${timeoutMs} ms; calls so far: ${
          this.list.map((call) => `${call.method} ${call.path} → ${call.status}`).join(', ') || '(none)'
        }`,
    );
  }
}

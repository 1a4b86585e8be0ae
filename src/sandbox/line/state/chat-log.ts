import { EventEmitter } from 'node:events';
import { waitForCondition } from '../wait-for';

/** A LINE message object the bot delivered, as the API received it. */
export type LineMessage = Record<string, unknown> & { type: string };

export interface BotChatEntry {
  seq: number;
  at: number;
  from: 'bot';
  /** `merchant`: typed by a person in the Official Account's chat (Chat ON), not sent by the bot. */
  via: 'reply' | 'push' | 'merchant';
  message: LineMessage;
}

export interface UserChatEntry {
  seq: number;
  at: number;
  from: 'user';
  type: 'text' | 'postback' | 'follow' | 'unfollow';
  /** What the user's own bubble shows: typed text, or a postback's displayText. */
  text?: string;
  postback?: { data: string; params?: Record<string, string> };
  /** Text messages: the token the webhook event carried for LINE's mark-as-read API. */
  markAsReadToken?: string;
}

/** Shown in the chat page only: API errors the shop caused, webhook failures. */
export interface SystemNoticeEntry {
  seq: number;
  at: number;
  from: 'system';
  level: 'error' | 'info';
  text: string;
  details?: unknown;
}

export type ChatEntry = BotChatEntry | UserChatEntry;
export type TimelineEntry = ChatEntry | SystemNoticeEntry;

type NewEntry = Omit<BotChatEntry, 'seq'> | Omit<UserChatEntry, 'seq'> | Omit<SystemNoticeEntry, 'seq'>;

/**
 * Per-user conversation as the LINE app would show it, plus the loading indicator. Emits `change`
 * (with the userId) on every update so waiting helpers and the chat page's long-poll wake up.
 */
export class ChatLog {
  private readonly timelines = new Map<string, TimelineEntry[]>();
  private readonly loadingUntil = new Map<string, number>();
  /** Per user: the last of their messages the Official Account has read (seq). */
  private readonly readUpTo = new Map<string, number>();
  readonly events = new EventEmitter();
  private nextSeq = 1;

  constructor() {
    this.events.setMaxListeners(0);
  }

  append(userId: string, entry: NewEntry): TimelineEntry {
    const full = { ...entry, seq: this.nextSeq++ } as TimelineEntry;
    const list = this.timelines.get(userId) ?? [];
    list.push(full);
    this.timelines.set(userId, list);
    // LINE hides the loading animation as soon as the bot's next message arrives.
    if (full.from === 'bot') this.loadingUntil.delete(userId);
    this.events.emit('change', userId);
    return full;
  }

  timeline(userId: string): TimelineEntry[] {
    return [...(this.timelines.get(userId) ?? [])];
  }

  chat(userId: string): ChatEntry[] {
    return this.timeline(userId).filter((entry): entry is ChatEntry => entry.from !== 'system');
  }

  botEntries(userId: string): BotChatEntry[] {
    return this.timeline(userId).filter((entry): entry is BotChatEntry => entry.from === 'bot');
  }

  knownUsers(): string[] {
    return [...this.timelines.keys()];
  }

  /**
   * LINE's mark-as-read: the message the token came with, and every earlier one of that chat, show
   * 已讀. Returns the chat's user, or undefined for a token no message carried.
   */
  markReadByToken(token: string): string | undefined {
    for (const [userId, list] of this.timelines) {
      const entry = list.find((e) => e.from === 'user' && e.markAsReadToken === token);
      if (entry) {
        this.markReadUpTo(userId, entry.seq);
        return userId;
      }
    }
    return undefined;
  }

  /** The merchant opened the chat (and answered): everything the user sent so far is read. */
  markAllRead(userId: string): void {
    const last = this.timeline(userId)
      .filter((e) => e.from === 'user')
      .pop();
    if (last) this.markReadUpTo(userId, last.seq);
  }

  private markReadUpTo(userId: string, seq: number): void {
    if ((this.readUpTo.get(userId) ?? 0) >= seq) return;
    this.readUpTo.set(userId, seq);
    this.events.emit('change', userId);
  }

  /** The last seq of the user's messages shown as read (null: none read yet). */
  readSeq(userId: string): number | null {
    return this.readUpTo.get(userId) ?? null;
  }

  startLoading(userId: string, until: number): void {
    this.loadingUntil.set(userId, until);
    this.events.emit('change', userId);
  }

  loadingEndsAt(userId: string, now: number): number | null {
    const until = this.loadingUntil.get(userId);
    return until !== undefined && until > now ? until : null;
  }

  clear(): void {
    this.timelines.clear();
    this.loadingUntil.clear();
    this.readUpTo.clear();
  }

  waitForBotMessages(userId: string, count: number, timeoutMs: number): Promise<BotChatEntry[]> {
    return waitForCondition(
      this.events,
      'change',
      () => {
        const entries = this.botEntries(userId);
        return entries.length >= count ? entries : undefined;
      },
      timeoutMs,
      () => this.describeShortfall(userId, count, timeoutMs),
    );
  }

  private describeShortfall(userId: string, count: number, timeoutMs: number): string {
    const timeline = this.timeline(userId);
    const delivered = timeline.filter((entry) => entry.from === 'bot').length;
    const summary = timeline.slice(-8).map((entry) => {
      if (entry.from === 'bot') return `bot(${entry.via}): ${summariseMessage(entry.message)}`;
      if (entry.from === 'user') return `user: ${entry.type}${entry.text ? ` "${entry.text}"` : ''}`;
      return `system: ${entry.text}${entry.details ? ` ${JSON.stringify(entry.details)}` : ''}`;
    });
    return (
      `waitForMessages(${userId}, ${count}): timed out after ${timeoutMs} ms with ${delivered} bot message(s) delivered.` +
      (summary.length ? `\nLast entries:\n  ${summary.join('\n  ')}` : '\nNo activity for this user.')
    );
  }
}

export function summariseMessage(message: LineMessage): string {
  if (message.type === 'text') return `text "${String(message.text).slice(0, 60)}"`;
  if (message.type === 'flex') return `flex "${String(message.altText).slice(0, 60)}"`;
  return message.type;
}

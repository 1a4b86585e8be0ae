/**
 * Stored webhook events as the event worker reads them: parsed and checked once, grouped into
 * transactions, and the mark-as-read token a message carries.
 */
import type { webhook } from '@line/bot-sdk';
import type { LineEventRow } from '../db/types';
import { checkEvent } from './webhook-schema';

/** A stored event, parsed and checked against the webhook schema, or why it cannot be handled. */
type ReadEvent = { ok: true; event: webhook.Event } | { ok: false; reason: string };

/** The message's mark-as-read token (message events of 1:1 chats carry one). */
export function markAsReadTokenOf(event: webhook.Event): string | undefined {
  if (event.type !== 'message') return undefined;
  const token = (event as webhook.MessageEvent).message?.markAsReadToken;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** Each stored event is parsed once, though grouping and handling both read it. */
const parsedEvents = new WeakMap<LineEventRow, ReadEvent>();

export function readEvent(row: LineEventRow): ReadEvent {
  let read = parsedEvents.get(row);
  if (!read) {
    try {
      read = checkEvent(JSON.parse(row.payload));
    } catch {
      read = { ok: false, reason: 'stored payload is not valid JSON' };
    }
    parsedEvents.set(row, read);
  }
  return read;
}

export function parseEvent(row: LineEventRow): webhook.Event {
  const read = readEvent(row);
  if (!read.ok) throw new Error(`unreadable event: ${read.reason}`);
  return read.event;
}

/** Whether an event needs a transaction of its own; when the rule itself fails, it goes alone. */
function goesAlone(row: LineEventRow, needsOwnTransaction?: (event: webhook.Event) => boolean): boolean {
  if (!needsOwnTransaction) return false;
  try {
    return needsOwnTransaction(parseEvent(row));
  } catch {
    // Alone, its failure is counted against it (attempts, give-up) when it is handled.
    return true;
  }
}

/**
 * Splits events (in handling order) into transactions: consecutive events, up to `size` to one;
 * an event that needs its own transaction goes alone, the order kept.
 */
export function transactionGroups(
  events: LineEventRow[],
  size: number,
  needsOwnTransaction?: (event: webhook.Event) => boolean,
): LineEventRow[][] {
  const groups: LineEventRow[][] = [];
  let current: LineEventRow[] = [];
  for (const row of events) {
    if (goesAlone(row, needsOwnTransaction)) {
      if (current.length > 0) groups.push(current);
      groups.push([row]);
      current = [];
      continue;
    }
    current.push(row);
    if (current.length === size) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Events per transaction: a few while the worker keeps up (a short transaction keeps the webhook's
 * insert waiting briefly), four times as many when a tick finds a full batch waiting — a backlog,
 * when each commit saved is time for handling (a commit cost about as much as handling five events).
 */
export function groupSizeFor(
  found: number,
  opts: { eventsPerTransaction?: number | undefined; eventsPerTick?: number | undefined },
): number {
  const base = opts.eventsPerTransaction ?? 8;
  return found >= (opts.eventsPerTick ?? 128) ? base * 4 : base;
}

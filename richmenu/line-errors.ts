/** Turns what the LINE SDK throws into one line a person can act on. */
import { HTTPFetchError } from '@line/bot-sdk';

interface LineErrorBody {
  message?: string;
  details?: Array<{ message?: string; property?: string }>;
}

function parseBody(body: string): LineErrorBody | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as LineErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

const HINTS: Record<number, string> = {
  401: 'the channel access token was rejected (check LINE_CHANNEL_ACCESS_TOKEN)',
  403: 'this channel is not allowed to do that',
  413: 'the request is too large (rich menu images must be ≤ 1 MB)',
  415: 'LINE did not accept the image content type (must be image/png or image/jpeg)',
  429: 'rate limited: LINE allows about 100 rich menu creations/deletions per hour; try again later',
};

export function describeLineError(err: unknown): string {
  if (err instanceof HTTPFetchError) {
    const body = parseBody(err.body);
    const details = (body?.details ?? [])
      .map((d) => (d.property ? `${d.property}: ${d.message ?? ''}` : (d.message ?? '')))
      .filter((d) => d !== '');
    const message = body?.message ?? (err.body.trim() || err.message);
    const hint = HINTS[err.status];
    return [
      `LINE answered ${err.status}: ${message}`,
      details.length ? ` (${details.join('; ')})` : '',
      hint ? ` — ${hint}` : '',
    ]
      .join('')
      .trim();
  }
  if (err instanceof Error) {
    const code = (err.cause as { code?: string } | undefined)?.code;
    return code ? `cannot reach LINE (${code}): ${err.message}` : err.message;
  }
  return String(err);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof HTTPFetchError && err.status === 404;
}

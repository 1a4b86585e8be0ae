/**
 * The shop's only door to LINE's Messaging API (the real one, or the local simulator), sorting
 * failures into what the outbox needs to know: retry later, the reply token is spent, or LINE
 * refused the message for good.
 *
 * Reply and push are the hot path (one call per handled event), so they go over src/http/outbound's
 * keep-alive connections rather than through @line/bot-sdk's client, which uses the global fetch:
 * in the benchmark fetch's web-stream machinery cost more CPU per event than running the SQL, and
 * loading undici behind it more memory than the rest of the shop. Requests and bodies are exactly
 * the SDK's (same paths, headers, JSON).
 */
import { type Answer, classifyTransportFailure, outbound, TransportError } from '../http/outbound';

/**
 * `monthly_limit`: 429 "You have reached your monthly limit." — the month's message quota is used
 * up; retrying cannot help until LINE's quota changes (a new month, a bigger plan). Any other 429
 * is LINE's rate limit (`retryable`).
 */
export type LineFailureKind = 'retryable' | 'invalid_reply_token' | 'rejected' | 'monthly_limit';

export class LineSendError extends Error {
  constructor(
    readonly kind: LineFailureKind,
    readonly status: number | undefined,
    message: string,
    /**
     * False only when LINE certainly did not deliver: it refused (4xx, 429) or the request never
     * left (connection refused, no route, connect timeout). A timeout or reset after sending, or a
     * 5xx, leaves the outcome unknown: the message may have reached the customer.
     */
    readonly mayHaveBeenDelivered = false,
  ) {
    super(message);
    this.name = 'LineSendError';
  }
}

/**
 * Messages go in as the JSON text of their array, as the outbox stores them: a reply is sent
 * without parsing and re-serialising its (often several KB of Flex) messages.
 */
export interface LineApi {
  reply(replyToken: string, messagesJson: string): Promise<void>;
  /** A 409 (retry key already accepted) means LINE has it: success. */
  push(to: string, messagesJson: string, retryKey: string): Promise<void>;
  showLoading(chatId: string, seconds: number): Promise<void>;
  /** POST /v2/bot/chat/markAsRead with the request body's JSON (`{"markAsReadToken": …}`). */
  markAsRead(bodyJson: string): Promise<void>;
  /** GET /v2/bot/message/quota: LINE's monthly target (`limited` with `value`, or `none`). */
  getQuota(): Promise<{ type: 'none' | 'limited'; value?: number | undefined }>;
  /** GET /v2/bot/message/quota/consumption: messages sent this month (`totalUsage`). */
  getQuotaConsumption(): Promise<{ totalUsage: number }>;
  close(): Promise<void>;
}

export interface LineApiOptions {
  channelAccessToken: string;
  apiBaseUrl: string;
  /** Parallel connections to LINE (default 32). */
  connections?: number;
  /** Per-call bound on waiting for LINE's answer (default 10 s). */
  timeoutMs?: number;
}

function classifyStatus(status: number, body: string): LineSendError {
  const text = body.slice(0, 500);
  if (status >= 500) return new LineSendError('retryable', status, `LINE ${status}: ${text}`, true);
  if (status === 429 && /monthly limit/i.test(text)) {
    return new LineSendError('monthly_limit', status, `LINE ${status}: ${text}`);
  }
  if (status === 429) return new LineSendError('retryable', status, `LINE ${status}: ${text}`);
  if (status === 400 && /invalid reply token/i.test(text)) {
    return new LineSendError('invalid_reply_token', 400, `LINE 400: ${text}`);
  }
  return new LineSendError('rejected', status, `LINE ${status}: ${text}`);
}

/** Network failures and timeouts: worth another try; whether LINE may have it depends on when. */
function networkError(err: unknown): LineSendError {
  const { mayHaveArrived, cause } = classifyTransportFailure(err);
  return new LineSendError(
    'retryable',
    undefined,
    `network: ${(cause as Error)?.message ?? String(cause)}`,
    mayHaveArrived,
  );
}

export function createLineApi(options: LineApiOptions): LineApi {
  const base = options.apiBaseUrl.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 10_000;
  const http = outbound({
    connections: options.connections ?? 32,
    connectTimeoutMs: 5_000,
    headersTimeoutMs: timeout,
    bodyTimeoutMs: timeout,
    keepAliveTimeoutMs: 30_000,
  });
  const auth = `Bearer ${options.channelAccessToken}`;

  const isOk = (status: number, okStatus?: number) => (status >= 200 && status < 300) || status === okStatus;

  /** POSTs a JSON body; resolves when LINE answered 2xx (or `okStatus`), else throws. */
  async function post(path: string, body: string, extraHeaders: Record<string, string> = {}, okStatus?: number) {
    const headers = {
      authorization: auth,
      'user-agent': 'line-shop',
      'content-type': 'application/json',
      ...extraHeaders,
    };
    let answer: Answer;
    try {
      answer = await http.send(base + path, { method: 'POST', headers, body });
    } catch (err) {
      // The status line already said LINE took it; a body cut short changes nothing.
      if (err instanceof TransportError && err.status !== undefined && isOk(err.status, okStatus)) return;
      throw networkError(err);
    }
    if (isOk(answer.status, okStatus)) return;
    throw classifyStatus(answer.status, answer.text);
  }

  /** GETs a JSON answer; throws like `post` on failures. */
  async function getJson(path: string): Promise<unknown> {
    let answer: Answer;
    try {
      answer = await http.send(base + path, {
        method: 'GET',
        headers: { authorization: auth, 'user-agent': 'line-shop' },
      });
    } catch (err) {
      throw networkError(err);
    }
    const { status, text } = answer;
    if (!isOk(status)) throw classifyStatus(status, text);
    try {
      return JSON.parse(text);
    } catch {
      throw new LineSendError('retryable', status, `LINE ${status}: not JSON: ${text.slice(0, 200)}`);
    }
  }

  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  const malformed = (path: string, v: unknown) =>
    new LineSendError('rejected', 200, `LINE ${path}: unexpected answer ${JSON.stringify(v).slice(0, 200)}`);

  return {
    getQuota: async () => {
      const v = await getJson('/v2/bot/message/quota');
      if (!isRecord(v) || (v.type !== 'none' && v.type !== 'limited')) throw malformed('quota', v);
      if (v.type === 'none') return { type: 'none' };
      if (typeof v.value !== 'number' || !Number.isSafeInteger(v.value) || v.value < 0) throw malformed('quota', v);
      return { type: 'limited', value: v.value };
    },
    getQuotaConsumption: async () => {
      const v = await getJson('/v2/bot/message/quota/consumption');
      if (!isRecord(v) || typeof v.totalUsage !== 'number' || !Number.isSafeInteger(v.totalUsage) || v.totalUsage < 0) {
        throw malformed('quota/consumption', v);
      }
      return { totalUsage: v.totalUsage };
    },
    reply: (replyToken, messagesJson) =>
      post('/v2/bot/message/reply', `{"replyToken":${JSON.stringify(replyToken)},"messages":${messagesJson}}`),
    push: (to, messagesJson, retryKey) =>
      post(
        '/v2/bot/message/push',
        `{"to":${JSON.stringify(to)},"messages":${messagesJson}}`,
        { 'x-line-retry-key': retryKey },
        409,
      ),
    showLoading: (chatId, seconds) =>
      post('/v2/bot/chat/loading/start', JSON.stringify({ chatId, loadingSeconds: seconds })),
    markAsRead: (bodyJson) => post('/v2/bot/chat/markAsRead', bodyJson),
    close: () => http.close(),
  };
}

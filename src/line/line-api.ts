/**
 * The shop's only door to LINE: @line/bot-sdk's MessagingApiClient with the base URL from
 * config (the real API, or the local simulator). Errors are sorted into what the outbox needs
 * to know: retry later, the reply token is spent, or LINE refused the message for good.
 */
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';

export type LineFailureKind = 'retryable' | 'invalid_reply_token' | 'rejected';

export class LineSendError extends Error {
  constructor(
    readonly kind: LineFailureKind,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'LineSendError';
  }
}

export interface LineApi {
  reply(replyToken: string, messages: messagingApi.Message[]): Promise<void>;
  /** A 409 (retry key already accepted) means LINE has it: success. */
  push(to: string, messages: messagingApi.Message[], retryKey: string): Promise<void>;
  showLoading(chatId: string, seconds: number): Promise<void>;
}

function classify(err: unknown): LineSendError {
  if (err instanceof HTTPFetchError) {
    const body = String(err.body ?? '').slice(0, 500);
    if (err.status === 429 || err.status >= 500)
      return new LineSendError('retryable', err.status, `LINE ${err.status}: ${body}`);
    if (err.status === 400 && /invalid reply token/i.test(body)) {
      return new LineSendError('invalid_reply_token', 400, `LINE 400: ${body}`);
    }
    return new LineSendError('rejected', err.status, `LINE ${err.status}: ${body}`);
  }
  // Network failures and timeouts (fetch TypeError with a cause): worth another try.
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  return new LineSendError('retryable', undefined, `network: ${cause ?? (err as Error)?.message ?? String(err)}`);
}

export function createLineApi(options: { channelAccessToken: string; apiBaseUrl: string }): LineApi {
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: options.channelAccessToken,
    baseURL: options.apiBaseUrl,
  });
  return {
    async reply(replyToken, messages) {
      try {
        await client.replyMessage({ replyToken, messages });
      } catch (err) {
        throw classify(err);
      }
    },
    async push(to, messages, retryKey) {
      try {
        await client.pushMessage({ to, messages }, retryKey);
      } catch (err) {
        if (err instanceof HTTPFetchError && err.status === 409) return;
        throw classify(err);
      }
    },
    async showLoading(chatId, seconds) {
      try {
        await client.showLoadingAnimation({ chatId, loadingSeconds: seconds });
      } catch (err) {
        throw classify(err);
      }
    },
  };
}

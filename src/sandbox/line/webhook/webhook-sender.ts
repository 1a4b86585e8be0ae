import type { SimulatorContext } from '../context';
import { signBody } from '../ids';
import type { WebhookEvent } from './event-builders';

export interface WebhookResult {
  /** HTTP status the shop answered. */
  status: number;
  /** The shop's response body, as text. */
  body: string;
  events: WebhookEvent[];
  durationMs: number;
  /** LINE logs `request_timeout` when a webhook takes longer than 2 seconds to answer. */
  slow: boolean;
}

export interface WebhookSendOptions {
  /** Override the `x-line-signature` header (e.g. a forged one); `null` omits it. */
  signature?: string | null;
  /** Send exactly this raw body instead of serialising `{destination, events}`. */
  rawBody?: string;
}

export interface WebhookDelivery extends WebhookResult {
  at: number;
  url: string;
  signature: string | null;
}

const LINE_WEBHOOK_TIMEOUT_MS = 2000;
const GIVE_UP_AFTER_MS = 30_000;

/** Posts signed webhook bodies to the shop, like LINE's webhook delivery. */
export class WebhookSender {
  private url: string | undefined;
  readonly deliveries: WebhookDelivery[] = [];

  constructor(
    private readonly ctx: SimulatorContext,
    webhookUrl: string | undefined,
  ) {
    this.url = webhookUrl;
  }

  setUrl(url: string | undefined): void {
    this.url = url;
  }

  get webhookUrl(): string | undefined {
    return this.url;
  }

  async send(events: WebhookEvent[], options: WebhookSendOptions = {}): Promise<WebhookResult> {
    const url = this.url;
    if (!url) throw new Error('LINE simulator: no webhook URL set; pass webhookUrl or call sim.setWebhookUrl(url)');
    const body = options.rawBody ?? JSON.stringify({ destination: this.ctx.botUserId, events });
    const signature = options.signature === undefined ? signBody(this.ctx.channelSecret, body) : options.signature;
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'LineBotWebhook/2.0',
    };
    if (signature !== null) headers['x-line-signature'] = signature;
    const startedAt = Date.now();
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(GIVE_UP_AFTER_MS),
    });
    const text = await response.text();
    const durationMs = Date.now() - startedAt;
    const result: WebhookResult = {
      status: response.status,
      body: text,
      events,
      durationMs,
      slow: durationMs > LINE_WEBHOOK_TIMEOUT_MS,
    };
    this.deliveries.push({ ...result, at: this.ctx.now(), url, signature });
    return result;
  }
}

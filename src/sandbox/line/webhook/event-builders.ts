import type { SimulatorContext } from '../context';
import { hex, ulid } from '../ids';

/** A webhook event object as LINE sends it (see webhook.yml); kept loose so tests can forge any shape. */
export type WebhookEvent = Record<string, unknown> & {
  type: string;
  webhookEventId: string;
  timestamp: number;
  deliveryContext: { isRedelivery: boolean };
};

function base(ctx: SimulatorContext, type: string, userId: string): WebhookEvent {
  const timestamp = ctx.now();
  return {
    type,
    mode: 'active',
    timestamp,
    source: { type: 'user', userId },
    webhookEventId: ulid(timestamp),
    deliveryContext: { isRedelivery: false },
  };
}

/** Builds events with fresh reply tokens minted for the user (so the shop can reply to them). */
export class EventBuilder {
  constructor(private readonly ctx: SimulatorContext) {}

  follow(userId: string, isUnblocked: boolean): WebhookEvent {
    return {
      ...base(this.ctx, 'follow', userId),
      replyToken: this.ctx.replyTokens.mint(userId),
      follow: { isUnblocked },
    };
  }

  unfollow(userId: string): WebhookEvent {
    return base(this.ctx, 'unfollow', userId);
  }

  text(userId: string, text: string): WebhookEvent {
    return {
      ...base(this.ctx, 'message', userId),
      replyToken: this.ctx.replyTokens.mint(userId),
      message: { type: 'text', id: this.ctx.nextMessageId(), text, quoteToken: hex(16), markAsReadToken: hex(24) },
    };
  }

  postback(userId: string, data: string, params?: Record<string, string>): WebhookEvent {
    return {
      ...base(this.ctx, 'postback', userId),
      replyToken: this.ctx.replyTokens.mint(userId),
      postback: params ? { data, params } : { data },
    };
  }
}

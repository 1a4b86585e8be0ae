import type { SimulatorContext } from '../context';
import { EventBuilder, type WebhookEvent } from './event-builders';
import type { WebhookResult, WebhookSender } from './webhook-sender';

export interface PostbackOptions {
  /** Shown as the user's own message, like LINE does for a postback action's `displayText`. */
  displayText?: string;
}

export type RichMenuTapResult =
  | { kind: 'webhook'; result: WebhookResult }
  | { kind: 'uri'; uri: string }
  | { kind: 'none'; reason: string };

/**
 * What a simulated user can do in the chat. Each action shows in the user's chat the way the LINE
 * app would, then sends the matching signed webhook to the shop.
 */
export class UserActions {
  private readonly events: EventBuilder;

  constructor(
    private readonly ctx: SimulatorContext,
    private readonly sender: WebhookSender,
  ) {
    this.events = new EventBuilder(ctx);
  }

  private async sendFor(userId: string, event: WebhookEvent): Promise<WebhookResult> {
    try {
      const result = await this.sender.send([event]);
      if (result.status < 200 || result.status >= 300) {
        this.notice(userId, `webhook → ${result.status}`, result.body.slice(0, 500));
      }
      return result;
    } catch (error) {
      this.notice(userId, `webhook failed: ${(error as Error).message}`);
      throw error;
    }
  }

  private notice(userId: string, text: string, details?: unknown): void {
    this.ctx.chat.append(userId, {
      at: this.ctx.now(),
      from: 'system',
      level: 'error',
      text,
      ...(details ? { details } : {}),
    });
  }

  follow(userId: string): Promise<WebhookResult> {
    const user = this.ctx.users.ensure(userId);
    const isUnblocked = user.hasBlocked;
    user.following = true;
    this.ctx.chat.append(userId, { at: this.ctx.now(), from: 'user', type: 'follow' });
    return this.sendFor(userId, this.events.follow(userId, isUnblocked));
  }

  unfollow(userId: string): Promise<WebhookResult> {
    const user = this.ctx.users.ensure(userId);
    user.following = false;
    user.hasBlocked = true;
    this.ctx.chat.append(userId, { at: this.ctx.now(), from: 'user', type: 'unfollow' });
    return this.sendFor(userId, this.events.unfollow(userId));
  }

  sendText(userId: string, text: string): Promise<WebhookResult> {
    this.ctx.users.ensure(userId);
    const event = this.events.text(userId, text);
    const markAsReadToken = (event.message as { markAsReadToken: string }).markAsReadToken;
    this.ctx.chat.append(userId, { at: this.ctx.now(), from: 'user', type: 'text', text, markAsReadToken });
    return this.sendFor(userId, event);
  }

  /**
   * A person answers in the Official Account's own chat (Chat ON beside the webhook): the user sees
   * it as the shop's message; the bot is not told (LINE sends no webhook for it), and opening the
   * chat to answer reads the user's messages.
   */
  merchantSend(userId: string, text: string): void {
    this.ctx.users.ensure(userId);
    this.ctx.chat.markAllRead(userId);
    this.ctx.chat.append(userId, { at: this.ctx.now(), from: 'bot', via: 'merchant', message: { type: 'text', text } });
  }

  postback(
    userId: string,
    data: string,
    params?: Record<string, string>,
    options: PostbackOptions = {},
  ): Promise<WebhookResult> {
    this.ctx.users.ensure(userId);
    this.ctx.chat.append(userId, {
      at: this.ctx.now(),
      from: 'user',
      type: 'postback',
      postback: params ? { data, params } : { data },
      ...(options.displayText ? { text: options.displayText } : {}),
    });
    return this.sendFor(userId, this.events.postback(userId, data, params));
  }

  /**
   * Performs an action object the way the LINE app does when it is tapped (a Flex button, a quick
   * reply, a rich menu area).
   */
  async performAction(userId: string, action: Record<string, unknown>): Promise<RichMenuTapResult> {
    switch (action.type) {
      case 'postback': {
        // `text` is the deprecated spelling of `displayText`.
        const displayText = typeof action.displayText === 'string' ? action.displayText : action.text;
        const options = typeof displayText === 'string' ? { displayText } : {};
        return { kind: 'webhook', result: await this.postback(userId, String(action.data ?? ''), undefined, options) };
      }
      case 'message':
        return { kind: 'webhook', result: await this.sendText(userId, String(action.text ?? '')) };
      case 'uri':
        return { kind: 'uri', uri: String(action.uri ?? '') };
      case 'datetimepicker': {
        const mode = String(action.mode ?? 'datetime');
        const value = String(action.initial ?? defaultPick(mode, this.ctx.now()));
        const result = await this.postback(userId, String(action.data ?? ''), { [mode]: value });
        return { kind: 'webhook', result };
      }
      case 'richmenuswitch':
        return this.switchRichMenu(userId, action);
      default:
        return { kind: 'none', reason: `action type ${String(action.type)} is not simulated` };
    }
  }

  /** A `richmenuswitch` tap: switch the user's menu by alias and send LINE's postback about it. */
  private async switchRichMenu(userId: string, action: Record<string, unknown>): Promise<RichMenuTapResult> {
    const aliasId = String(action.richMenuAliasId ?? '');
    const richMenuId = this.ctx.richMenus.alias(aliasId);
    let status = 'SUCCESS';
    if (!richMenuId) status = 'RICHMENU_ALIAS_ID_NOTFOUND';
    else if (!this.ctx.richMenus.get(richMenuId)) status = 'RICHMENU_NOTFOUND';
    else {
      this.ctx.richMenus.switchTo(userId, richMenuId);
      this.ctx.chat.events.emit('change', userId);
    }
    const event = this.events.postback(userId, String(action.data ?? ''), { newRichMenuAliasId: aliasId, status });
    return { kind: 'webhook', result: await this.sendFor(userId, event) };
  }

  /** Taps area `areaIndex` of the rich menu the user currently sees. */
  tapRichMenu(userId: string, areaIndex: number): Promise<RichMenuTapResult> {
    const menu = this.ctx.richMenus.displayedFor(userId);
    const area = menu?.menu.areas[areaIndex];
    if (!menu || !area) {
      return Promise.resolve({ kind: 'none', reason: menu ? `no area ${areaIndex}` : 'the user sees no rich menu' });
    }
    return this.performAction(userId, area.action);
  }
}

function defaultPick(mode: string, now: number): string {
  const iso = new Date(now).toISOString();
  if (mode === 'date') return iso.slice(0, 10);
  if (mode === 'time') return iso.slice(11, 16);
  return iso.slice(0, 16);
}

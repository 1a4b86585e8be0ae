import type { CallLog } from './state/call-log';
import type { ChatLog } from './state/chat-log';
import type { FaultInjector } from './state/faults';
import type { PushQuota } from './state/push-quota';
import type { ReplyTokenStore } from './state/reply-tokens';
import type { RetryKeyStore } from './state/retry-keys';
import type { RichMenuStore } from './state/rich-menu-store';
import type { UserDirectory } from './state/users';

/** Everything one simulator instance knows; built once per `startLineSimulator` and passed down. */
export interface SimulatorContext {
  channelSecret: string;
  channelAccessToken: string;
  /** The bot's own user ID, sent as `destination` in webhooks. */
  botUserId: string;
  /** Shown in the chat page header. */
  botName: string;
  now: () => number;
  allowHttpImages: boolean;
  calls: CallLog;
  chat: ChatLog;
  replyTokens: ReplyTokenStore;
  retryKeys: RetryKeyStore;
  faults: FaultInjector;
  users: UserDirectory;
  richMenus: RichMenuStore;
  /** Monthly push quota and pushes counted (GET /v2/bot/message/quota…). */
  pushQuota: PushQuota;
  nextMessageId: () => string;
}

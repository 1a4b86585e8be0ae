/** Local LINE platform simulator: Messaging API, signed webhooks, rich menus, chat page. */
export { newUserId, signBody as signWebhookBody } from './ids';
export { imageSize } from './image-size';
export {
  lineErrorBodyFor,
  type MessageValidationOptions,
  type ValidationIssue,
  validateMessages,
} from './message-validator';
export type { LineSimulator, LineSimulatorOptions, WaitOptions } from './simulator';
export { startLineSimulator } from './simulator';
export type { RecordedCall } from './state/call-log';
export type { BotChatEntry, ChatEntry, LineMessage, TimelineEntry, UserChatEntry } from './state/chat-log';
export type { FaultSpec } from './state/faults';
export type { RichMenuObject, StoredRichMenu } from './state/rich-menu-store';
export type { SimulatedUser } from './state/users';
export { validateRichMenu } from './validation/rich-menu-validator';
export type { WebhookEvent } from './webhook/event-builders';
export type { RichMenuTapResult } from './webhook/user-actions';
export type { WebhookResult, WebhookSendOptions } from './webhook/webhook-sender';

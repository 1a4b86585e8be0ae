import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { SimulatorContext } from './context';
import { registerApiHooks } from './http/api-hooks';
import { registerChatPageRoutes } from './http/chat-page-routes';
import { NOT_FOUND, sendLineError } from './http/line-errors';
import { registerMessagingRoutes } from './http/messaging-routes';
import { registerRichMenuRoutes } from './http/rich-menu-routes';
import { registerSimApiRoutes } from './http/sim-api-routes';
import { hex } from './ids';
import { CallLog, type RecordedCall } from './state/call-log';
import { type BotChatEntry, type ChatEntry, ChatLog, type LineMessage, type TimelineEntry } from './state/chat-log';
import { FaultInjector, type FaultSpec } from './state/faults';
import { PushQuota } from './state/push-quota';
import { ReplyTokenStore } from './state/reply-tokens';
import { RetryKeyStore } from './state/retry-keys';
import { RichMenuStore, type StoredRichMenu } from './state/rich-menu-store';
import { type SimulatedUser, UserDirectory } from './state/users';
import type { WebhookEvent } from './webhook/event-builders';
import { type PostbackOptions, type RichMenuTapResult, UserActions } from './webhook/user-actions';
import {
  type WebhookDelivery,
  type WebhookResult,
  WebhookSender,
  type WebhookSendOptions,
} from './webhook/webhook-sender';

const MAX_BODY_BYTES = 2 * 1024 * 1024;
const DEFAULT_WAIT_MS = 5000;

export interface LineSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: a sandbox must not be reachable from outside by accident. */
  host?: string;
  channelSecret: string;
  channelAccessToken: string;
  /** The shop's webhook (e.g. http://127.0.0.1:3000/line/webhook); can be set later. */
  webhookUrl?: string;
  /** Clock in ms; inject one to test reply-token expiry. Default Date.now. */
  now?: () => number;
  /** Fastify logger option (default off). */
  logger?: FastifyServerOptions['logger'];
  /** Bot user ID sent as webhook `destination`; default a random `U…`. */
  botUserId?: string;
  /** Shop name shown in the chat page header. */
  botName?: string;
  /** Accept http:// image URLs in messages (LINE requires https); for a local sandbox. */
  allowHttpImages?: boolean;
  /** Serve the chat page (`/`, `/chat`) and its JSON API (`/sim/api/...`); default true. */
  chatPage?: boolean;
  /**
   * Monthly push quota (LINE_SIM_PUSH_QUOTA in the sandbox): past it pushes get 429 "You have
   * reached your monthly limit."; GET /v2/bot/message/quota says `limited`. Default: no limit.
   */
  pushQuota?: number;
  /** Extra routes on the same server (the chat page registers itself through this). */
  extraRoutes?: (app: FastifyInstance, sim: LineSimulator) => void | Promise<void>;
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface LineSimulator {
  /** Origin of the simulator, e.g. http://127.0.0.1:43210 — use as the SDK's baseURL. */
  readonly url: string;
  readonly port: number;
  readonly botUserId: string;
  readonly channelSecret: string;
  readonly channelAccessToken: string;
  readonly webhookUrl: string | undefined;
  setWebhookUrl(url: string | undefined): void;

  /** Every Messaging API call, in order. */
  readonly calls: readonly RecordedCall[];
  callsTo(pathPrefix: string, method?: string): RecordedCall[];
  /** Resolves with the first call (past or future) matching `predicate`. */
  waitForCall(predicate: (call: RecordedCall) => boolean, options?: WaitOptions): Promise<RecordedCall>;
  clearCalls(): void;

  /** What the bot delivered to the user (reply/push) and what the user sent, in order. */
  chat(userId: string): ChatEntry[];
  /** `chat` plus system notices (API errors the shop caused, webhook failures). */
  timeline(userId: string): TimelineEntry[];
  /** Just the message objects the bot delivered to the user. */
  botMessages(userId: string): LineMessage[];
  /** Resolves when the bot has delivered ≥ count messages in total to the user. */
  waitForMessages(userId: string, count: number, options?: WaitOptions): Promise<BotChatEntry[]>;
  /** Whether the loading animation is showing for the user. */
  isLoading(userId: string): boolean;
  /** The seq of the user's last message shown 已讀 (by mark-as-read or the merchant answering); null: none. */
  readUpTo(userId: string): number | null;
  /** Answers as the shop in the Official Account's chat (Chat ON): no webhook, the user's messages become read. */
  merchantSend(userId: string, text: string): void;

  addUser(userId?: string, profile?: Partial<Omit<SimulatedUser, 'userId'>>): SimulatedUser;
  users(): SimulatedUser[];

  follow(userId: string): Promise<WebhookResult>;
  unfollow(userId: string): Promise<WebhookResult>;
  sendText(userId: string, text: string): Promise<WebhookResult>;
  postback(
    userId: string,
    data: string,
    params?: Record<string, string>,
    options?: PostbackOptions,
  ): Promise<WebhookResult>;
  /** Raw: any events (several users, forged shapes) in one body, optionally with a custom signature. */
  sendEvents(events: WebhookEvent[], options?: WebhookSendOptions): Promise<WebhookResult>;
  /** Sends the same event again with `deliveryContext.isRedelivery: true` (same ID and reply token). */
  redeliver(event: WebhookEvent): Promise<WebhookResult>;
  /** The console's "Verify" button: an empty `events` list. */
  verifyPing(): Promise<WebhookResult>;
  /** Taps an action (Flex button, quick reply item) as the LINE app would. */
  performAction(userId: string, action: Record<string, unknown>): Promise<RichMenuTapResult>;
  tapRichMenu(userId: string, areaIndex: number): Promise<RichMenuTapResult>;
  readonly webhookDeliveries: readonly WebhookDelivery[];

  /** The rich menu this user sees now (switch > link > default), if any. */
  richMenuFor(userId: string): StoredRichMenu | undefined;
  richMenus(): StoredRichMenu[];

  /** The next `times` calls whose path starts with `pathPrefix` answer `status` (and `body`). */
  failNext(pathPrefix: string, spec: FaultSpec): void;
  /** Adds `ms` of latency to calls under `pathPrefix` (default all). */
  setLatency(ms: number, pathPrefix?: string): void;
  /**
   * The next `times` calls under the prefix are carried out (message delivered, reply token spent,
   * retry key remembered) and then the connection is reset instead of answering.
   */
  dropResponseNext(pathPrefix: string, times?: number): void;
  clearFaults(): void;

  /** Test hook: the monthly push quota (undefined: none) and, optionally, pushes already used this month. */
  setPushQuota(limit: number | undefined, used?: number): void;
  /** Pushes LINE has counted this (Taiwan) month: what GET …/quota/consumption answers. */
  pushesThisMonth(): number;

  close(): Promise<void>;
}

export async function startLineSimulator(options: LineSimulatorOptions): Promise<LineSimulator> {
  const now = options.now ?? Date.now;
  let messageCounter = 0;
  const messageIdBase = 500_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)) * 1_000_000n;
  const ctx: SimulatorContext = {
    channelSecret: options.channelSecret,
    channelAccessToken: options.channelAccessToken,
    botUserId: options.botUserId ?? `U${hex(16)}`,
    botName: options.botName ?? 'LINE Shop',
    now,
    allowHttpImages: options.allowHttpImages ?? false,
    calls: new CallLog(),
    chat: new ChatLog(),
    replyTokens: new ReplyTokenStore(now),
    retryKeys: new RetryKeyStore(now),
    faults: new FaultInjector(),
    users: new UserDirectory(),
    richMenus: new RichMenuStore(),
    pushQuota: new PushQuota(now, options.pushQuota),
    nextMessageId: () => String(messageIdBase + BigInt(++messageCounter)),
  };
  const sender = new WebhookSender(ctx, options.webhookUrl);
  const actions = new UserActions(ctx, sender);

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: MAX_BODY_BYTES });
  // Raw bytes for every content type: the record keeps exact bodies, image uploads stay binary,
  // and the SDK's body-less JSON POSTs (set default rich menu) are not rejected as empty JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) return sendLineError(reply, 413, 'Request Entity Too Large (max 2 MB)');
    return sendLineError(reply, status, error.message);
  });
  app.setNotFoundHandler((_request, reply) => sendLineError(reply, 404, NOT_FOUND));
  registerApiHooks(app, ctx);
  registerMessagingRoutes(app, ctx);
  registerRichMenuRoutes(app, ctx);
  if (options.chatPage ?? true) {
    registerSimApiRoutes(app, ctx, actions);
    registerChatPageRoutes(app);
  }

  let address = { url: '', port: 0 };
  const sim: LineSimulator = {
    get url() {
      return address.url;
    },
    get port() {
      return address.port;
    },
    botUserId: ctx.botUserId,
    channelSecret: ctx.channelSecret,
    channelAccessToken: ctx.channelAccessToken,
    get webhookUrl() {
      return sender.webhookUrl;
    },
    setWebhookUrl: (url) => sender.setUrl(url),

    get calls() {
      return ctx.calls.all;
    },
    callsTo: (pathPrefix, method) => ctx.calls.to(pathPrefix, method),
    waitForCall: (predicate, waitOptions = {}) =>
      ctx.calls.waitFor(predicate, waitOptions.timeoutMs ?? DEFAULT_WAIT_MS),
    clearCalls: () => ctx.calls.clear(),

    chat: (userId) => ctx.chat.chat(userId),
    timeline: (userId) => ctx.chat.timeline(userId),
    botMessages: (userId) => ctx.chat.botEntries(userId).map((entry) => entry.message),
    waitForMessages: (userId, count, waitOptions = {}) =>
      ctx.chat.waitForBotMessages(userId, count, waitOptions.timeoutMs ?? DEFAULT_WAIT_MS),
    isLoading: (userId) => ctx.chat.loadingEndsAt(userId, now()) !== null,
    readUpTo: (userId) => ctx.chat.readSeq(userId),
    merchantSend: (userId, text) => actions.merchantSend(userId, text),

    addUser: (userId, profile) => ctx.users.add(userId, profile),
    users: () => ctx.users.list(),

    follow: (userId) => actions.follow(userId),
    unfollow: (userId) => actions.unfollow(userId),
    sendText: (userId, text) => actions.sendText(userId, text),
    postback: (userId, data, params, postbackOptions) => actions.postback(userId, data, params, postbackOptions),
    sendEvents: (events, sendOptions) => sender.send(events, sendOptions),
    redeliver: (event) =>
      sender.send([{ ...event, deliveryContext: { ...event.deliveryContext, isRedelivery: true } }]),
    verifyPing: () => sender.send([]),
    performAction: (userId, action) => actions.performAction(userId, action),
    tapRichMenu: (userId, areaIndex) => actions.tapRichMenu(userId, areaIndex),
    get webhookDeliveries() {
      return sender.deliveries;
    },

    richMenuFor: (userId) => ctx.richMenus.displayedFor(userId),
    richMenus: () => ctx.richMenus.list(),

    failNext: (pathPrefix, spec) => ctx.faults.failNext(pathPrefix, spec),
    setLatency: (ms, pathPrefix) => ctx.faults.setLatency(ms, pathPrefix),
    dropResponseNext: (pathPrefix, times) => ctx.faults.dropResponseNext(pathPrefix, times),
    clearFaults: () => ctx.faults.clear(),

    setPushQuota: (limit, used) => {
      ctx.pushQuota.limit = limit;
      if (used !== undefined) ctx.pushQuota.setUsed(used);
    },
    pushesThisMonth: () => ctx.pushQuota.usedThisMonth(),

    close: () => app.close(),
  };

  if (options.extraRoutes) await options.extraRoutes(app, sim);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  address = { url: `http://${urlHost}:${port}`, port };
  return sim;
}

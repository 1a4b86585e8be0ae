import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SimulatorContext } from '../context';
import { newRequestId, UUID_PATTERN } from '../ids';
import { lineErrorBodyFor, validateMessages } from '../message-validator';
import type { LineMessage } from '../state/chat-log';
import { MONTHLY_LIMIT_MESSAGE } from '../state/push-quota';
import { isRecord, jsonBody, type LineError, NOT_FOUND, requestBodyErrors, sendLineError } from './line-errors';

const INVALID_JSON = 'The request body could not be parsed as JSON';

/** Shows an API error the shop caused in that user's chat page, then answers with it. */
function rejectFor(
  ctx: SimulatorContext,
  reply: FastifyReply,
  userId: string | undefined,
  status: number,
  error: LineError,
  endpoint: string,
): FastifyReply {
  if (userId) {
    ctx.chat.append(userId, {
      at: ctx.now(),
      from: 'system',
      level: 'error',
      text: `${endpoint} → ${status}: ${error.message}`,
      ...(error.details ? { details: error.details } : {}),
    });
  }
  return sendLineError(reply, status, error);
}

function deliver(ctx: SimulatorContext, userId: string, messages: LineMessage[], via: 'reply' | 'push') {
  ctx.users.ensure(userId);
  return messages.map((message) => {
    ctx.chat.append(userId, { at: ctx.now(), from: 'bot', via, message });
    return { id: ctx.nextMessageId(), quoteToken: `q${ctx.nextMessageId()}` };
  });
}

export function registerMessagingRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const validationOptions = { allowHttpImages: ctx.allowHttpImages };

  app.post('/v2/bot/message/reply', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value)) return sendLineError(reply, 400, INVALID_JSON);
    const body = parsed.value;
    const token = typeof body.replyToken === 'string' ? body.replyToken : '';
    const owner = token ? ctx.replyTokens.ownerOf(token) : undefined;
    const endpoint = 'reply';
    // Only push/multicast/narrowcast/broadcast take a retry key; LINE refuses it on reply.
    if (request.headers['x-line-retry-key'] !== undefined) {
      return rejectFor(ctx, reply, owner, 400, { message: 'X-Line-Retry-Key is not supported for reply' }, endpoint);
    }
    if (!token) {
      return rejectFor(
        ctx,
        reply,
        owner,
        400,
        requestBodyErrors([{ message: 'must be specified', property: 'replyToken' }]),
        endpoint,
      );
    }
    const issues = validateMessages(body.messages, validationOptions);
    if (issues.length > 0) return rejectFor(ctx, reply, owner, 400, lineErrorBodyFor(issues), endpoint);
    const userId = ctx.replyTokens.consume(token);
    if (!userId) return rejectFor(ctx, reply, owner, 400, { message: 'Invalid reply token' }, endpoint);
    const sentMessages = deliver(ctx, userId, body.messages as LineMessage[], 'reply');
    return reply.code(200).send({ sentMessages });
  });

  app.post('/v2/bot/message/push', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value)) return sendLineError(reply, 400, INVALID_JSON);
    const body = parsed.value;
    const to = typeof body.to === 'string' && body.to.length > 0 ? body.to : undefined;
    const endpoint = 'push';
    const retryKeyHeader = request.headers['x-line-retry-key'];
    const retryKey = typeof retryKeyHeader === 'string' ? retryKeyHeader : undefined;
    if (retryKeyHeader !== undefined && (!retryKey || !UUID_PATTERN.test(retryKey))) {
      return rejectFor(ctx, reply, to, 400, { message: 'The value of X-Line-Retry-Key must be a UUID' }, endpoint);
    }
    if (retryKey) {
      const accepted = ctx.retryKeys.find(retryKey);
      if (accepted) {
        return reply
          .code(409)
          .header('x-line-accepted-request-id', accepted.requestId)
          .send({ message: 'The retry key is already accepted', sentMessages: accepted.sentMessages });
      }
    }
    if (!to) {
      return rejectFor(
        ctx,
        reply,
        undefined,
        400,
        requestBodyErrors([{ message: 'must be specified', property: 'to' }]),
        endpoint,
      );
    }
    const issues = validateMessages(body.messages, validationOptions);
    if (issues.length > 0) return rejectFor(ctx, reply, to, 400, lineErrorBodyFor(issues), endpoint);
    // The month's messages are used up: LINE answers 429 with this message (its rate limit's 429 says otherwise).
    if (!ctx.pushQuota.hasRoom()) return rejectFor(ctx, reply, to, 429, { message: MONTHLY_LIMIT_MESSAGE }, endpoint);
    ctx.pushQuota.count();
    const sentMessages = deliver(ctx, to, body.messages as LineMessage[], 'push');
    if (retryKey) {
      const requestId = String(reply.getHeader('x-line-request-id') ?? newRequestId());
      ctx.retryKeys.remember(retryKey, { requestId, sentMessages });
    }
    return reply.code(200).send({ sentMessages });
  });

  app.get('/v2/bot/message/quota', async (_request, reply) => {
    const limit = ctx.pushQuota.limit;
    return reply.send(limit === undefined ? { type: 'none' } : { type: 'limited', value: limit });
  });

  app.get('/v2/bot/message/quota/consumption', async (_request, reply) =>
    reply.send({ totalUsage: ctx.pushQuota.usedThisMonth() }),
  );

  app.post('/v2/bot/chat/loading/start', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value)) return sendLineError(reply, 400, INVALID_JSON);
    const body = parsed.value;
    const chatId = typeof body.chatId === 'string' && body.chatId.length > 0 ? body.chatId : undefined;
    if (!chatId) {
      return sendLineError(reply, 400, requestBodyErrors([{ message: 'must be specified', property: 'chatId' }]));
    }
    const seconds = body.loadingSeconds ?? 20;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 5 || seconds > 60 || seconds % 5 !== 0) {
      const error = requestBodyErrors([
        { message: 'must be a multiple of 5 between 5 and 60', property: 'loadingSeconds' },
      ]);
      return rejectFor(ctx, reply, chatId, 400, error, 'loading/start');
    }
    ctx.chat.startLoading(chatId, ctx.now() + seconds * 1000);
    return reply.code(202).send({});
  });

  app.post('/v2/bot/chat/markAsRead', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value)) return sendLineError(reply, 400, INVALID_JSON);
    const token = parsed.value.markAsReadToken;
    if (typeof token !== 'string' || token.length === 0) {
      return sendLineError(
        reply,
        400,
        requestBodyErrors([{ message: 'must be specified', property: 'markAsReadToken' }]),
      );
    }
    // Tokens must be ones this channel's webhooks carried.
    if (!ctx.chat.markReadByToken(token)) return sendLineError(reply, 400, 'Invalid markAsReadToken');
    return reply.code(200).send({});
  });

  app.get<{ Params: { userId: string } }>('/v2/bot/profile/:userId', async (request, reply) => {
    const user = ctx.users.get(request.params.userId);
    if (!user) return sendLineError(reply, 404, NOT_FOUND);
    return reply.send({
      userId: user.userId,
      displayName: user.displayName,
      language: user.language,
      ...(user.pictureUrl ? { pictureUrl: user.pictureUrl } : {}),
      ...(user.statusMessage ? { statusMessage: user.statusMessage } : {}),
    });
  });
}

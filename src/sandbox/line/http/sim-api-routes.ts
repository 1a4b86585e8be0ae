import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context';
import { newUserId } from '../ids';
import type { UserActions } from '../webhook/user-actions';
import { isRecord, jsonBody, sendLineError } from './line-errors';

const MAX_WAIT_MS = 25_000;

type ChatQuery = { Querystring: { user?: string; after?: string; wait?: string; read?: string } };

/**
 * The small JSON API the chat page talks to (not part of LINE): read a user's timeline with a
 * long-poll, act as the user (type, tap, follow), and read the rich menu the user sees.
 */
export function registerSimApiRoutes(app: FastifyInstance, ctx: SimulatorContext, actions: UserActions): void {
  const waiters = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const release of waiters) release();
  });

  const richMenuView = (userId: string) => {
    const stored = ctx.richMenus.displayedFor(userId);
    if (!stored?.image) return null;
    return {
      richMenuId: stored.richMenuId,
      chatBarText: stored.menu.chatBarText,
      selected: stored.menu.selected,
      size: stored.menu.size,
      areas: stored.menu.areas,
      imageUrl: `/sim/api/richmenu/${stored.richMenuId}/image`,
    };
  };

  const snapshot = (userId: string, after: number) => {
    const user = ctx.users.get(userId);
    return {
      user: user ?? { userId, displayName: userId, following: false },
      entries: ctx.chat.timeline(userId).filter((entry) => entry.seq > after),
      loadingUntil: ctx.chat.loadingEndsAt(userId, ctx.now()),
      readUpTo: ctx.chat.readSeq(userId),
      richMenu: richMenuView(userId),
      now: ctx.now(),
    };
  };

  app.get('/sim/api/info', async () => ({
    botName: ctx.botName,
    botUserId: ctx.botUserId,
    users: ctx.users.list(),
  }));

  app.post('/sim/api/users', async (request, reply) => {
    const parsed = jsonBody(request);
    const body = parsed.ok && isRecord(parsed.value) ? parsed.value : {};
    const displayName = typeof body.displayName === 'string' && body.displayName ? body.displayName : undefined;
    return reply.send(ctx.users.add(newUserId(), displayName ? { displayName } : {}));
  });

  app.get<ChatQuery>('/sim/api/chat', async (request, reply) => {
    const userId = request.query.user;
    if (!userId) return sendLineError(reply, 400, 'user is required');
    const after = Number(request.query.after ?? 0) || 0;
    const waitMs = Math.min(Number(request.query.wait ?? 0) || 0, MAX_WAIT_MS);
    // `read`: the 已讀 mark the page shows; a newer one is news even without new entries.
    const shownRead = Number(request.query.read ?? 0) || 0;
    const hasNews = () =>
      ctx.chat.timeline(userId).some((entry) => entry.seq > after) || (ctx.chat.readSeq(userId) ?? 0) > shownRead;
    if (waitMs > 0 && !hasNews()) {
      // Long-poll: wake on any change for this user (new entry, loading, rich menu switch).
      await new Promise<void>((resolve) => {
        const release = () => {
          clearTimeout(timer);
          ctx.chat.events.off('change', onChange);
          waiters.delete(release);
          resolve();
        };
        const onChange = (changed: string) => {
          if (changed === userId) release();
        };
        const timer = setTimeout(release, waitMs);
        ctx.chat.events.on('change', onChange);
        waiters.add(release);
      });
    }
    return reply.send(snapshot(userId, after));
  });

  app.post('/sim/api/send', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value)) return sendLineError(reply, 400, 'JSON body required');
    const body = parsed.value;
    const userId = typeof body.user === 'string' ? body.user : '';
    if (!userId) return sendLineError(reply, 400, 'user is required');
    try {
      switch (body.type) {
        case 'text':
          return reply.send(await actions.sendText(userId, String(body.text ?? '')));
        case 'follow':
          return reply.send(await actions.follow(userId));
        case 'unfollow':
          return reply.send(await actions.unfollow(userId));
        case 'postback': {
          const displayText = typeof body.displayText === 'string' ? { displayText: body.displayText } : {};
          const params = isRecord(body.params) ? (body.params as Record<string, string>) : undefined;
          return reply.send(await actions.postback(userId, String(body.data ?? ''), params, displayText));
        }
        case 'action':
          if (!isRecord(body.action)) return sendLineError(reply, 400, 'action is required');
          return reply.send(await actions.performAction(userId, body.action));
        case 'richmenu':
          return reply.send(await actions.tapRichMenu(userId, Number(body.area)));
        default:
          return sendLineError(reply, 400, `unknown type ${String(body.type)}`);
      }
    } catch (error) {
      // The failure is already in the user's timeline as a system notice; tell the page too.
      return sendLineError(reply, 502, (error as Error).message);
    }
  });

  // The merchant's side: answering as the shop in the Official Account's chat (Chat ON).
  app.post('/sim/api/merchant', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value)) return sendLineError(reply, 400, 'JSON body required');
    const userId = typeof parsed.value.user === 'string' ? parsed.value.user : '';
    const text = typeof parsed.value.text === 'string' ? parsed.value.text.trim() : '';
    if (!userId) return sendLineError(reply, 400, 'user is required');
    if (text === '' || text.length > 5000) return sendLineError(reply, 400, 'text must be 1 to 5000 characters');
    actions.merchantSend(userId, text);
    return reply.send({ ok: true });
  });

  app.get<{ Params: { richMenuId: string } }>('/sim/api/richmenu/:richMenuId/image', async (request, reply) => {
    const image = ctx.richMenus.get(request.params.richMenuId)?.image;
    if (!image) return sendLineError(reply, 404, 'no image');
    return reply.type(image.contentType).header('cache-control', 'max-age=3600').send(image.bytes);
  });
}

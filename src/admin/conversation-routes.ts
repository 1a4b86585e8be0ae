/**
 * 顧客對話: customers waiting for a person (hand-offs) and the questions nothing answered. The
 * merchant replies in LINE's own Official Account chat; here they keep a hand-off open while they
 * are on it (the bot stays quiet), hand the customer back to the bot, and clear questions they
 * have turned into FAQ entries. Staff may do all of it: it is talking to customers, not money.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { shortUserId } from '../messages/copy';
import {
  dismissUnansweredQuestion,
  endHandoffByMerchant,
  listActiveHandoffs,
  listUnansweredQuestions,
  recordMerchantActivity,
} from '../shop/people-service';
import type { ConsoleContext } from './context';
import { when } from './format';

type Flash = { ok: boolean; text: string } | null;
type UserBody = { Body: { user?: string } };

/** LINE user IDs are U + 32 hex characters; anything else never reaches the services. */
const LINE_USER = /^U[0-9a-f]{32}$/;

export async function conversationRoutes(app: FastifyInstance, ctx: ConsoleContext): Promise<void> {
  const { db } = ctx.deps;
  const idleMs = ctx.deps.config.handoffIdleMs;

  async function page(req: FastifyRequest, reply: FastifyReply, flash: Flash) {
    const now = ctx.deps.now();
    const [handoffs, questions] = await Promise.all([
      listActiveHandoffs(db, now, idleMs),
      listUnansweredQuestions(db, 50),
    ]);
    return ctx.render(req, reply, 'conversations', {
      title: '顧客對話',
      active: 'conversations',
      flash,
      handoffs: handoffs.map((h) => ({ ...h, who: shortUserId(h.lineUserId) })),
      questions,
      idleMinutes: Math.round(idleMs / 60_000),
      when,
    });
  }

  app.get('/conversations', async (req, reply) => page(req, reply, null));

  app.post<UserBody>('/conversations/keep', async (req, reply) => {
    const user = String(req.body?.user ?? '');
    if (!LINE_USER.test(user)) return page(req, reply.code(400), { ok: false, text: '找不到這位顧客。' });
    const kept = await recordMerchantActivity(db, user, ctx.deps.now());
    if (!kept) return page(req, reply.code(409), { ok: false, text: '這段真人客服已經結束了。' });
    await ctx.audit(req, 'handoff_keep', shortUserId(user), null);
    return page(req, reply, { ok: true, text: `好的，接下來 ${Math.round(idleMs / 60_000)} 分鐘小幫手不會插話。` });
  });

  app.post<UserBody>('/conversations/end', async (req, reply) => {
    const user = String(req.body?.user ?? '');
    if (!LINE_USER.test(user)) return page(req, reply.code(400), { ok: false, text: '找不到這位顧客。' });
    const ended = await endHandoffByMerchant(db, user, ctx.deps.now());
    if (ended) await ctx.audit(req, 'handoff_end', shortUserId(user), null);
    return page(req, reply, {
      ok: true,
      text: ended ? '已交回小幫手，顧客再傳訊息時由小幫手回覆。' : '這段真人客服已經結束了。',
    });
  });

  app.post<{ Body: { id?: string } }>('/conversations/dismiss', async (req, reply) => {
    const id = Number.parseInt(String(req.body?.id ?? ''), 10);
    if (!Number.isSafeInteger(id) || id <= 0)
      return page(req, reply.code(400), { ok: false, text: '找不到這個問題。' });
    const done = await dismissUnansweredQuestion(db, id, ctx.deps.now());
    if (done) await ctx.audit(req, 'question_dismissed', String(id), null);
    return page(req, reply, { ok: true, text: '已從清單移除；有人再問時會再出現。' });
  });
}

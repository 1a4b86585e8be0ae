/** The dashboard: what the merchant checks first — money in, what to ship, what needs a look. */
import type { FastifyInstance } from 'fastify';
import { failedEvents } from '../line/inbox-repository';
import { outboxBacklog } from '../line/outbox-repository';
import { attentionOrders, countOrdersByTab, lowStockProducts, paidOrdersBetween } from './console-repository';
import type { ConsoleContext } from './context';
import { attentionText, money, taiwanDay, taiwanMonth, when } from './format';

/**
 * LINE push quota used this month. PLUG (shipping/quota engineer): return the figure from the push
 * budget module here, e.g. `{ used, limit }`; the dashboard shows the card when it is not null.
 */
export type PushQuotaFigure = { used: number; limit: number | null } | null;
export async function pushQuotaFigure(_ctx: ConsoleContext): Promise<PushQuotaFigure> {
  return null;
}

export async function dashboardRoutes(app: FastifyInstance, ctx: ConsoleContext): Promise<void> {
  app.get('/', async (req, reply) => {
    const { db } = ctx.deps;
    const now = ctx.deps.now();
    const today = taiwanDay(now);
    const month = taiwanMonth(now);
    const [day, mon, tabs, attention, low, backlog, failed, quota] = await Promise.all([
      paidOrdersBetween(db, today.from, today.to),
      paidOrdersBetween(db, month.from, month.to),
      countOrdersByTab(db),
      attentionOrders(db, 5),
      lowStockProducts(db, 8),
      outboxBacklog(db),
      failedEvents(db, 100),
      pushQuotaFigure(ctx),
    ]);
    return ctx.render(req, reply, 'dashboard', {
      title: '總覽',
      active: 'dashboard',
      day,
      mon,
      tabs,
      attention: attention.map((o) => ({ ...o, note: attentionText(o) })),
      low,
      deadMessages: backlog.dead,
      failedEvents: failed.length,
      quota,
      money,
      when,
    });
  });
}

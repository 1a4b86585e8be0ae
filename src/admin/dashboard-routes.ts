/** The dashboard: what the merchant checks first — money in, what to ship, what needs a look. */
import type { FastifyInstance } from 'fastify';
import { failedEvents } from '../line/inbox-repository';
import { outboxBacklog } from '../line/outbox-repository';
import { pushBudgetStatus } from '../shop/push-budget';
import { attentionOrders, countOrdersByTab, lowStockProducts, paidOrdersBetween } from './console-repository';
import type { ConsoleContext } from './context';
import { attentionText, money, taiwanDay, taiwanMonth, when } from './format';

/** LINE pushes this month against the budget, and how many notices wait for a reply (push-budget.ts). */
export interface PushQuotaFigure {
  used: number;
  limit: number | null;
  held: number;
  nearlySpent: boolean;
  monthlyLimitReached: boolean;
}
export async function pushQuotaFigure(ctx: ConsoleContext): Promise<PushQuotaFigure> {
  const s = await pushBudgetStatus(ctx.deps.db, ctx.deps.config.linePushBudget, ctx.deps.now());
  return {
    used: s.used,
    limit: s.budget,
    held: s.held,
    nearlySpent: s.nearlySpent,
    monthlyLimitReached: s.monthlyLimitReached,
  };
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

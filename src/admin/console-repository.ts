/**
 * The console's read queries: order lists by tab and search, dashboard figures, the product list
 * with reservations. Writes go through the shop's services and repositories.
 */
import type { ExpressionBuilder } from 'kysely';
import type { Executor } from '../db/database';
import type { DB, Order, Product } from '../db/types';
import { DEFAULT_LOW_STOCK } from '../shop/merchant-alerts';

/** The order list's tabs (issue 15), each a condition on status, fulfilment and attention. */
export const ORDER_TABS = ['unpaid', 'to_ship', 'shipped', 'completed', 'attention'] as const;
export type OrderTab = (typeof ORDER_TABS)[number];

export const TAB_LABELS: Readonly<Record<OrderTab, string>> = {
  unpaid: '待付款',
  to_ship: '待出貨',
  shipped: '已出貨',
  completed: '已完成',
  attention: '需處理',
};

/**
 * 需處理: an attention flag the merchant has not resolved (a late payment already refunded
 * automatically, `refunded:…`, needs nothing), or a parcel that came back.
 */
function needsAttention(eb: ExpressionBuilder<DB, 'orders'>) {
  return eb.or([
    eb.and([eb('orders.attention', 'is not', null), eb('orders.attention', 'not like', 'refunded:%')]),
    eb('orders.fulfilment', '=', 'returned'),
  ]);
}

function tabCondition(eb: ExpressionBuilder<DB, 'orders'>, tab: OrderTab) {
  switch (tab) {
    case 'unpaid':
      return eb('orders.status', 'in', ['pending', 'awaiting_payment']);
    case 'to_ship':
      return eb.and([eb('orders.status', '=', 'paid'), eb('orders.fulfilment', '=', 'to_ship')]);
    case 'shipped':
      return eb.and([
        eb('orders.status', '=', 'paid'),
        eb('orders.fulfilment', 'in', ['shipped', 'in_transit', 'at_store']),
      ]);
    case 'completed':
      return eb('orders.fulfilment', '=', 'completed');
    case 'attention':
      return needsAttention(eb);
  }
}

export interface OrderListRow extends Order {
  recipient_name: string | null;
}

/**
 * A page of orders, newest first: those of `tab`, or — with `query` — those whose number, recipient
 * phone or recipient name matches (all tabs). `pageSize + 1` rows are read to know if more follow.
 */
export async function findOrders(
  db: Executor,
  opts: { tab: OrderTab; query?: string; page: number; pageSize: number },
): Promise<{ rows: OrderListRow[]; more: boolean }> {
  let q = db
    .selectFrom('orders')
    .leftJoin('order_deliveries', 'order_deliveries.order_id', 'orders.id')
    .selectAll('orders')
    .select('order_deliveries.recipient_name');
  const query = opts.query?.trim();
  if (query) {
    const digits = query.replace(/[\s-]/g, '');
    // Wildcards are dropped, not escaped: SQLite and PostgreSQL escape LIKE differently.
    const like = `%${query.replace(/[\\%_]/g, '')}%`;
    q = q.where((eb) =>
      eb.or([
        eb('orders.order_no', '=', query.toUpperCase()),
        eb('orders.order_no', 'like', `%${query.toUpperCase().replace(/[\\%_]/g, '')}%`),
        ...(/^\d{6,10}$/.test(digits) ? [eb('order_deliveries.recipient_phone', 'like', `%${digits}%`)] : []),
        eb('order_deliveries.recipient_name', 'like', like),
      ]),
    );
  } else {
    q = q.where((eb) => tabCondition(eb, opts.tab));
  }
  const rows = await q
    .orderBy('orders.id', 'desc')
    .limit(opts.pageSize + 1)
    .offset(opts.page * opts.pageSize)
    .execute();
  return { rows: rows.slice(0, opts.pageSize), more: rows.length > opts.pageSize };
}

export async function countOrdersByTab(db: Executor): Promise<Record<OrderTab, number>> {
  const out = {} as Record<OrderTab, number>;
  for (const tab of ORDER_TABS) {
    const row = await db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => tabCondition(eb, tab))
      .executeTakeFirstOrThrow();
    out[tab] = Number(row.n);
  }
  return out;
}

/** Paid orders (still paid or refunded since) paid in [from, to): count and money kept. */
export async function paidOrdersBetween(
  db: Executor,
  from: number,
  to: number,
): Promise<{ orders: number; revenue: number; refunded: number }> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => [
      eb.fn.countAll<string | number>().as('n'),
      eb.fn.coalesce(eb.fn.sum<string | number>('total'), eb.lit(0)).as('total'),
      eb.fn.coalesce(eb.fn.sum<string | number>('refunded_amount'), eb.lit(0)).as('refunded'),
    ])
    .where('status', 'in', ['paid', 'refunded'])
    .where('paid_at', '>=', from)
    .where('paid_at', '<', to)
    .executeTakeFirstOrThrow();
  const refunded = Number(row.refunded);
  return { orders: Number(row.n), revenue: Number(row.total) - refunded, refunded };
}

export async function attentionOrders(db: Executor, limit: number): Promise<Order[]> {
  return db.selectFrom('orders').selectAll().where(needsAttention).orderBy('id', 'desc').limit(limit).execute();
}

/** Active products whose free stock (stock − reserved) is at or below their threshold. */
export async function lowStockProducts(db: Executor, limit: number): Promise<Product[]> {
  return db
    .selectFrom('products')
    .selectAll()
    .where('active', '=', 1)
    .where((eb) =>
      eb(eb('stock', '-', eb.ref('reserved')), '<=', eb.fn.coalesce('low_stock_threshold', eb.lit(DEFAULT_LOW_STOCK))),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
}

export interface ProductListRow extends Product {
  category_name: string;
}

export async function listProductsForConsole(db: Executor, query?: string): Promise<ProductListRow[]> {
  let q = db
    .selectFrom('products')
    .innerJoin('categories', 'categories.id', 'products.category_id')
    .selectAll('products')
    .select('categories.name as category_name');
  const text = query?.trim();
  if (text) {
    // Wildcards are dropped, not escaped: SQLite and PostgreSQL escape LIKE differently.
    const like = `%${text.replace(/[\\%_]/g, '')}%`;
    q = q.where((eb) => eb.or([eb('products.name', 'like', like), eb('products.sku', 'like', like)]));
  }
  return q.orderBy('categories.sort_order').orderBy('products.id').execute();
}

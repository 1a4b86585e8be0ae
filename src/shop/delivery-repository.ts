/**
 * Where an order goes (table order_deliveries): the recipient and address or store, copied from
 * what the customer confirmed when the order is placed, so later edits never change it. Only this
 * file touches that table.
 */
import type { Executor } from '../db/database';
import type { OrderDelivery } from '../db/types';

export type NewOrderDelivery = Omit<OrderDelivery, 'anonymized_at'>;

export async function insertOrderDelivery(trx: Executor, d: NewOrderDelivery): Promise<void> {
  await trx.insertInto('order_deliveries').values(d).execute();
}

export async function orderDelivery(db: Executor, orderId: number): Promise<OrderDelivery | undefined> {
  return db.selectFrom('order_deliveries').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

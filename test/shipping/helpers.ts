/** Deliveries for test orders (before the checkout's delivery step fills them) and outbox reading. */
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types';
import type { TestDelivery } from '../support/service-harness';

export const HOME: TestDelivery = {
  method: 'home',
  recipient_name: '陳美麗',
  recipient_phone: '0912345678',
  postal_code: '100',
  city: '台北市',
  district: '中正區',
  address: '青松路一段12號3樓',
  cvs_sub_type: null,
  store_id: null,
  store_name: null,
  store_address: null,
};

export const PICKUP: TestDelivery = {
  ...HOME,
  method: 'pickup',
  postal_code: null,
  city: null,
  district: null,
  address: null,
};

export function cvs(subType: string, storeId: string, storeName: string, storeAddress: string): TestDelivery {
  return {
    ...PICKUP,
    method: 'cvs',
    cvs_sub_type: subType,
    store_id: storeId,
    store_name: storeName,
    store_address: storeAddress,
  };
}

export const SEVEN = cvs('UNIMARTC2C', '131386', '青松門市', '台北市中正區青松路一段12號');
export const FAMI = cvs('FAMIC2C', '006598', '全家青田店', '台北市大安區青田街一巷7號');

/** The LINE messages queued for a customer, by kind: [kind, JSON text]. */
export async function queued(db: Kysely<DB>, user: string): Promise<Array<{ kind: string; text: string }>> {
  const rows = await db
    .selectFrom('outbox')
    .select(['kind', 'messages'])
    .where('line_user_id', '=', user)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ kind: r.kind, text: r.messages }));
}

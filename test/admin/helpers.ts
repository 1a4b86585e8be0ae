/** Console test steps: accounts, a cookie jar over app.inject-free HTTP (fetch), CSRF tokens from forms. */

import { setPassword } from '../../src/admin/account-repository';
import { createAccount } from '../../src/admin/account-service';
import { hashPassword } from '../../src/admin/password';
import type { AdminRole, Order } from '../../src/db/types';
import { getOrderByNo } from '../../src/shop/order-repository';
import { buy, newUser, next, orderStatus, productWithStock, waitUntil } from '../checkout/helpers';
import type { TestShop } from '../support/shop-harness';

export const PASSWORD = 'correct-horse-battery';

/** An account whose password is already changed (no forced change on login). */
export async function account(shop: TestShop, email: string, role: AdminRole = 'owner'): Promise<number> {
  const { account } = await createAccount(shop.database.db, email, role, Date.now());
  await setPassword(shop.database.db, account.id, await hashPassword(PASSWORD), false, Date.now());
  return account.id;
}

export interface Response {
  status: number;
  headers: Headers;
  text: string;
  setCookies: string[];
}

/** A browser-like client: keeps cookies, does not follow redirects. */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly ip?: string,
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: string, path: string, body?: Record<string, string> | FormData): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body).toString();
    }
    const res = await fetch(this.base + path, { method, headers, body: payload, redirect: 'manual' });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(';');
      const eq = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, eq);
      const value = (pair as string).slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text(), setCookies };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** The CSRF token of the first form on the page. */
  static csrfOf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no CSRF token on the page');
    return m[1] as string;
  }

  /** Loads `page`, then posts `body` to `path` with the page's CSRF token. */
  async post(path: string, body: Record<string, string>, page = path): Promise<Response> {
    const form = await this.get(page);
    return this.request('POST', path, { ...body, _csrf: ConsoleClient.csrfOf(form.text) });
  }

  async login(email: string, password = PASSWORD): Promise<Response> {
    return this.post('/admin/login', { email, password });
  }
}

/** A card order bought in the chat and paid at the bank simulator, with a recipient snapshot. */
export async function paidOrder(
  shop: TestShop,
  recipient: { name: string; phone: string } = { name: '王小明', phone: '0912345678' },
  quantity = 2,
): Promise<Order> {
  const user = newUser();
  const p = await productWithStock(shop, 20);
  const { order } = await buy(shop, user, p.id, 'C', quantity);
  // Bought through the delivery step as 門市自取 (the harness's default); sent home instead.
  await shop.database.db
    .updateTable('order_deliveries')
    .set({
      method: 'home',
      recipient_name: recipient.name,
      recipient_phone: recipient.phone,
      postal_code: '100',
      city: '臺北市',
      district: '中正區',
      address: '重慶南路一段 122 號',
      cvs_sub_type: null,
      store_id: null,
      store_name: null,
      store_address: null,
    })
    .where('order_id', '=', order.id)
    .execute();
  await shop.database.db.updateTable('orders').set({ delivery_method: 'home' }).where('id', '=', order.id).execute();
  await next(shop, user, () => shop.bank.pay(order.order_no));
  await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'paid');
  return (await getOrderByNo(shop.database.db, order.order_no)) as Order;
}

/** An order awaiting payment (bought, not paid). */
export async function unpaidOrder(shop: TestShop): Promise<Order> {
  const user = newUser();
  const p = await productWithStock(shop, 20, 1);
  const { order } = await buy(shop, user, p.id, 'C', 1);
  await waitUntil(async () => (await orderStatus(shop, order.order_no)) === 'awaiting_payment');
  return (await getOrderByNo(shop.database.db, order.order_no)) as Order;
}

/** Outbox kinds queued for the order's customer. */
export async function noticeKinds(shop: TestShop, order: Order): Promise<string[]> {
  const rows = await shop.database.db
    .selectFrom('outbox')
    .select('kind')
    .where('line_user_id', '=', order.line_user_id)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.kind);
}

/**
 * The delivery page's routes (thin: verify the link, one transaction, a page):
 * - GET  /delivery?t=…        the page (read only)
 * - POST /delivery            確認 (form) → 303 /delivery/done, or the page again with errors (400)
 * - POST /delivery/map        選擇門市 → keeps what was typed, auto-submits to ECPay's /Express/map
 * - POST /delivery/store      ECPay's map reply (the buyer's browser) → 303 back to the page
 * - GET  /delivery/done?t=…   "回到 LINE"
 * A forged or altered link gets 403, an expired one 410 ("請回到 LINE 重新結帳"); neither stores
 * anything. Nothing about the recipient is logged.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { DeliveryConfig } from '../config';
import type { DB } from '../db/types';
import { autoSubmitHtml } from '../ecpay/html';
import type { Logger } from '../logger';
import type { DeliveryForm } from '../shop/delivery';
import { getDraft } from '../shop/delivery-draft-repository';
import { type DeliveryLink, mintDeliveryToken, type TokenCheck, verifyDeliveryToken } from '../shop/delivery-link';
import {
  acceptStoreReply,
  type DeliverySettings,
  draftStore,
  effectiveConfig,
  pageCart,
  startStoreMap,
  submitDelivery,
} from '../shop/delivery-service';
import { type ShopNameSource, shopNameOf } from '../shop/profile';
import { deliveryDonePageHtml, deliveryMessagePageHtml, deliveryPageHtml } from './delivery-page';

export interface DeliveryRouteDeps {
  db: Kysely<DB>;
  settings: DeliverySettings;
  /** The DeliveryConfig in force (default: settings.delivery). */
  deliveryConfig?: () => Promise<DeliveryConfig>;
  shopName: ShopNameSource;
  lineUrl: string;
  now: () => number;
  logger: Logger;
  /** Wakes the outbox (the confirmation is queued in the 確認 transaction). */
  onMessagesQueued: () => void;
}

const FORM_FIELDS = ['method', 'name', 'phone', 'city', 'district', 'address', 'chain'] as const;

/** Only single string values of the known fields, each bounded. */
function readForm(body: unknown): DeliveryForm {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: DeliveryForm = {};
  for (const k of FORM_FIELDS) {
    const v = b[k];
    if (typeof v === 'string') out[k] = v.slice(0, 200);
  }
  return out;
}

function tokenOf(source: unknown): unknown {
  return source && typeof source === 'object' ? (source as Record<string, unknown>).t : undefined;
}

export function deliveryRoutes(deps: DeliveryRouteDeps) {
  const { db, lineUrl, now } = deps;
  const key = deps.settings.linkKey;

  async function settings(): Promise<DeliverySettings> {
    return deps.deliveryConfig ? { ...deps.settings, delivery: await deps.deliveryConfig() } : deps.settings;
  }

  function page(reply: FastifyReply, code: number, html: string) {
    return reply.code(code).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  }

  function refused(reply: FastifyReply, check: Extract<TokenCheck, { ok: false }>) {
    if (check.reason === 'expired') {
      return page(
        reply,
        410,
        deliveryMessagePageHtml(
          shopNameOf(deps.shopName),
          '連結已過期',
          '這個收件資料連結已經過期了，請回到 LINE 重新結帳。',
          lineUrl,
        ),
      );
    }
    return page(
      reply,
      403,
      deliveryMessagePageHtml(
        shopNameOf(deps.shopName),
        '連結無效',
        '這個連結無法使用，請回到 LINE 重新結帳。',
        lineUrl,
      ),
    );
  }

  async function renderPage(
    reply: FastifyReply,
    code: number,
    link: DeliveryLink,
    token: string,
    form: DeliveryForm | undefined,
    errors: Parameters<typeof deliveryPageHtml>[0]['errors'],
  ) {
    const s = await settings();
    const draft = await getDraft(db, link.checkoutId);
    const cart = await pageCart(db, link.userId);
    if (!cart) {
      return page(
        reply,
        409,
        deliveryMessagePageHtml(
          shopNameOf(deps.shopName),
          '購物車是空的',
          '購物車裡沒有商品，請回到 LINE 選購後再結帳。',
          lineUrl,
        ),
      );
    }
    const store = draft && draft.line_user_id === link.userId ? draftStore(draft) : undefined;
    const fromDraft: DeliveryForm =
      draft && draft.line_user_id === link.userId
        ? {
            method: draft.method ?? undefined,
            name: draft.recipient_name ?? undefined,
            phone: draft.recipient_phone ?? undefined,
            city: draft.city ?? undefined,
            district: draft.district ?? undefined,
            address: draft.address ?? undefined,
            chain: draft.cvs_sub_type ?? draft.map_sub_type ?? undefined,
          }
        : {};
    const html = deliveryPageHtml({
      shopName: shopNameOf(deps.shopName),
      token,
      config: effectiveConfig(s),
      cart,
      form: form ?? fromDraft,
      store,
      errors,
      notice: !form && store ? `已選擇門市：${store.storeName}` : undefined,
    });
    return page(reply, code, html);
  }

  return async function register(app: FastifyInstance): Promise<void> {
    await app.register(formbody, { bodyLimit: 16 * 1024 });

    app.get('/delivery', async (req, reply) => {
      const token = tokenOf(req.query);
      const check = verifyDeliveryToken(key, token, now());
      if (!check.ok) return refused(reply, check);
      return renderPage(reply, 200, check.link, token as string, undefined, {});
    });

    app.post('/delivery', async (req, reply) => {
      const token = tokenOf(req.body);
      const check = verifyDeliveryToken(key, token, now());
      if (!check.ok) return refused(reply, check);
      const form = readForm(req.body);
      const s = await settings();
      const out = await db.transaction().execute((trx) => submitDelivery(trx, s, check.link, form, now()));
      if (!out.ok) {
        if ('empty' in out) return renderPage(reply, 409, check.link, token as string, form, {});
        return renderPage(reply, 400, check.link, token as string, form, out.errors);
      }
      if (out.told) {
        deps.onMessagesQueued();
        deps.logger.info({ event: 'delivery.confirmed', method: form.method }, 'delivery confirmed');
      }
      return reply
        .code(303)
        .header('location', `/delivery/done?t=${encodeURIComponent(token as string)}`)
        .send();
    });

    app.post('/delivery/map', async (req, reply) => {
      const token = tokenOf(req.body);
      const check = verifyDeliveryToken(key, token, now());
      if (!check.ok) return refused(reply, check);
      const form = readForm(req.body);
      const s = await settings();
      const out = await db.transaction().execute((trx) => startStoreMap(trx, s, check.link, form, now()));
      if (!out.ok) return renderPage(reply, 400, check.link, token as string, { ...form, method: 'cvs' }, out.errors);
      return page(reply, 200, autoSubmitHtml(out.form, '前往選擇門市…'));
    });

    app.post('/delivery/store', async (req, reply) => {
      const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
      const s = await settings();
      const out = await db.transaction().execute((trx) => acceptStoreReply(trx, s, body, now()));
      if (!out.ok) {
        deps.logger.warn({ event: 'delivery.store_refused', reason: out.reason }, 'store map reply refused');
        if (out.reason === 'expired') {
          return page(
            reply,
            410,
            deliveryMessagePageHtml(
              shopNameOf(deps.shopName),
              '連結已過期',
              '選擇門市的時間已超過，請回到 LINE 重新結帳。',
              lineUrl,
            ),
          );
        }
        return page(
          reply,
          400,
          deliveryMessagePageHtml(
            shopNameOf(deps.shopName),
            '無法使用這個門市資料',
            '門市資料不是這次結帳所選的，沒有儲存。請回到 LINE 重新結帳。',
            lineUrl,
          ),
        );
      }
      return reply
        .code(303)
        .header('location', `/delivery?t=${encodeURIComponent(mintDeliveryToken(key, out.link))}`)
        .send();
    });

    app.get('/delivery/done', async (req, reply) => {
      const check = verifyDeliveryToken(key, tokenOf(req.query), now());
      if (!check.ok && check.reason === 'invalid') return refused(reply, check);
      return page(reply, 200, deliveryDonePageHtml(shopNameOf(deps.shopName), lineUrl));
    });
  };
}

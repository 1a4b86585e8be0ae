/**
 * The delivery step's rules, for the chat (前往結帳, one tap to a saved recipient, 修改收件資料,
 * 刪除我的收件資料) and the delivery page (open, store map, map reply, 確認). Each function runs in
 * the caller's transaction and takes the DeliveryConfig in force as a parameter. Nothing is stored
 * before a link is verified; a map reply is matched to a map session this shop issued.
 */
import { randomBytes } from 'node:crypto';
import type { DeliveryConfig } from '../config';
import type { Executor } from '../db/database';
import type { DeliveryDraft } from '../db/types';
import { type BrowserForm, buildMapForm, type EcpayLogisticsConfig, parseMapReply } from '../ecpay';
import { isCvsSubType } from '../ecpay/types';
import type { ConfirmationView, DeliveryStepView } from '../messages/delivery-messages';
import { recipientSummary } from '../messages/delivery-messages';
import { type CartItem, cartItems, findOpenCart } from './cart-repository';
import { cartVersion, summarize } from './cart-service';
import {
  type ChosenCvsStore,
  checkDeliveryForm,
  type Delivery,
  type DeliveryForm,
  deliveryHash,
  type FormField,
  fromRow,
  stillOffered,
  toRow,
} from './delivery';
import {
  confirmDraft,
  deleteDraftsOf,
  deleteSavedRecipients,
  draftByMapTradeNo,
  ensureDraft,
  getDraft,
  saveDraftInput,
  savedRecipient,
  savedRecipients,
  saveRecipient,
  setDraftStore,
  startMapSession,
} from './delivery-draft-repository';
import { DELIVERY_LINK_MS, type DeliveryLink, mintDeliveryToken, newCheckoutId } from './delivery-link';
import { tellCustomer } from './notices';
import { amountToFreeShipping, charge, isChainOffered, offeredMethods, shippingFee } from './shipping-fee';

/** What the delivery step needs besides the database. */
export interface DeliverySettings {
  delivery: DeliveryConfig;
  /** ECPay (or the logistics simulator); without it there is no store map. */
  ecpay: EcpayLogisticsConfig | undefined;
  /** Signing key of page links (deliveryLinkKey). */
  linkKey: Buffer;
  /** The shop's public origin (page links, the map's ServerReplyURL). */
  publicBaseUrl: string;
}

export function deliveryPageUrl(s: DeliverySettings, link: DeliveryLink): string {
  return `${s.publicBaseUrl}/delivery?t=${mintDeliveryToken(s.linkKey, link)}`;
}

/** The DeliveryConfig with 超商取貨 off when there is no ECPay account to show the map with. */
export function effectiveConfig(s: DeliverySettings): DeliveryConfig {
  return s.ecpay ? s.delivery : { ...s.delivery, cvsFee: null };
}

function itemsOf(lines: CartItem[]) {
  return lines.map((l) => ({ name: l.name, unitPrice: l.unitPrice, quantity: l.quantity }));
}

/** The confirmation for `delivery` on the open cart as it is now; undefined when the cart is empty or the method is off. */
export async function confirmationFor(
  db: Executor,
  s: DeliverySettings,
  userId: string,
  draftId: string,
  delivery: Delivery,
): Promise<ConfirmationView | undefined> {
  const config = effectiveConfig(s);
  const cart = await findOpenCart(db, userId);
  const lines = cart ? await cartItems(db, cart.id) : [];
  if (!cart || lines.length === 0) return undefined;
  const subtotal = summarize(lines).total;
  const c = charge(config, delivery.method, subtotal);
  if (!c || !stillOffered(config, delivery)) return undefined;
  return {
    items: itemsOf(lines),
    subtotal,
    fee: c.fee,
    total: c.total,
    delivery,
    pickup: config.pickup,
    version: cartVersion(cart.id, lines),
    draftId,
    hash: deliveryHash(delivery),
  };
}

/** 前往結帳: a new checkout with its page link, and the last recipient used (if still offered). */
export async function deliveryStep(
  db: Executor,
  s: DeliverySettings,
  userId: string,
  now: number,
): Promise<DeliveryStepView | undefined> {
  const config = effectiveConfig(s);
  const cart = await findOpenCart(db, userId);
  const lines = cart ? await cartItems(db, cart.id) : [];
  if (!cart || lines.length === 0) return undefined;
  const view = summarize(lines);
  const link = { userId, checkoutId: newCheckoutId(), expiresAt: now + DELIVERY_LINK_MS };
  let saved: DeliveryStepView['saved'];
  for (const r of await savedRecipients(db, userId, 5)) {
    const d = fromRow(r);
    if (d && stillOffered(config, d)) {
      saved = { id: r.id, summary: recipientSummary(d) };
      break;
    }
  }
  return {
    subtotal: view.total,
    unitCount: view.unitCount,
    offers: offeredMethods(config).map((method) => ({
      method,
      fee: shippingFee(config, method, view.total) as number,
    })),
    toFreeShipping: amountToFreeShipping(config, view.total),
    pageUrl: deliveryPageUrl(s, link),
    saved,
    version: cartVersion(cart.id, lines),
  };
}

export type SavedUse =
  | { kind: 'gone' }
  | { kind: 'empty' }
  | { kind: 'confirmed'; view: ConfirmationView; changedCart: boolean };

/** One tap on "寄到 王*明 · …": a new checkout confirmed with that recipient; answers the confirmation. */
export async function useSavedRecipient(
  trx: Executor,
  s: DeliverySettings,
  userId: string,
  recipientId: number,
  version: string | undefined,
  now: number,
): Promise<SavedUse> {
  const r = await savedRecipient(trx, userId, recipientId);
  const d = r ? fromRow(r) : undefined;
  if (!d || !stillOffered(effectiveConfig(s), d)) return { kind: 'gone' };
  const id = newCheckoutId();
  await ensureDraft(trx, { id, userId, linkExpiresAt: now + DELIVERY_LINK_MS }, now);
  await confirmDraft(trx, id, toRow(d), deliveryHash(d), now);
  const view = await confirmationFor(trx, s, userId, id, d);
  if (!view) return { kind: 'empty' };
  return { kind: 'confirmed', view, changedCart: version !== undefined && version !== view.version };
}

/** 修改收件資料: a fresh link to the same checkout's page (the draft keeps what was entered). */
export async function editLink(
  db: Executor,
  s: DeliverySettings,
  userId: string,
  draftId: string,
  now: number,
): Promise<string | undefined> {
  const draft = await getDraft(db, draftId);
  if (!draft || draft.line_user_id !== userId) return undefined;
  return deliveryPageUrl(s, { userId, checkoutId: draftId, expiresAt: now + DELIVERY_LINK_MS });
}

/** The confirmed delivery a pay button names, if it is still the one confirmed. */
export async function confirmedDelivery(
  db: Executor,
  userId: string,
  draftId: string,
  hash: string,
): Promise<Delivery | undefined> {
  const draft = await getDraft(db, draftId);
  if (!draft || draft.line_user_id !== userId || draft.confirmed_hash !== hash) return undefined;
  const d = fromRow(draft);
  return d && deliveryHash(d) === hash ? d : undefined;
}

export async function countSavedRecipients(db: Executor, userId: string): Promise<number> {
  return (await savedRecipients(db, userId, 100)).length;
}

/** 刪除我的收件資料 (confirmed): saved recipients and open delivery drafts go. Orders keep their snapshot. */
export async function forgetRecipients(trx: Executor, userId: string): Promise<number> {
  const n = await deleteSavedRecipients(trx, userId);
  await deleteDraftsOf(trx, userId);
  return n;
}

// ── The delivery page ────────────────────────────────────────────────────────────────────────

/** The page's state for a verified link (the draft is created on first open). */
export async function openDraft(trx: Executor, link: DeliveryLink, now: number): Promise<DeliveryDraft> {
  return ensureDraft(trx, { id: link.checkoutId, userId: link.userId, linkExpiresAt: link.expiresAt }, now);
}

export interface PageCart {
  subtotal: number;
  items: ReturnType<typeof itemsOf>;
}

export async function pageCart(db: Executor, userId: string): Promise<PageCart | undefined> {
  const cart = await findOpenCart(db, userId);
  const lines = cart ? await cartItems(db, cart.id) : [];
  if (!cart || lines.length === 0) return undefined;
  return { subtotal: summarize(lines).total, items: itemsOf(lines) };
}

/** A fresh MerchantTradeNo for one map session: `M` + 19 letters/digits, never reused. */
function newMapTradeNo(): string {
  return `M${randomBytes(15).toString('base64url').replace(/[-_]/g, '0').slice(0, 19)}`;
}

export type MapStart = { ok: true; form: BrowserForm } | { ok: false; errors: Partial<Record<FormField, string>> };

/** 選擇門市: keeps what was typed, issues a map session for the chain and returns ECPay's map form. */
export async function startStoreMap(
  trx: Executor,
  s: DeliverySettings,
  link: DeliveryLink,
  form: DeliveryForm,
  now: number,
): Promise<MapStart> {
  const chain = form.chain ?? '';
  if (!s.ecpay || !isChainOffered(effectiveConfig(s), chain)) return { ok: false, errors: { chain: '請選擇超商' } };
  await openDraft(trx, link, now);
  await saveDraftInput(
    trx,
    link.checkoutId,
    {
      method: 'cvs',
      recipient_name: (form.name ?? '').trim().slice(0, 40) || null,
      recipient_phone: (form.phone ?? '').trim().slice(0, 20) || null,
    },
    now,
  );
  const tradeNo = newMapTradeNo();
  await startMapSession(trx, link.checkoutId, tradeNo, chain, now);
  return {
    ok: true,
    form: buildMapForm(s.ecpay, {
      subType: chain,
      merchantTradeNo: tradeNo,
      serverReplyUrl: `${s.publicBaseUrl}/delivery/store`,
      extraData: link.checkoutId,
      device: 1,
    }),
  };
}

export type MapReplyOutcome =
  | { ok: true; link: DeliveryLink }
  | { ok: false; reason: 'malformed' | 'merchant' | 'unknown-session' | 'chain' | 'expired' };

/**
 * The store the buyer's browser brings back from ECPay's map (ServerReplyURL). Accepted only for
 * our MerchantID, a MerchantTradeNo we issued (and the checkout it was issued for, ExtraData), and
 * the chain that map session was opened for; anything else stores nothing.
 */
export async function acceptStoreReply(
  trx: Executor,
  s: DeliverySettings,
  body: Record<string, unknown>,
  now: number,
): Promise<MapReplyOutcome> {
  if (!s.ecpay) return { ok: false, reason: 'merchant' };
  const parsed = parseMapReply(body, { merchantId: s.ecpay.merchantId });
  if (!parsed.ok) return { ok: false, reason: parsed.problem === 'merchant' ? 'merchant' : 'malformed' };
  const store = parsed.store;
  const draft = await draftByMapTradeNo(trx, store.merchantTradeNo);
  if (!draft || draft.id !== store.extraData) return { ok: false, reason: 'unknown-session' };
  if (draft.map_sub_type !== store.subType) return { ok: false, reason: 'chain' };
  if (now >= draft.link_expires_at) return { ok: false, reason: 'expired' };
  await setDraftStore(
    trx,
    draft.id,
    store.merchantTradeNo,
    {
      subType: store.subType,
      storeId: store.storeId,
      storeName: store.storeName,
      storeAddress: store.storeAddress,
    },
    now,
  );
  return { ok: true, link: { userId: draft.line_user_id, checkoutId: draft.id, expiresAt: draft.link_expires_at } };
}

/** The store on a draft (chosen on the map), if any. */
export function draftStore(draft: DeliveryDraft): ChosenCvsStore | undefined {
  const subType = draft.cvs_sub_type;
  if (!subType || !isCvsSubType(subType) || !draft.store_id || !draft.store_name || !draft.store_address) {
    return undefined;
  }
  return {
    subType,
    storeId: draft.store_id,
    storeName: draft.store_name,
    storeAddress: draft.store_address,
  };
}

export type SubmitOutcome =
  | { ok: false; errors: Partial<Record<FormField, string>>; draft: DeliveryDraft }
  | { ok: false; empty: true }
  | { ok: true; told: boolean };

/**
 * 確認: checks the form; on success confirms the draft, keeps the recipient for next time and
 * pushes the order confirmation. A double submit (same delivery) tells the customer only once.
 */
export async function submitDelivery(
  trx: Executor,
  s: DeliverySettings,
  link: DeliveryLink,
  form: DeliveryForm,
  now: number,
): Promise<SubmitOutcome> {
  const draft = await openDraft(trx, link, now);
  const checked = checkDeliveryForm(effectiveConfig(s), form, draftStore(draft));
  if (!checked.ok) return { ok: false, errors: checked.errors, draft };
  const d = checked.delivery;
  const view = await confirmationFor(trx, s, link.userId, draft.id, d);
  if (!view) return { ok: false, empty: true };
  const hash = deliveryHash(d);
  const changed = await confirmDraft(trx, draft.id, toRow(d), hash, now);
  if (!changed) return { ok: true, told: false };
  await saveRecipient(trx, link.userId, toRow(d), hash, now);
  await tellCustomer(trx, { kind: 'delivery_confirmation', lineUserId: link.userId, view }, now);
  return { ok: true, told: true };
}

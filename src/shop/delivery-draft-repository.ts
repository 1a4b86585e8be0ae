/**
 * Tables `delivery_drafts` (one per checkout's delivery step) and `saved_recipients` (recipients a
 * customer confirmed before). Only this file touches them.
 */
import type { Executor } from '../db/database';
import type { DeliveryDraft, SavedRecipient } from '../db/types';
import type { RecipientRow } from './delivery';

export async function getDraft(db: Executor, id: string): Promise<DeliveryDraft | undefined> {
  return db.selectFrom('delivery_drafts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates the checkout's draft on first use (a valid link), or keeps the one there. */
export async function ensureDraft(
  trx: Executor,
  d: { id: string; userId: string; linkExpiresAt: number },
  now: number,
): Promise<DeliveryDraft> {
  await trx
    .insertInto('delivery_drafts')
    .values({
      id: d.id,
      line_user_id: d.userId,
      link_expires_at: d.linkExpiresAt,
      method: null,
      recipient_name: null,
      recipient_phone: null,
      postal_code: null,
      city: null,
      district: null,
      address: null,
      cvs_sub_type: null,
      store_id: null,
      store_name: null,
      store_address: null,
      map_trade_no: null,
      map_sub_type: null,
      confirmed_hash: null,
      confirmed_at: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return (await getDraft(trx, d.id)) as DeliveryDraft;
}

/** What the customer typed so far (kept while they visit the store map). */
export async function saveDraftInput(
  trx: Executor,
  id: string,
  input: Partial<Pick<RecipientRow, 'method' | 'recipient_name' | 'recipient_phone'>>,
  now: number,
): Promise<void> {
  await trx
    .updateTable('delivery_drafts')
    .set({ ...input, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function startMapSession(
  trx: Executor,
  id: string,
  tradeNo: string,
  subType: string,
  now: number,
): Promise<void> {
  await trx
    .updateTable('delivery_drafts')
    .set({ map_trade_no: tradeNo, map_sub_type: subType, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function draftByMapTradeNo(db: Executor, tradeNo: string): Promise<DeliveryDraft | undefined> {
  return db.selectFrom('delivery_drafts').selectAll().where('map_trade_no', '=', tradeNo).executeTakeFirst();
}

/** The store the map returned, for the map session `tradeNo` (a later session's reply changes nothing). */
export async function setDraftStore(
  trx: Executor,
  id: string,
  tradeNo: string,
  store: { subType: string; storeId: string; storeName: string; storeAddress: string },
  now: number,
): Promise<boolean> {
  const r = await trx
    .updateTable('delivery_drafts')
    .set({
      method: 'cvs',
      cvs_sub_type: store.subType,
      store_id: store.storeId,
      store_name: store.storeName,
      store_address: store.storeAddress,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('map_trade_no', '=', tradeNo)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Records the confirmed delivery. Returns false when the draft already holds exactly this
 * confirmation (a double submit), so the caller tells the customer only once.
 */
export async function confirmDraft(
  trx: Executor,
  id: string,
  row: RecipientRow,
  hash: string,
  now: number,
): Promise<boolean> {
  const r = await trx
    .updateTable('delivery_drafts')
    .set({ ...row, confirmed_hash: hash, confirmed_at: now, updated_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('confirmed_hash', 'is', null), eb('confirmed_hash', '!=', hash)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteDraftsOf(trx: Executor, userId: string): Promise<number> {
  const r = await trx.deleteFrom('delivery_drafts').where('line_user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Drafts untouched since `before` (their links expired long ago). */
export async function deleteDraftsBefore(trx: Executor, before: number): Promise<number> {
  const r = await trx.deleteFrom('delivery_drafts').where('updated_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Keeps a confirmed recipient (or marks the same one used again). */
export async function saveRecipient(
  trx: Executor,
  userId: string,
  row: RecipientRow,
  fingerprint: string,
  now: number,
): Promise<void> {
  await trx
    .insertInto('saved_recipients')
    .values({ ...row, line_user_id: userId, fingerprint, last_used_at: now, created_at: now })
    .onConflict((oc) => oc.columns(['line_user_id', 'fingerprint']).doUpdateSet({ last_used_at: now }))
    .execute();
}

/** A customer's saved recipients, last used first. */
export async function savedRecipients(db: Executor, userId: string, limit: number): Promise<SavedRecipient[]> {
  return db
    .selectFrom('saved_recipients')
    .selectAll()
    .where('line_user_id', '=', userId)
    .orderBy('last_used_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function savedRecipient(db: Executor, userId: string, id: number): Promise<SavedRecipient | undefined> {
  return db
    .selectFrom('saved_recipients')
    .selectAll()
    .where('line_user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteSavedRecipients(trx: Executor, userId: string): Promise<number> {
  const r = await trx.deleteFrom('saved_recipients').where('line_user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

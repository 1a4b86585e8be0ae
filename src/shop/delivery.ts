/**
 * A delivery as the customer confirms it — 宅配 to an address, 超商取貨 at a chosen store, or
 * 門市自取 — and the rules that check what the delivery page posts. Pure: no database, no config
 * reads (the DeliveryConfig in force is a parameter).
 */
import { createHash } from 'node:crypto';
import type { DeliveryConfig } from '../config';
import type { DeliveryMethod, RecipientColumns } from '../db/types';
import { type CvsSubType, isCvsSubType } from '../ecpay/types';
import { cellPhoneProblem, nameProblem, normalizeCellPhone } from '../ecpay/validate';
import { isChainOffered, isOffered } from './shipping-fee';
import { findCounty, findDistrict } from './taiwan-districts';

export interface ChosenCvsStore {
  subType: CvsSubType;
  storeId: string;
  storeName: string;
  storeAddress: string;
}

export type Delivery =
  | {
      method: 'home';
      name: string;
      phone: string;
      postalCode: string;
      city: string;
      district: string;
      address: string;
    }
  | ({ method: 'cvs'; name: string; phone: string } & ChosenCvsStore)
  | { method: 'pickup'; name: string; phone: string };

/** The recipient columns (delivery_drafts, saved_recipients, order_deliveries share them). */
export type RecipientRow = RecipientColumns;

export function toRow(d: Delivery): RecipientRow {
  return {
    method: d.method,
    recipient_name: d.name,
    recipient_phone: d.phone,
    postal_code: d.method === 'home' ? d.postalCode : null,
    city: d.method === 'home' ? d.city : null,
    district: d.method === 'home' ? d.district : null,
    address: d.method === 'home' ? d.address : null,
    cvs_sub_type: d.method === 'cvs' ? d.subType : null,
    store_id: d.method === 'cvs' ? d.storeId : null,
    store_name: d.method === 'cvs' ? d.storeName : null,
    store_address: d.method === 'cvs' ? d.storeAddress : null,
  };
}

/** A complete delivery from stored columns; undefined when something is missing. */
export function fromRow(r: RecipientRow): Delivery | undefined {
  const name = r.recipient_name;
  const phone = r.recipient_phone;
  if (!name || !phone) return undefined;
  switch (r.method) {
    case 'home':
      if (!r.postal_code || !r.city || !r.district || !r.address) return undefined;
      return {
        method: 'home',
        name,
        phone,
        postalCode: r.postal_code,
        city: r.city,
        district: r.district,
        address: r.address,
      };
    case 'cvs':
      if (!r.cvs_sub_type || !isCvsSubType(r.cvs_sub_type) || !r.store_id || !r.store_name || !r.store_address) {
        return undefined;
      }
      return {
        method: 'cvs',
        name,
        phone,
        subType: r.cvs_sub_type,
        storeId: r.store_id,
        storeName: r.store_name,
        storeAddress: r.store_address,
      };
    case 'pickup':
      return { method: 'pickup', name, phone };
    default:
      return undefined;
  }
}

/** A short hash of a delivery: the pay button carries it, so only the delivery shown is charged for. */
export function deliveryHash(d: Delivery): string {
  const r = toRow(d);
  return createHash('sha256')
    .update(JSON.stringify(Object.values(r)))
    .digest('base64url')
    .slice(0, 16);
}

/** Whether the DeliveryConfig in force still offers this delivery (method on, chain enabled). */
export function stillOffered(config: DeliveryConfig, d: Delivery): boolean {
  if (!isOffered(config, d.method)) return false;
  return d.method !== 'cvs' || isChainOffered(config, d.subType);
}

/** What the delivery page posts (all strings as typed; the store comes from the draft, not the form). */
export interface DeliveryForm {
  method?: string;
  name?: string;
  phone?: string;
  city?: string;
  district?: string;
  address?: string;
  chain?: string;
}

/** The form's fields a message can stand beside. */
export type FormField = 'method' | 'name' | 'phone' | 'city' | 'district' | 'address' | 'chain' | 'store';

export type FormResult = { ok: true; delivery: Delivery } | { ok: false; errors: Partial<Record<FormField, string>> };

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Street address: the part after the district, 6–60 characters (ECPay's ReceiverAddress), with a number. */
export function streetAddressProblem(value: string): string | null {
  const v = value.trim();
  if (v === '') return '請填寫地址（路街、巷弄、門牌號碼）';
  if (CONTROL.test(v) || /[<>]/.test(v)) return '地址含有無法使用的字元';
  if ([...v].length < 4) return '地址太短，請填寫路街與門牌號碼';
  if ([...v].length > 50) return '地址太長，最多 50 個字';
  if (!/[0-9０-９一二三四五六七八九十]+\s*號/.test(v)) return '請填寫門牌號碼（例如 12號）';
  return null;
}

/**
 * Checks a submitted form against the DeliveryConfig in force. `store` is the store the draft holds
 * (chosen on the map), required for 超商取貨 and only if it is of the chain chosen.
 */
export function checkDeliveryForm(
  config: DeliveryConfig,
  form: DeliveryForm,
  store: ChosenCvsStore | undefined,
): FormResult {
  const errors: Partial<Record<FormField, string>> = {};
  const method = form.method as DeliveryMethod;
  if (!['home', 'cvs', 'pickup'].includes(method) || !isOffered(config, method)) {
    return { ok: false, errors: { method: '請選擇取貨方式' } };
  }
  const name = (form.name ?? '').trim();
  // ECPay's receiver rules (real name on an ID, 2–5 Chinese / 4–10 Latin) for every method: the
  // same name works for a store pickup next time, and a courier needs a real name too.
  const nameWrong = nameProblem(name, 'receiver');
  if (nameWrong) errors.name = nameWrong;
  const phone = normalizeCellPhone(form.phone ?? '');
  const phoneWrong = phone === null ? cellPhoneProblem((form.phone ?? '').trim() === '' ? '' : 'x') : null;
  if (phoneWrong) errors.phone = phoneWrong;

  if (method === 'home') {
    const county = findCounty(form.city ?? '');
    const district = county ? findDistrict(county.name, form.district ?? '') : undefined;
    if (!county) errors.city = '請選擇縣市';
    else if (!district) errors.district = '請選擇鄉鎮市區';
    const addressWrong = streetAddressProblem(form.address ?? '');
    if (addressWrong) errors.address = addressWrong;
    if (Object.keys(errors).length > 0 || !county || !district || phone === null) return { ok: false, errors };
    return {
      ok: true,
      delivery: {
        method,
        name,
        phone,
        postalCode: district.postalCode,
        city: county.name,
        district: district.name,
        address: (form.address ?? '').trim(),
      },
    };
  }
  if (method === 'cvs') {
    const chain = form.chain ?? '';
    if (!isChainOffered(config, chain)) errors.chain = '請選擇超商';
    else if (!store || store.subType !== chain) errors.store = '請按「選擇門市」挑選取貨門市';
    if (Object.keys(errors).length > 0 || !store || phone === null) return { ok: false, errors };
    return { ok: true, delivery: { method, name, phone, ...store } };
  }
  if (Object.keys(errors).length > 0 || phone === null) return { ok: false, errors };
  return { ok: true, delivery: { method: 'pickup', name, phone } };
}

/**
 * ECPay logistics (綠界物流, classic `/Express/*` API) types. Facts: shared spec ecpay-logistics.md.
 * This library knows nothing of the shop: it builds requests, checks answers and names things.
 */

/** What the library needs to talk to ECPay (or the logistics simulator). */
export interface EcpayLogisticsConfig {
  /** e.g. https://logistics-stage.ecpay.com.tw (no trailing path). */
  baseUrl: string;
  merchantId: string;
  hashKey: string;
  hashIv: string;
}

/** Store-pickup subtypes (§4). C2C needs a C2C account, B2C a B2C account. */
export const C2C_SUBTYPES = ['UNIMARTC2C', 'FAMIC2C', 'HILIFEC2C', 'OKMARTC2C'] as const;
export const B2C_SUBTYPES = ['UNIMART', 'UNIMARTFREEZE', 'FAMI', 'HILIFE'] as const;
export const CVS_SUBTYPES = [...C2C_SUBTYPES, ...B2C_SUBTYPES] as const;
export const HOME_SUBTYPES = ['TCAT', 'POST'] as const;

export type C2cSubType = (typeof C2C_SUBTYPES)[number];
export type B2cSubType = (typeof B2C_SUBTYPES)[number];
export type CvsSubType = (typeof CVS_SUBTYPES)[number];
export type HomeSubType = (typeof HOME_SUBTYPES)[number];
export type LogisticsSubType = CvsSubType | HomeSubType;

/** The convenience-store chain behind a subtype (B2C and C2C of one chain share its stores). */
export type CvsChain = 'UNIMART' | 'FAMI' | 'HILIFE' | 'OKMART';

export function isCvsSubType(value: string): value is CvsSubType {
  return (CVS_SUBTYPES as readonly string[]).includes(value);
}
export function isC2cSubType(value: string): value is C2cSubType {
  return (C2C_SUBTYPES as readonly string[]).includes(value);
}
export function isHomeSubType(value: string): value is HomeSubType {
  return (HOME_SUBTYPES as readonly string[]).includes(value);
}

export function chainOf(subType: CvsSubType): CvsChain {
  if (subType.startsWith('UNIMART')) return 'UNIMART';
  if (subType.startsWith('FAMI')) return 'FAMI';
  if (subType.startsWith('HILIFE')) return 'HILIFE';
  return 'OKMART';
}

/** The chain's name as customers know it. */
export const CHAIN_NAMES: Record<CvsChain, string> = {
  UNIMART: '7-ELEVEN',
  FAMI: '全家',
  HILIFE: '萊爾富',
  OKMART: 'OK mart',
};

/** A wire form: string fields only (§1: every value is a string). */
export type WireFields = Record<string, string>;

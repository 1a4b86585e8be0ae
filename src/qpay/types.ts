/**
 * Typed QPay requests and results as callers see them. Money is integer TWD here (`amount`);
 * the ×100 bank representation exists only inside the client (see wire.ts).
 * Bank timestamps keep their `yyyyMMddHHmm` Taiwan-time text and, where useful, an epoch-ms twin.
 */

export type PayType = 'C' | 'A';

interface OrderCreateCommon {
  /** ≤ 50 chars, unique per shop, no `'` `"` `%`. */
  orderNo: string;
  /** Integer TWD, > 0. */
  amount: number;
  /** Shown on the bank's pay page; ≤ 60 chars. */
  prdtName: string;
  /** ≤ 30 chars. */
  memo?: string;
  /** Echoed back by the bank; ≤ 255 chars each. */
  param1?: string;
  param2?: string;
  param3?: string;
  /** Where the shopper's browser is sent (form POST) after the card page; ≤ 255 chars. */
  returnUrl?: string;
  /** Server-to-server payment notification; ≤ 255 chars. */
  backendUrl?: string;
}

export interface CardOrderCreate extends OrderCreateCommon {
  payType: 'C';
  /** true: capture automatically (AutoBilling Y); false: authorize only, capture with OrderMaintain P. */
  autoBilling: boolean;
  /** Life of the card pay link in minutes, 1–30 (bank default 10). */
  expMinutes?: number;
  /** Days until automatic capture, 1–7. */
  expBillingDays?: number;
}

export interface AtmOrderCreate extends OrderCreateCommon {
  payType: 'A';
  /** Last day the transfer is accepted, `yyyyMMdd` Taiwan date (payable until 23:59). */
  expireDate: string;
}

export type OrderCreateRequest = CardOrderCreate | AtmOrderCreate;

interface OrderCreatedCommon {
  orderNo: string;
  shopNo: string;
  tsNo: string;
  amount: number;
  description: string;
  param1?: string;
  param2?: string;
  param3?: string;
  /** The verified, decrypted bank message, for audit. */
  raw: Record<string, unknown>;
}

export interface CardOrderCreated extends OrderCreatedCommon {
  payType: 'C';
  cardPayUrl: string;
}

export interface AtmOrderCreated extends OrderCreatedCommon {
  payType: 'A';
  /** The 14-digit virtual account number (bank code 807). */
  atmPayNo: string;
  webAtmUrl?: string;
  otpUrl?: string;
}

export type OrderCreated = CardOrderCreated | AtmOrderCreated;

/** OrderPayQuery: what one PayToken (from a callback) stands for. */
export interface PayQueryResult {
  shopNo: string;
  payToken: string;
  /** Query time, `yyyyMMddHHmm`. */
  date: string;
  /** The payment itself (TSResultContent). */
  payment: {
    /** true only when TSResultContent.Status is `S`. */
    paid: boolean;
    status: string;
    description: string;
    apType: string;
    tsNo: string;
    orderNo: string;
    shopNo: string;
    payType: string;
    /** Integer TWD (converted from the bank's string `Amount`). */
    amount: number;
    param1: string;
    param2: string;
    param3: string;
    /** First 6 card digits. */
    leftCcNo: string;
    /** Last 4 card digits. */
    rightCcNo: string;
    ccExpDate: string;
    ccToken: string;
    /** `yyyyMMddHHmm` Taiwan time, or '' */
    payDate: string;
    payDateMs?: number;
  };
  raw: Record<string, unknown>;
}

export interface OrderQueryRequest {
  orderNo?: string;
  payType?: PayType;
  /** Epoch ms bounds, sent as `yyyyMMddHHmm` Taiwan time. */
  orderDateTimeStart?: number;
  orderDateTimeEnd?: number;
  payDateTimeStart?: number;
  payDateTimeEnd?: number;
  /** `Y` paid/captured, `N` unpaid, `O` overdue/expired. */
  payFlag?: 'Y' | 'N' | 'O';
}

export interface OrderQueryRow {
  orderNo: string;
  tsNo: string;
  tsDate: string;
  payDate: string;
  payDateMs?: number;
  /** Integer TWD. */
  amount: number;
  payType: string;
  /** e.g. `1A400` / `1C400` paid (see the simulator's pay-status.ts for the codes it uses). */
  payStatus: string;
  expireDate: string;
  refundFlag: string;
  refundStatus: string;
  refundDate: string;
  /** Integer TWD refunded so far (0 when none). */
  refundAmount: number;
  prdtName: string;
  atm?: Record<string, unknown>;
  card?: Record<string, unknown>;
  raw: Record<string, unknown>;
}

export interface OrderQueryResult {
  shopNo: string;
  date: string;
  description: string;
  orders: OrderQueryRow[];
  raw: Record<string, unknown>;
}

/** `P` capture, `C` cancel authorization, `R` refund. */
export type MaintainCommand = 'P' | 'C' | 'R';

export interface OrderMaintainRequest {
  orderNo: string;
  command: MaintainCommand;
  /** Integer TWD, for a partial capture or refund; omitted = the whole amount. */
  amount?: number;
  remark?: string;
}

export interface OrderMaintainResult {
  orderNo: string;
  shopNo: string;
  tsNo: string;
  command: string;
  amount?: number;
  date: string;
  description: string;
  raw: Record<string, unknown>;
}

/**
 * The simulator's whole memory: orders, payments (one per PayToken), notifications and counters.
 * Kept in memory, or mirrored to a JSON file after every change so a restart forgets nothing.
 * Amounts are stored as the bank does: integer TWD × 100.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SimNotificationAttempt } from '../shared/state';
import type { OrderState } from './codes';

export interface SimRefund {
  amount: number;
  at: number;
}

export interface SimOrder {
  shopNo: string;
  orderNo: string;
  tsNo: string;
  payType: 'C' | 'A';
  amount: number;
  prdtName: string;
  memo?: string;
  param1?: string;
  param2?: string;
  param3?: string;
  returnUrl?: string;
  backendUrl?: string;
  createdAt: number;
  state: OrderState;
  paidAt?: number;
  /** Latest PayToken for this order. */
  payToken?: string;
  card?: {
    autoBilling: 'Y' | 'N';
    expMinutes: number;
    expBillingDays?: number;
    /** The TK of the pay link. */
    linkToken: string;
    linkExpiresAt: number;
    capturedAmount?: number;
    capturedAt?: number;
    authCode?: string;
    leftCcNo?: string;
    rightCcNo?: string;
    ccExpDate?: string;
  };
  atm?: {
    atmPayNo: string;
    expireDate: string;
    linkToken: string;
    /** When the sandbox pays it on its own; absent for OrderNo ending in 9. */
    autoPayAt?: number;
  };
  refunds: SimRefund[];
}

export interface SimPayment {
  payToken: string;
  orderNo: string;
  status: 'S' | 'F';
  description: string;
  at: number;
}

export interface SimNotification {
  id: number;
  orderNo: string;
  payToken: string;
  url: string;
  state: 'pending' | 'delivered' | 'gave_up';
  attempts: SimNotificationAttempt[];
  nextAttemptAt?: number;
}

export interface SimState {
  tsSeq: number;
  notificationSeq: number;
  orders: SimOrder[];
  payments: SimPayment[];
  notifications: SimNotification[];
}

export interface StateStore {
  readonly state: SimState;
  /** Call after every change; writes the file when one is configured. */
  save(): void;
}

function empty(): SimState {
  return { tsSeq: 0, notificationSeq: 0, orders: [], payments: [], notifications: [] };
}

export function openStateStore(file: string | undefined): StateStore {
  let state = empty();
  if (file && existsSync(file)) {
    state = { ...empty(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<SimState>) };
  }
  return {
    state,
    save() {
      if (!file) return;
      mkdirSync(dirname(file), { recursive: true });
      // Write then rename, so a crash mid-write never leaves half a file behind.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(state, null, 2));
      renameSync(tmp, file);
    },
  };
}

/** The logistics simulator's state: map sessions, shipments and the notifications they caused. */
import type { CvsSubType } from '../../ecpay/types';
import type { SimNotificationAttempt } from '../shared/state';

/** Where a simulated parcel is. `created` = ECPay has the order (300). */
export type SimStage = 'created' | 'sent' | 'in_transit' | 'arrived' | 'picked_up' | 'returning' | 'returned';

export interface MapSession {
  token: string;
  merchantId: string;
  merchantTradeNo: string;
  subType: CvsSubType;
  isCollection: string;
  serverReplyUrl: string;
  extraData: string;
  createdAt: number;
}

export interface StatusEvent {
  code: string;
  msg: string;
  at: number;
}

export interface SimShipment {
  allPayLogisticsId: string;
  merchantId: string;
  merchantTradeNo: string;
  merchantTradeDate: string;
  logisticsType: 'CVS';
  subType: CvsSubType;
  goodsAmount: number;
  collectionAmount: number;
  isCollection: string;
  goodsName: string;
  senderName: string;
  senderCellPhone: string;
  receiverName: string;
  receiverPhone: string;
  receiverCellPhone: string;
  receiverEmail: string;
  receiverStoreId: string;
  returnStoreId: string;
  serverReplyUrl: string;
  c2cReplyUrl: string;
  cvsPaymentNo: string;
  cvsValidationNo: string;
  bookingNote: string;
  createdAt: number;
  stage: SimStage;
  /** Latest status first-to-last. */
  history: StatusEvent[];
  /** When the schedule moves it on by itself (undefined: waits for an admin trigger). */
  nextStepAt?: number;
  /** Where the schedule leads after arrival. */
  outcome: 'pick_up' | 'return';
}

export interface SimNotification {
  id: number;
  allPayLogisticsId: string;
  url: string;
  /** The signed form fields sent. */
  fields: Record<string, string>;
  state: 'pending' | 'delivered' | 'failed';
  attempts: SimNotificationAttempt[];
  nextAttemptAt?: number;
}

export interface SimState {
  mapSessions: Map<string, MapSession>;
  shipments: SimShipment[];
  notifications: SimNotification[];
  nextLogisticsId: number;
  nextNotificationId: number;
}

export function emptyState(): SimState {
  return {
    mapSessions: new Map(),
    shipments: [],
    notifications: [],
    nextLogisticsId: 2_300_001,
    nextNotificationId: 1,
  };
}

/**
 * Logistics status codes (`RtnCode` in notifications = `LogisticsStatus` in Query), spec §7
 * (ECPay's logistics_status.xlsx), mapped to neutral meanings a shop can act on. Codes not listed
 * here are `unknown` — recorded, never guessed (the sheet has many anomaly codes; a shop keeps the
 * last known state on them).
 */

export type LogisticsMeaning =
  /** ECPay has the order (also Create's RtnCode). */
  | 'created'
  /** The seller dropped the parcel at a store (C2C). */
  | 'sent'
  /** Accepted at / sorted by the logistics centre — NOT at the pickup store yet. */
  | 'in_transit'
  | 'arrived_at_store'
  | 'picked_up'
  /** Not collected; on its way back. */
  | 'returning'
  /** Back at the sender's store, waiting for the seller. */
  | 'returned_to_sender_store'
  /** The seller collected the returned parcel. */
  | 'returned'
  /** The seller did not collect the returned parcel. */
  | 'return_uncollected'
  /** The pickup store closed: the buyer must choose another store. */
  | 'store_closed'
  | 'store_changed'
  /** The seller never dropped the parcel off before the code expired. */
  | 'drop_off_expired'
  | 'lost'
  | 'cancelled'
  | 'unknown';

export interface StatusCodeInfo {
  meaning: Exclude<LogisticsMeaning, 'unknown'>;
  /**
   * Our short zh-TW label. Only 300, 3022 and 7013 are ECPay's own RtnMsg wording (spec §5–§7);
   * the others are ours — show ECPay's RtnMsg when there is one.
   */
  text: string;
}

/** §7, merged over subtypes (no code means two different things across the chains in the table). */
export const STATUS_CODES: Readonly<Record<string, StatusCodeInfo>> = {
  '300': { meaning: 'created', text: '訂單處理中(已收到訂單資料)' },
  '310': { meaning: 'created', text: '上傳電子訂單中' },
  '2068': { meaning: 'sent', text: '交貨便收件(賣家已寄件)' },
  '3032': { meaning: 'sent', text: '賣家已到門市寄件' },
  '2030': { meaning: 'in_transit', text: '物流中心驗收成功' },
  '2041': { meaning: 'in_transit', text: '物流中心理貨中' },
  '3024': { meaning: 'in_transit', text: '貨件已至物流中心' },
  '2063': { meaning: 'arrived_at_store', text: '門市配達' },
  '2073': { meaning: 'arrived_at_store', text: '商品配達買家取貨門市' },
  '2098': { meaning: 'arrived_at_store', text: '重新配達買家取貨門市' },
  '3018': { meaning: 'arrived_at_store', text: '到店尚未取貨，簡訊通知取件' },
  '3029': { meaning: 'arrived_at_store', text: '商品已轉換至指定門市' },
  '2067': { meaning: 'picked_up', text: '消費者成功取件' },
  '3022': { meaning: 'picked_up', text: '買家已到店取貨' },
  '2074': { meaning: 'returning', text: '消費者未取件，退貨中' },
  '3020': { meaning: 'returning', text: '貨件未取退回' },
  '2076': { meaning: 'returning', text: '退貨商品已回到物流中心' },
  '2078': { meaning: 'returning', text: '退貨商品已回到物流中心' },
  '3025': { meaning: 'returning', text: '退貨已至物流中心' },
  '2072': { meaning: 'returned_to_sender_store', text: '退貨商品已到賣家門市' },
  '3019': { meaning: 'returned_to_sender_store', text: '退貨已到賣家門市' },
  '2070': { meaning: 'returned', text: '賣家已取回退貨商品' },
  '3023': { meaning: 'returned', text: '賣家已取回退貨' },
  '2075': { meaning: 'return_uncollected', text: '賣家未取退貨' },
  '2077': { meaning: 'return_uncollected', text: '賣家未取退貨' },
  '3021': { meaning: 'return_uncollected', text: '賣家未取退貨' },
  '2101': { meaning: 'store_closed', text: '門市關轉店' },
  '2104': { meaning: 'store_closed', text: '門市關轉店，請重選門市' },
  '7011': { meaning: 'store_closed', text: '門市關轉店，請重選門市' },
  '2105': { meaning: 'store_changed', text: '已更新取貨門市' },
  '7013': { meaning: 'drop_off_expired', text: '訂單超過驗收期限' },
  '2042': { meaning: 'lost', text: '商品遺失' },
  '7018': { meaning: 'lost', text: '商品遺失，賠償' },
  '7020': { meaning: 'lost', text: '商品遺失，賠償' },
  '7006': { meaning: 'lost', text: '商品遺失' },
  '7007': { meaning: 'lost', text: '商品遺失，賠償' },
  '9999': { meaning: 'cancelled', text: '訂單取消' },
};

export function statusMeaning(code: string): LogisticsMeaning {
  return STATUS_CODES[code]?.meaning ?? 'unknown';
}

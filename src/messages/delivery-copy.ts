/** Every sentence of the delivery step (chat, page) in zh-TW, in one place. */
import type { DeliveryMethod } from '../db/types';
import { CHAIN_NAMES, type CvsSubType, chainOf } from '../ecpay/types';

export const METHOD_LABELS: Record<DeliveryMethod, string> = {
  home: '宅配到府',
  cvs: '超商取貨',
  pickup: '門市自取',
};

export function chainName(subType: string): string {
  return CHAIN_NAMES[chainOf(subType as CvsSubType)] ?? subType;
}

export const deliveryCopy = {
  stepTitle: '填寫收件資料',
  stepAlt: (subtotal: string) => `結帳：小計 ${subtotal}，請選擇取貨方式並填寫收件資料`,
  stepIntro: '請選擇取貨方式並填寫收件資料，確認後就可以付款。',
  fillIn: '填寫收件資料',
  fillNew: '填寫新的收件資料',
  useSaved: (summary: string) => `寄到 ${summary}`,
  feeLine: (label: string, fee: string) => `${label}　${fee}`,
  free: '免運',
  toFree: (amount: string) => `還差 ${amount} 免運`,
  freeReached: '已達免運門檻',
  linkNote: '連結 30 分鐘內有效。',
  subtotal: '小計',
  shipping: '運費',
  total: '合計',
  method: '取貨方式',
  recipient: '收件人',
  address: '地址',
  store: '取貨門市',
  pickupAt: '自取地點',
  confirmTitle: '確認訂單',
  confirmAlt: (total: string, method: string) => `訂單確認：${method}，合計 ${total}，請選擇付款方式`,
  confirmHint: '請確認明細與收件資料，再選擇付款方式。',
  edit: '修改收件資料',
  payCard: '💳 信用卡',
  payAtm: '🏧 ATM 轉帳',
  stale:
    '購物車內容、價格或運費在這份確認之後有變動，所以還沒有建立訂單、也沒有保留商品。\n請確認下方最新的小計、運費與合計，再選擇付款方式。',
  deliveryGone: '這份收件資料已經失效（可能已修改或刪除），請重新填寫。',
  methodOff: '這個取貨方式目前暫停提供，請選擇其他方式。',
  needDelivery: '還沒有建立訂單：付款前請先選擇取貨方式並填寫收件資料。',
  forgetButton: '刪除我的收件資料',
  forgetTitle: '刪除收件資料？',
  forgetAsk: (n: number) =>
    `確定要刪除您儲存的 ${n} 筆收件資料嗎？\n刪除後下次結帳需要重新填寫；已成立的訂單不受影響。`,
  forgetYes: '確定刪除',
  keep: '保留',
  forgetDone: '已刪除您儲存的收件資料。',
  forgetNone: '目前沒有儲存的收件資料。',
};

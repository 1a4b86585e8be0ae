/**
 * Every status and code the simulator invents, in one place. Only `S0000 – 處理成功` and
 * `E0602 – 收款方式未啟用` are known verbatim from the real bank (spec §7.5); the rest are our
 * choices [?] and may differ from the bank. The dash is U+2013 with a space on each side.
 */
export const DASH = ' \u2013 ';

export const DESCRIPTION = {
  ok: `S0000${DASH}處理成功`,
  payTypeSubDisabled: `E0602${DASH}收款方式未啟用`,
  invalidField: (field: string) => `E0101${DASH}欄位格式錯誤：${field}`,
  duplicateOrderNo: `E0102${DASH}訂單編號重複`,
  unknownOrder: `E0201${DASH}查無訂單資料`,
  unknownPayToken: `E0301${DASH}查無交易資料`,
  notCardOrder: `E0401${DASH}非信用卡訂單，無法維護`,
  notAuthorized: `E0402${DASH}訂單尚未授權成功`,
  alreadyCaptured: `E0403${DASH}訂單已請款`,
  notCaptured: `E0404${DASH}訂單尚未請款，請改用取消授權`,
  amountTooLarge: `E0405${DASH}金額超過可處理金額`,
  unsupportedService: `E0901${DASH}不支援的服務`,
  cardDeclined: `E1101${DASH}交易失敗，發卡行拒絕交易`,
  insufficientFunds: `E1102${DASH}交易失敗，信用額度不足`,
} as const;

/**
 * Refusals of the envelope itself (before any message is processed). The real bank's HTTP status
 * and body for these are undocumented [?]; we answer a plain, unsigned JSON body with Status F so a
 * client can tell them apart from a signed business answer. The detailed reason goes to the log only.
 */
export type EnvelopeRefusal =
  | 'bad-key-id'
  | 'malformed'
  | 'unknown-shop'
  | 'unknown-nonce'
  | 'expired-nonce'
  | 'reused-nonce'
  | 'undecryptable'
  | 'bad-sign';

export function refusalResponse(reason: EnvelopeRefusal): {
  status: number;
  body: { Status: 'F'; Description: string };
} {
  switch (reason) {
    case 'bad-key-id':
      return { status: 401, body: { Status: 'F', Description: `E9001${DASH}X-KeyID 驗證失敗` } };
    case 'malformed':
    case 'unknown-shop':
      return { status: 400, body: { Status: 'F', Description: `E9002${DASH}請求格式錯誤` } };
    case 'unknown-nonce':
    case 'expired-nonce':
    case 'reused-nonce':
      return { status: 400, body: { Status: 'F', Description: `E9003${DASH}Nonce 無效或已使用` } };
    case 'undecryptable':
    case 'bad-sign':
      return { status: 400, body: { Status: 'F', Description: `E9004${DASH}簽章或訊息驗證失敗` } };
  }
}

/**
 * PayStatus in OrderQuery: `1` + PayType + stage. `…400` = paid is seen in real answers (`1A400`);
 * the other stages are our choice [?]:
 *   200 awaiting payment · 300 card authorized, not captured · 400 paid (captured / transfer received)
 *   500 payment failed (declined)  · 600 expired unpaid · 700 card authorization cancelled
 */
export type OrderState = 'pending' | 'authorized' | 'paid' | 'failed' | 'expired' | 'cancelled';

const STAGE: Record<OrderState, string> = {
  pending: '200',
  authorized: '300',
  paid: '400',
  failed: '500',
  expired: '600',
  cancelled: '700',
};

export function payStatus(payType: 'C' | 'A', state: OrderState): string {
  return `1${payType}${STAGE[state]}`;
}

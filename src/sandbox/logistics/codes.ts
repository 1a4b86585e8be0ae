/**
 * What the simulator answers, in one place. ECPay's refusal texts are free text and their exact
 * wording is unknown (spec §5 "Exact texts [?]"); these follow the spec's code list where one is
 * known (`10500040` 商品金額有誤 …) as `0|<text>(<code>)`, so a shop can only rely on `0|` and show the
 * rest to the merchant — which is all it may rely on with ECPay too.
 */
import type { CvsSubType } from '../../ecpay/types';
import type { SimStage } from './state';

export const CREATED_MSG = '訂單處理中(已收到訂單資料)';

export const REFUSAL = {
  checkMac: 'CheckMacValue驗證失敗(10400002)',
  merchant: '廠商編號錯誤(10400001)',
  param: (field: string) => `參數格式錯誤：${field}(10500001)`,
  subTypeAccount: '物流子類型與帳號類型不符(10500004)',
  homeNotSimulated: '模擬器僅支援超商取貨(CVS)，宅配請以人工出貨',
  goodsAmount: '商品金額有誤(10500040)',
  goodsName: '商品名稱有誤(10500038)',
  senderName: '寄件人姓名有誤(10500035)',
  receiverName: '收件人姓名有誤(10500036)',
  senderCellPhone: '寄件人手機有誤(10500041)',
  receiverCellPhone: '收件人手機有誤(10500043)',
  receiverEmail: '收件人電子郵件有誤(10500053)',
  store: '收件門市代號有誤或門市已關閉(10500042)',
  duplicate: '廠商訂單編號重覆(10500002)',
  timeStamp: 'TimeStamp已逾期(10400003)',
  notFound: '查無物流訂單資料(10500080)',
} as const;

/**
 * Status codes the simulator walks through per subtype (spec §7). `sent` is the seller's drop-off
 * (C2C only: B2C parcels go to the logistics centre directly). Hi-Life C2C's drop-off code is not in
 * the spec's table [?]; we use the FamilyMart-family 3032 that OK mart also uses.
 */
export const STATUS_PATH: Record<CvsSubType, Partial<Record<SimStage, string>>> = {
  UNIMARTC2C: {
    sent: '2068',
    in_transit: '2030',
    arrived: '2073',
    picked_up: '2067',
    returning: '2074',
    returned: '2072',
  },
  FAMIC2C: {
    sent: '3032',
    in_transit: '3024',
    arrived: '3018',
    picked_up: '3022',
    returning: '3020',
    returned: '3019',
  },
  OKMARTC2C: {
    sent: '3032',
    in_transit: '2030',
    arrived: '2073',
    picked_up: '3022',
    returning: '2074',
    returned: '2072',
  },
  HILIFEC2C: {
    sent: '3032',
    in_transit: '2030',
    arrived: '2073',
    picked_up: '2067',
    returning: '2074',
    returned: '2072',
  },
  UNIMART: { in_transit: '2030', arrived: '2073', picked_up: '2067', returning: '2074', returned: '2076' },
  UNIMARTFREEZE: { in_transit: '2030', arrived: '2073', picked_up: '2067', returning: '2074', returned: '2076' },
  FAMI: { in_transit: '3024', arrived: '3018', picked_up: '3022', returning: '3020', returned: '3025' },
  HILIFE: { in_transit: '2030', arrived: '2073', picked_up: '2067', returning: '2074', returned: '2076' },
};

/** RtnMsg texts for the codes the simulator sends (ECPay's wording known only for 300 and 3022). */
export const STATUS_MSG: Record<string, string> = {
  '300': CREATED_MSG,
  '2068': '交貨便收件(賣家已至門市寄件)',
  '3032': '賣家已到門市寄件',
  '2030': '物流中心驗收成功',
  '3024': '貨件已至物流中心',
  '2073': '商品配達買家取貨門市',
  '3018': '到店尚未取貨，簡訊通知取件',
  '2067': '消費者成功取件',
  '3022': '買家已到店取貨',
  '2074': '消費者七天未取件，退回物流中心',
  '3020': '貨件未取退回物流中心',
  '2072': '商品退回賣家門市',
  '3019': '退件已到賣家門市',
  '2076': '退貨商品已回到物流中心',
  '3025': '退貨已至物流中心',
};

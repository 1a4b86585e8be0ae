/**
 * ECPay's public logistics stage host and test accounts (spec §2; published in ECPay's own SDKs and
 * docs, verified against real stage replies). B2C subtypes need the B2C account, C2C ones the C2C
 * account. They live here, on the product side, so config defaults and the simulator share them
 * without the product importing the simulator.
 */
import type { EcpayLogisticsConfig } from './types';

export const ECPAY_STAGE_BASE_URL = 'https://logistics-stage.ecpay.com.tw';
export const ECPAY_PRODUCTION_BASE_URL = 'https://logistics.ecpay.com.tw';

export type EcpayAccount = Omit<EcpayLogisticsConfig, 'baseUrl'>;

export const ECPAY_STAGE_C2C: Readonly<EcpayAccount> = Object.freeze({
  merchantId: '2000933',
  hashKey: 'XBERn1YOvpM9nfZc',
  hashIv: 'h1ONHk4P4yqbl5LK',
});

export const ECPAY_STAGE_B2C: Readonly<EcpayAccount> = Object.freeze({
  merchantId: '2000132',
  hashKey: '5294y06JbISpM5x9',
  hashIv: 'v77hoKGq4kWxNNIS',
});

/** ECPay logistics simulator: the public face. */
export type { AdminTarget, DueJobsReport } from './lifecycle';
export {
  ECPAY_STAGE_ACCOUNTS,
  type LogisticsSimulator,
  type LogisticsSimulatorOptions,
  startLogisticsSimulator,
} from './server';
export type { SimAccount } from './services';
export type { MapSession, SimNotification, SimShipment, SimStage } from './state';
export { SIM_STORES, type SimStore } from './stores';

/**
 * Shipping-fee arithmetic, in one pure place: which delivery methods a DeliveryConfig offers, what
 * each costs for a subtotal, and how much more buys free shipping. Every caller passes the
 * DeliveryConfig it works with (today config.delivery; later the console's stored overrides), so
 * the page, the confirmation, the checkout and the console can never disagree on a fee.
 */
import type { DeliveryConfig } from '../config';
import type { DeliveryMethod } from '../db/types';
import type { CvsSubType } from '../ecpay/types';

/** The order the methods are offered in. */
export const DELIVERY_METHODS: readonly DeliveryMethod[] = ['home', 'cvs', 'pickup'];

/** The fee before free shipping; null when the method is off. 門市自取 is always free. */
export function baseFee(config: DeliveryConfig, method: DeliveryMethod): number | null {
  switch (method) {
    case 'home':
      return config.homeFee;
    case 'cvs':
      return config.cvsChains.length > 0 ? config.cvsFee : null;
    case 'pickup':
      return config.pickup ? 0 : null;
  }
}

export function isOffered(config: DeliveryConfig, method: DeliveryMethod): boolean {
  return baseFee(config, method) !== null;
}

export function offeredMethods(config: DeliveryConfig): DeliveryMethod[] {
  return DELIVERY_METHODS.filter((m) => isOffered(config, m));
}

export function isChainOffered(config: DeliveryConfig, subType: string): subType is CvsSubType {
  return isOffered(config, 'cvs') && (config.cvsChains as string[]).includes(subType);
}

/** True when `subtotal` reaches the free-shipping threshold. */
export function freeShipping(config: DeliveryConfig, subtotal: number): boolean {
  return config.freeShippingThreshold !== null && subtotal >= config.freeShippingThreshold;
}

/** What the customer pays for `method` on `subtotal` (integer TWD); null when the method is off. */
export function shippingFee(config: DeliveryConfig, method: DeliveryMethod, subtotal: number): number | null {
  const fee = baseFee(config, method);
  if (fee === null) return null;
  return freeShipping(config, subtotal) ? 0 : fee;
}

/**
 * "還差 N 元免運": how much more subtotal makes shipping free; null when there is no threshold or it
 * is already reached.
 */
export function amountToFreeShipping(config: DeliveryConfig, subtotal: number): number | null {
  if (config.freeShippingThreshold === null || subtotal >= config.freeShippingThreshold) return null;
  return config.freeShippingThreshold - subtotal;
}

export interface Charge {
  subtotal: number;
  fee: number;
  total: number;
}

/** Subtotal + fee; null when the method is off. */
export function charge(config: DeliveryConfig, method: DeliveryMethod, subtotal: number): Charge | null {
  const fee = shippingFee(config, method, subtotal);
  return fee === null ? null : { subtotal, fee, total: subtotal + fee };
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EcpayVector {
  name: string;
  source: string;
  method: 'MD5';
  hashKey: string;
  hashIV: string;
  params: Record<string, string>;
  /** The verbatim ECPay reply this vector was taken from, when it came from one. */
  serverBody?: string;
  sortedRaw: string;
  encoded: string;
  checkMacValue: string;
}

/** The shared spec's vectors, copied next to this file (the source of truth lives outside the repo). */
export function loadEcpayVectors(): EcpayVector[] {
  return JSON.parse(readFileSync(join(__dirname, 'ecpay-logistics-vectors.json'), 'utf8')) as EcpayVector[];
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Vector {
  name: string;
  hashKeys: { A1: string; A2: string; B1: string; B2: string };
  hashId: string;
  nonce: string;
  iv: string;
  messagePlainJson: string;
  signString: string;
  sign: string;
  messageHex: string;
}

/** The shared spec's vectors (the source of truth lives outside the repo during development). */
export function loadVectors(): Vector[] {
  const candidates = [
    join(__dirname, 'qpay-vectors.json'),
    join(__dirname, '..', '..', '..', 'shared', 'specs', 'qpay-vectors.json'),
  ];
  for (const file of candidates) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Vector[];
    } catch {}
  }
  throw new Error('qpay-vectors.json not found');
}

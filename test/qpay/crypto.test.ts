import {
  buildSignString,
  computeHashId,
  computeIv,
  computeSign,
  decryptMessage,
  encryptMessage,
  openMessage,
  sealMessage,
} from '../../src/qpay/crypto';
import { loadVectors } from './vectors';

const vectors = loadVectors();

describe.each(vectors.map((v) => [v.name, v] as const))('vector %s', (_name, v) => {
  const keys = { a1: v.hashKeys.A1, a2: v.hashKeys.A2, b1: v.hashKeys.B1, b2: v.hashKeys.B2 };
  const message = JSON.parse(v.messagePlainJson) as Record<string, unknown>;

  test('HashID', () => expect(computeHashId(keys)).toBe(v.hashId));
  test('HashID from lowercase keys', () =>
    expect(computeHashId({ a1: keys.a1.toLowerCase(), a2: keys.a2.toLowerCase(), b1: keys.b1, b2: keys.b2 })).toBe(
      v.hashId,
    ));
  test('IV', () => expect(computeIv(v.nonce)).toBe(v.iv));
  test('signString is signString(message) + nonce + HashID', () =>
    expect(buildSignString(message) + v.nonce + v.hashId).toBe(v.signString));
  test('Sign', () => expect(computeSign(message, v.nonce, v.hashId)).toBe(v.sign));
  test('plaintext → Message hex', () => expect(encryptMessage(v.messagePlainJson, v.hashId, v.iv)).toBe(v.messageHex));
  test('re-serialized plaintext (compact JSON.stringify) gives the same Message', () =>
    expect(sealMessage(message, v.nonce, v.hashId)).toEqual({ sign: v.sign, message: v.messageHex }));
  test('Message hex → plaintext', () => expect(decryptMessage(v.messageHex, v.hashId, v.iv)).toBe(v.messagePlainJson));
  test('open: decrypt + verify Sign', () => {
    const opened = openMessage(v.messageHex, v.sign, v.nonce, v.hashId);
    expect(opened).toEqual({ ok: true, message });
  });
  test('open rejects a flipped Sign byte and an altered Message', () => {
    const badSign = (v.sign[0] === 'A' ? 'B' : 'A') + v.sign.slice(1);
    expect(openMessage(v.messageHex, badSign, v.nonce, v.hashId)).toEqual({ ok: false, reason: 'bad-sign' });
    const last = v.messageHex.slice(-2) === '00' ? '01' : '00';
    expect(openMessage(v.messageHex.slice(0, -2) + last, v.sign, v.nonce, v.hashId).ok).toBe(false);
    // Altering an early block garbles the plaintext but may keep padding valid: still rejected.
    const early = (v.messageHex[0] === '0' ? '1' : '0') + v.messageHex.slice(1);
    expect(openMessage(early, v.sign, v.nonce, v.hashId).ok).toBe(false);
  });
});

test('vector 3 is a bank response: its text uses the U+2013 en dash', () => {
  const v = vectors[2]!;
  const opened = openMessage(v.messageHex, v.sign, v.nonce, v.hashId);
  expect(opened.ok && opened.message.Description).toBe('S0000 \u2013 處理成功');
});

test('signString drops objects, arrays, null and blank strings; keeps zero; sorts case-insensitively', () => {
  expect(buildSignString({ b: 'x', A: 1, c: { x: 1 }, d: [1], e: null, f: '  ', Z: 0, y: '中文 http://a/b' })).toBe(
    'A=1&b=x&y=中文 http://a/b&Z=0',
  );
});

test('bad hash keys are refused', () => {
  expect(() => computeHashId({ a1: 'XYZ', a2: '00', b1: '00', b2: '00' })).toThrow();
});

import {
  checkMacValue,
  dotNetUrlEncode,
  encodedRaw,
  sign,
  sortedRaw,
  verifyCheckMacValue,
} from '../../src/ecpay/check-mac';
import { loadEcpayVectors } from './vectors';

const vectors = loadEcpayVectors();

describe('CheckMacValue vectors (ecpay-logistics-vectors.json)', () => {
  it('has every vector of the spec', () => {
    expect(vectors).toHaveLength(9);
  });

  describe.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const keys = { hashKey: v.hashKey, hashIv: v.hashIV };
    it('sorts and joins the raw string', () => expect(sortedRaw(v.params, keys)).toBe(v.sortedRaw));
    it('encodes it .NET style, lower-cased', () => expect(encodedRaw(v.params, keys)).toBe(v.encoded));
    it('hashes it to the CheckMacValue', () => expect(checkMacValue(v.params, keys)).toBe(v.checkMacValue));
    it('verifies the signed fields and refuses one changed byte', () => {
      const signed = { ...v.params, CheckMacValue: v.checkMacValue };
      expect(verifyCheckMacValue(signed, keys)).toBe(true);
      const first = Object.keys(v.params)[0] as string;
      expect(verifyCheckMacValue({ ...signed, [first]: `${v.params[first]}x` }, keys)).toBe(false);
      expect(verifyCheckMacValue({ ...signed, CheckMacValue: v.checkMacValue.toLowerCase() }, keys)).toBe(false);
      expect(verifyCheckMacValue({ ...signed, Extra: '' }, keys)).toBe(false);
    });
  });
});

describe('.NET URL encoding', () => {
  it.each([
    ["'", '%27'],
    ['~', '%7e'],
    ['+', '%2b'],
    ['%', '%25'],
    [' ', '+'],
    ['-_.!*()', '-_.!*()'],
    ['中', '%e4%b8%ad'],
    ['（', '%ef%bc%88'],
    ['/:@&=', '%2f%3a%40%26%3d'],
  ])('%j → %s', (input, output) => expect(dotNetUrlEncode(input)).toBe(output));
});

describe('sign', () => {
  it('replaces a stale CheckMacValue instead of hashing it', () => {
    const v = vectors[0]!;
    const keys = { hashKey: v.hashKey, hashIv: v.hashIV };
    expect(sign({ ...v.params, CheckMacValue: 'OLD' }, keys).CheckMacValue).toBe(v.checkMacValue);
  });
});

/**
 * Turns a catalog file's bytes into text. Merchants make catalogs in Excel; on zh-TW Windows,
 * "CSV (逗號分隔)" is saved in Big5 (code page 950), "CSV UTF-8" with a BOM, and other tools write
 * UTF-8 without one. Decoding Big5 as UTF-8 silently turns every Chinese character into U+FFFD,
 * so the encoding is decided here, strictly, and anything that is neither is refused.
 */
import iconv from 'iconv-lite';

export type CatalogEncoding = 'utf-8' | 'utf-8 (BOM)' | 'big5 (cp950)';

export class CatalogEncodingError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CatalogEncodingError';
  }
}

const SAVE_AS_UTF8 = 'save it as "CSV UTF-8" (or UTF-8 JSON) and try again';

export function decodeCatalogBytes(bytes: Uint8Array): { text: string; encoding: CatalogEncoding } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new CatalogEncodingError(`the file is UTF-16 ("Unicode text"); ${SAVE_AS_UTF8}`);
  }
  if (bytes.includes(0))
    throw new CatalogEncodingError(`the file is not text (it contains NUL bytes); ${SAVE_AS_UTF8}`);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    // fatal: an invalid sequence throws instead of becoming U+FFFD; the BOM is dropped.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text, encoding: bom ? 'utf-8 (BOM)' : 'utf-8' };
  } catch {
    if (bom) throw new CatalogEncodingError(`the file starts with a UTF-8 BOM but is not valid UTF-8; ${SAVE_AS_UTF8}`);
  }
  // Not UTF-8: the only other encoding a zh-TW merchant's tools produce is Big5/CP950. iconv-lite
  // marks bytes CP950 cannot map as U+FFFD, which is how a file in any other encoding is caught.
  const text = iconv.decode(Buffer.from(bytes), 'cp950');
  const bad = text.indexOf('\ufffd');
  if (bad !== -1) {
    const line = text.slice(0, bad).split('\n').length;
    throw new CatalogEncodingError(
      `the file is neither UTF-8 nor Big5 (undecodable bytes on line ${line}); ${SAVE_AS_UTF8}`,
    );
  }
  return { text, encoding: 'big5 (cp950)' };
}

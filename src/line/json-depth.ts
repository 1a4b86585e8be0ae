/**
 * How deeply a JSON text nests, found by one pass over the bytes before it is parsed. JSON.parse
 * copes with 100,000 levels, but everything after it that recurses (JSON.stringify when the event
 * is stored, validation) overflows the stack: a signed but absurd body must be a 400, not a 500.
 * Works on the UTF-8 bytes: quotes, backslashes and brackets are ASCII and never part of a
 * multi-byte character.
 */
const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/** True when objects/arrays nest deeper than `max` anywhere in the text (strings skipped). */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > max) return true;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
    }
  }
  return false;
}

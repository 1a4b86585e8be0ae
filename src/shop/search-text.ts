/**
 * Text as the catalog search compares it. Customers type Traditional or Simplified Chinese, 台 or
 * 臺, full-width letters and digits (ＡＢＣ１２３ from a phone's Chinese keyboard), any case; the
 * catalog is written one way. Both sides are folded the same way before comparing: Unicode NFKC
 * (full-width → half-width), lower case, then Traditional → Simplified with OpenCC's dictionary
 * (many Traditional characters map to one Simplified one, so this direction never guesses; it also
 * folds 臺 into 台). Stored index text and queries use this one function, so they cannot drift.
 *
 * OpenCC's dictionary is about 12 MB of the process's memory once loaded, so it is loaded on the
 * first text folded (a customer's first typed message, a product saved), not when the shop starts:
 * an idle shop does not carry it (issue 17). Words this module and others fold once (commands,
 * greetings, the question words below) are folded on first use too, through `folded`.
 */
import type { ConverterFunction } from 'opencc-js/t2cn';

let toSimplified: ConverterFunction | undefined;

/** OpenCC's Traditional (Taiwan) → Simplified converter, loaded on first use. */
function converter(): ConverterFunction {
  if (!toSimplified) {
    let Converter: typeof import('opencc-js/t2cn').Converter;
    try {
      // A plain require on purpose: `import()` would make folding, and every caller, async.
      ({ Converter } = require('opencc-js/t2cn') as typeof import('opencc-js/t2cn'));
    } catch (err) {
      // Thrown to the one caller (an event, a product save), which fails and reports it; the next
      // call tries again.
      throw new Error(
        `typed search: cannot load OpenCC's dictionary (opencc-js/t2cn): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    toSimplified = Converter({ from: 'tw', to: 'cn' });
  }
  return toSimplified;
}

/**
 * `build` run once, on first use: for values made of folded words, so that importing a module does
 * not load the dictionary.
 */
export function folded<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  return () => {
    value ??= { v: build() };
    return value.v;
  };
}

/** The folded form of any text: what the search index stores and what queries are turned into. */
export function foldText(input: string): string {
  return converter()(input.normalize('NFKC').toLowerCase()).replace(/[臺]/g, '台').replace(/\s+/g, ' ').trim();
}

/**
 * Words around what a customer looks for in a typed question ("你們有賣咖啡嗎", "請問有沒有烏龍"):
 * stripped from the start and end so "咖啡" is what is searched. Written in Traditional here and
 * folded like everything else.
 */
const LEADING = [
  '請問一下',
  '請問',
  '你們',
  '你們家',
  '妳們',
  '這裡',
  '貴店',
  '有沒有',
  '有無',
  '有賣',
  '有在賣',
  '賣不賣',
  '我想買',
  '我想要',
  '我要買',
  '我要',
  '想買',
  '想要',
  '想找',
  '我想找',
  '找',
  '有',
  '買',
];
const TRAILING = ['嗎', '呢', '嘛', '啊', '喔', '哦', '耶', '了', '有嗎', '有沒有', '賣嗎', '還有嗎', '謝謝', '的'];

function pattern(words: string[], where: 'start' | 'end'): RegExp {
  const folded = [...new Set(words.map(foldText))].sort((a, b) => b.length - a.length);
  const alternatives = folded.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return where === 'start' ? new RegExp(`^(?:${alternatives})+`) : new RegExp(`(?:${alternatives})+$`);
}
const affixes = folded(() => ({ leading: pattern(LEADING, 'start'), trailing: pattern(TRAILING, 'end') }));

/** Characters that mean something to LIKE or FTS, and punctuation: they split terms. */
const SEPARATORS = /[\s%_\\"'`*^(){}[\]<>,.;:!?，。、；：！？「」『』（）【】…~～\-—/|+=#@&$]+/u;

export const MAX_QUERY_TERMS = 5;
const MAX_TERM_CHARS = 40;

/**
 * The terms a typed text searches for: folded, the question around it stripped, split at spaces
 * and punctuation. Every term must appear (in any field) for a product to match. Empty when
 * nothing searchable is left.
 */
export function searchTerms(input: string): string[] {
  const { leading, trailing } = affixes();
  const terms = foldText(input)
    .split(SEPARATORS)
    .map((t) => t.replace(leading, '').replace(trailing, ''))
    .filter((t) => t !== '')
    .map((t) => [...t].slice(0, MAX_TERM_CHARS).join(''));
  return [...new Set(terms)].slice(0, MAX_QUERY_TERMS);
}

/** What the index stores for one product: each field folded, and all of them in one line to match. */
export interface ProductSearchText {
  name: string;
  /** Category and SKU: matched after the name, before the description. */
  extra: string;
  description: string;
  /** Every field, newline-separated (a query never contains a newline, so no match spans two). */
  all: string;
}

export function productSearchText(p: {
  name: string;
  category: string;
  sku: string;
  description: string;
}): ProductSearchText {
  const name = foldText(p.name);
  const extra = `${foldText(p.category)}\n${foldText(p.sku)}`;
  const description = foldText(p.description);
  return { name, extra, description, all: `${name}\n${extra}\n${description}` };
}

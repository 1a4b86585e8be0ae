/**
 * Catalog import: a JSON array or a CSV with headers sku,name,category,price,stock,description,image_url.
 * Every row is checked first; one bad row rejects the whole file (named by its line), and a good
 * file is upserted by SKU in one transaction, so a catalog is never half-imported.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { QPAY_MAX_AMOUNT_TWD } from '../qpay/validate';
import { type CatalogEncoding, CatalogEncodingError, decodeCatalogBytes } from './catalog-encoding';
import { countCategories, ensureCategory, upsertProduct } from './catalog-repository';
import { parseCsv } from './csv';

export const CATALOG_COLUMNS = ['sku', 'name', 'category', 'price', 'stock', 'description', 'image_url'] as const;

export interface CatalogRow {
  /** Where the row came from: "line 7" (CSV) or "item 3" (JSON). */
  where: string;
  sku: string;
  name: string;
  category: string;
  price: number;
  stock: number;
  description: string;
  imageUrl: string | null;
}

export class CatalogImportError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'CatalogImportError';
  }
}

function wholeNumber(value: unknown, field: string, where: string, min: number, max?: number): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d+$/.test(text)) {
    const unit = field === 'price' ? ' (integer TWD)' : '';
    throw new CatalogImportError(where, `${field} must be a whole number${unit}, got "${String(value ?? '')}"`);
  }
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min)
    throw new CatalogImportError(where, `${field} must be at least ${min}, got ${text}`);
  if (max !== undefined && n > max) throw new CatalogImportError(where, `${field} must be at most ${max}, got ${text}`);
  return n;
}

function required(value: unknown, field: string, where: string, max: number): string {
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (text === '') throw new CatalogImportError(where, `${field} is required`);
  if (text.length > max) throw new CatalogImportError(where, `${field} is longer than ${max} characters`);
  return text;
}

/** Checks one catalog row (the console's product form uses the same rules as the import). */
export function checkRow(raw: Record<string, unknown>, where: string): CatalogRow {
  // U+FFFD is what a decoder leaves where bytes made no sense: storing it would show customers
  // "�" instead of a product name, so a file that already carries one is refused, not imported.
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' && value.includes('\ufffd')) {
      throw new CatalogImportError(
        where,
        `${key} contains the replacement character "\ufffd" (text damaged by a wrong encoding); fix the file and try again`,
      );
    }
  }
  const sku = required(raw.sku, 'sku', where, 64);
  if (!/^[A-Za-z0-9._-]+$/.test(sku))
    throw new CatalogImportError(where, `sku "${sku}" may only use letters, digits, . _ -`);
  const imageRaw = typeof raw.image_url === 'string' ? raw.image_url.trim() : '';
  // LINE only shows images over HTTPS. A path (/media/…) is served by the shop itself and made
  // absolute with PUBLIC_BASE_URL, which is how the demo catalog works in the sandbox.
  if (imageRaw !== '' && !/^https:\/\/\S+$/.test(imageRaw) && !/^\/[^\s/]\S*$/.test(imageRaw)) {
    throw new CatalogImportError(
      where,
      `image_url must be an https:// URL or a /path on this server, got "${imageRaw}"`,
    );
  }
  if (imageRaw.length > 1000) throw new CatalogImportError(where, 'image_url is longer than 1000 characters');
  return {
    where,
    sku,
    name: required(raw.name, 'name', where, 40),
    category: required(raw.category, 'category', where, 20),
    // QPay takes at most NT$9,999,999 per payment (see QPAY_MAX_AMOUNT_TWD): a dearer product
    // could be put in a cart but never paid for.
    price: wholeNumber(raw.price, 'price', where, 1, QPAY_MAX_AMOUNT_TWD),
    stock: wholeNumber(raw.stock, 'stock', where, 0),
    description: typeof raw.description === 'string' ? raw.description.trim().slice(0, 500) : '',
    imageUrl: imageRaw === '' ? null : imageRaw,
  };
}

/** Parses and checks a catalog file's text. `format` comes from the file name. */
export function parseCatalog(text: string, format: 'json' | 'csv'): CatalogRow[] {
  let rows: CatalogRow[];
  if (format === 'json') {
    let data: unknown;
    try {
      // A BOM is allowed in front of JSON as in front of CSV (Windows editors write one).
      data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (err) {
      throw new CatalogImportError('file', `not valid JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(data)) throw new CatalogImportError('file', 'a JSON catalog must be an array of products');
    rows = data.map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new CatalogImportError(`item ${i + 1}`, 'must be an object');
      }
      return checkRow(item as Record<string, unknown>, `item ${i + 1}`);
    });
  } else {
    let records: ReturnType<typeof parseCsv>;
    try {
      records = parseCsv(text);
    } catch (err) {
      throw new CatalogImportError('file', (err as Error).message);
    }
    const header = records.shift();
    if (!header) throw new CatalogImportError('line 1', 'the file is empty');
    const names = header.fields.map((h) => h.trim().toLowerCase());
    const missing = CATALOG_COLUMNS.filter((c) => !names.includes(c));
    if (missing.length > 0) throw new CatalogImportError('line 1', `missing column(s): ${missing.join(', ')}`);
    rows = records.map((r) => {
      const where = `line ${r.line}`;
      if (r.fields.length !== names.length) {
        throw new CatalogImportError(where, `has ${r.fields.length} fields, the header has ${names.length}`);
      }
      return checkRow(Object.fromEntries(names.map((n, i) => [n, r.fields[i]])), where);
    });
  }
  const seen = new Map<string, string>();
  for (const row of rows) {
    const first = seen.get(row.sku);
    if (first) throw new CatalogImportError(row.where, `sku "${row.sku}" already appears at ${first}`);
    seen.set(row.sku, row.where);
  }
  return rows;
}

/** Decodes a catalog file's bytes (UTF-8 with or without BOM, or Big5/CP950) and checks its rows. */
export function parseCatalogFile(
  bytes: Uint8Array,
  format: 'json' | 'csv',
): { rows: CatalogRow[]; encoding: CatalogEncoding } {
  let decoded: ReturnType<typeof decodeCatalogBytes>;
  try {
    decoded = decodeCatalogBytes(bytes);
  } catch (err) {
    if (err instanceof CatalogEncodingError) throw new CatalogImportError('file', err.reason);
    throw err;
  }
  return { rows: parseCatalog(decoded.text, format), encoding: decoded.encoding };
}

export interface ImportReport {
  created: number;
  updated: number;
  categoriesCreated: number;
}

/** Upserts checked rows in one transaction (all or nothing). */
export async function importCatalog(db: Kysely<DB>, rows: CatalogRow[], now: number): Promise<ImportReport> {
  return db.transaction().execute(async (trx) => {
    const report: ImportReport = { created: 0, updated: 0, categoriesCreated: 0 };
    const categoryIds = new Map<string, number>();
    const before = await countCategories(trx);
    for (const row of rows) {
      let categoryId = categoryIds.get(row.category);
      if (categoryId === undefined) {
        categoryId = await ensureCategory(trx, row.category);
        categoryIds.set(row.category, categoryId);
      }
      try {
        const outcome = await upsertProduct(
          trx,
          {
            sku: row.sku,
            name: row.name,
            categoryId,
            price: row.price,
            stock: row.stock,
            description: row.description,
            imageUrl: row.imageUrl,
          },
          now,
        );
        report[outcome]++;
      } catch (err) {
        const message = String((err as Error).message);
        if (/reserved|check/i.test(message)) {
          throw new CatalogImportError(row.where, `stock ${row.stock} is below what open orders have reserved`);
        }
        throw err;
      }
    }
    report.categoriesCreated = (await countCategories(trx)) - before;
    return report;
  });
}

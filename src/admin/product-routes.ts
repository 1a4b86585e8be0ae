/**
 * Products: the list (stock, reserved, free), create and edit with the catalog import's rules,
 * stock adjustments with a reason (kept as history), image upload, CSV export and import.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Product } from '../db/types';
import { CATALOG_COLUMNS, CatalogImportError, checkRow, importCatalog, parseCatalogFile } from '../shop/catalog-import';
import { ensureCategory, getProduct, insertProduct } from '../shop/catalog-repository';
import { listProductsForConsole } from './console-repository';
import type { ConsoleContext } from './context';
import { csvOf } from './csv-export';
import { money, when } from './format';
import { ImageRefused, storeProductImage } from './image-upload';
import {
  adjustStock,
  listAllCategories,
  productBySku,
  setProductImage,
  stockHistory,
  updateProductFields,
} from './product-repository';

type IdParams = { Params: { id: string } };
type ProductForm = Partial<
  Record<'sku' | 'name' | 'category' | 'price' | 'stock' | 'description' | 'active' | 'threshold', string>
>;

/** zh-TW words beside the field the catalog rules refused. */
const FIELD_ERRORS: Record<string, string> = {
  sku: '貨號必填，只能用英數字與 . _ -（最多 64 字）',
  name: '品名必填，最多 40 個字',
  category: '分類必填，最多 20 個字',
  price: '價格需為 1 到 9,999,999 的整數（新台幣）',
  stock: '庫存需為 0 以上的整數',
  description: '說明最多 500 個字',
  image_url: '圖片網址需為 https:// 或本站路徑',
  threshold: '低庫存提醒需為 0 到 100000 的整數，或留空',
};

function fieldOf(err: CatalogImportError): string {
  const reason = err.reason;
  if (reason.includes('\ufffd')) return reason.split(' ')[0] ?? 'name';
  return Object.keys(FIELD_ERRORS).find((f) => reason.startsWith(f) || reason.startsWith(`${f} `)) ?? 'name';
}

function parseThreshold(raw: string | undefined): number | null | 'bad' {
  const t = (raw ?? '').trim();
  if (t === '') return null;
  return /^\d{1,6}$/.test(t) && Number(t) <= 100_000 ? Number(t) : 'bad';
}

export async function productRoutes(app: FastifyInstance, ctx: ConsoleContext): Promise<void> {
  const { db } = ctx.deps;

  async function editPage(
    req: FastifyRequest,
    reply: FastifyReply,
    product: Product | undefined,
    form: ProductForm,
    errors: Record<string, string>,
    flash: { ok: boolean; text: string } | null = null,
  ) {
    return ctx.render(req, reply, 'product', {
      title: product ? product.name : '新增商品',
      active: 'products',
      product,
      form,
      errors,
      flash,
      categories: await listAllCategories(db),
      history: product ? await stockHistory(db, product.id, 20) : [],
      money,
      when,
    });
  }

  const formOf = async (p: Product): Promise<ProductForm> => {
    const category = (await listAllCategories(db)).find((c) => c.id === p.category_id)?.name ?? '';
    return {
      sku: p.sku,
      name: p.name,
      category,
      price: String(p.price),
      stock: String(p.stock),
      description: p.description,
      active: p.active ? 'on' : '',
      threshold: p.low_stock_threshold === null ? '' : String(p.low_stock_threshold),
    };
  };

  async function loadProduct(req: FastifyRequest<IdParams>, reply: FastifyReply): Promise<Product | undefined> {
    const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : 0;
    const product = id ? await getProduct(db, id) : undefined;
    if (!product) await ctx.message(req, reply, 404, '找不到商品', '這個商品不存在。', '/admin/products');
    return product;
  }

  /** The form checked with the catalog import's rules; errors keyed by field. */
  function check(form: ProductForm, product: Product | undefined) {
    const errors: Record<string, string> = {};
    let row: ReturnType<typeof checkRow> | undefined;
    try {
      row = checkRow(
        {
          sku: product ? product.sku : form.sku,
          name: form.name,
          category: form.category,
          price: form.price,
          stock: product ? String(product.stock) : (form.stock ?? '0'),
          description: form.description,
          image_url: product?.image_url ?? '',
        },
        'form',
      );
      if ((form.description ?? '').trim().length > 500) errors.description = FIELD_ERRORS.description as string;
    } catch (err) {
      if (!(err instanceof CatalogImportError)) throw err;
      const field = fieldOf(err);
      errors[field] = FIELD_ERRORS[field] ?? err.reason;
    }
    const threshold = parseThreshold(form.threshold);
    if (threshold === 'bad') errors.threshold = FIELD_ERRORS.threshold as string;
    return { row, threshold: threshold === 'bad' ? null : threshold, errors };
  }

  app.get<{ Querystring: { q?: string } }>('/products', async (req, reply) => {
    const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 40) : '';
    const products = await listProductsForConsole(db, query);
    return ctx.render(req, reply, 'products', { title: '商品', active: 'products', products, query, money });
  });

  app.get('/products/new', async (req, reply) => editPage(req, reply, undefined, { active: 'on', stock: '0' }, {}));

  app.post<{ Body: ProductForm }>('/products', async (req, reply) => {
    const form = req.body ?? {};
    const { row, threshold, errors } = check(form, undefined);
    if (row && (await productBySku(db, row.sku))) errors.sku = '這個貨號已經有商品了';
    if (!row || Object.keys(errors).length > 0) return editPage(req, reply.code(400), undefined, form, errors);
    const now = ctx.deps.now();
    const id = await db.transaction().execute(async (trx) => {
      const categoryId = await ensureCategory(trx, row.category);
      return insertProduct(
        trx,
        {
          sku: row.sku,
          name: row.name,
          categoryId,
          price: row.price,
          stock: row.stock,
          description: row.description,
          imageUrl: null,
          active: form.active === 'on',
          lowStockThreshold: threshold,
        },
        now,
      );
    });
    await ctx.audit(req, 'product_created', `product:${id}`, `${row.sku} ${row.price} stock ${row.stock}`);
    return reply.redirect(`/admin/products/${id}?saved=1`, 303);
  });

  app.get<IdParams & { Querystring: { saved?: string } }>('/products/:id', async (req, reply) => {
    const product = await loadProduct(req, reply);
    if (!product) return reply;
    const flash = req.query.saved ? { ok: true, text: '已儲存。' } : null;
    return editPage(req, reply, product, await formOf(product), {}, flash);
  });

  app.post<IdParams & { Body: ProductForm }>('/products/:id', async (req, reply) => {
    const product = await loadProduct(req, reply);
    if (!product) return reply;
    const form = { ...(req.body ?? {}), sku: product.sku, stock: String(product.stock) };
    const { row, threshold, errors } = check(form, product);
    if (!row || Object.keys(errors).length > 0) return editPage(req, reply.code(400), product, form, errors);
    const now = ctx.deps.now();
    await db.transaction().execute(async (trx) => {
      const categoryId = await ensureCategory(trx, row.category);
      await updateProductFields(
        trx,
        product.id,
        {
          name: row.name,
          categoryId,
          price: row.price,
          description: row.description,
          active: form.active === 'on',
          lowStockThreshold: threshold,
        },
        now,
      );
    });
    const changes = [
      product.price !== row.price ? `price ${product.price}→${row.price}` : '',
      product.name !== row.name ? 'name' : '',
      (product.active === 1) !== (form.active === 'on') ? `active→${form.active === 'on'}` : '',
    ].filter(Boolean);
    await ctx.audit(req, 'product_updated', `product:${product.id}`, changes.join(', ') || 'details');
    return reply.redirect(`/admin/products/${product.id}?saved=1`, 303);
  });

  app.post<IdParams & { Body: { delta?: string; reason?: string } }>('/products/:id/stock', async (req, reply) => {
    const product = await loadProduct(req, reply);
    if (!product) return reply;
    const deltaText = (req.body?.delta ?? '').trim();
    const reason = (req.body?.reason ?? '').trim();
    const errors: Record<string, string> = {};
    if (!/^[+-]?\d{1,6}$/.test(deltaText) || Number(deltaText) === 0)
      errors.delta = '請輸入要增加（例如 10）或減少（例如 -3）的數量';
    if (reason === '' || reason.length > 100) errors.reason = '請寫下調整原因（最多 100 字）';
    const form = await formOf(product);
    if (Object.keys(errors).length > 0) return editPage(req, reply.code(400), product, form, errors);
    const delta = Number(deltaText);
    const user = ctx.user(req);
    const after = await db
      .transaction()
      .execute((trx) => adjustStock(trx, { productId: product.id, delta, reason, actor: user.email }, ctx.deps.now()));
    if (after === undefined) {
      errors.delta = `庫存不能少於已被訂單保留的 ${product.reserved} 件，也不能小於 0`;
      return editPage(req, reply.code(409), product, form, errors);
    }
    await ctx.audit(
      req,
      'stock_adjusted',
      `product:${product.id}`,
      `${delta > 0 ? '+' : ''}${delta} → ${after}: ${reason}`,
    );
    const fresh = (await getProduct(db, product.id)) as Product;
    return editPage(req, reply, fresh, await formOf(fresh), {}, { ok: true, text: `庫存已調整為 ${after}。` });
  });

  /** Multipart (the CSRF token rides in the query string: the body is read here, after the check). */
  app.post<IdParams>('/products/:id/image', async (req, reply) => {
    const product = await loadProduct(req, reply);
    if (!product) return reply;
    const file = req.isMultipart() ? await req.file() : undefined;
    const form = await formOf(product);
    try {
      if (!file) throw new ImageRefused('請選擇一張圖片。');
      const bytes = await file.toBuffer();
      if (file.file.truncated) throw new ImageRefused('圖片最大 1 MB，請縮小後再上傳。');
      const url = await storeProductImage(ctx.deps.config.admin.uploadDir, bytes);
      await setProductImage(db, product.id, url, ctx.deps.now());
      await ctx.audit(req, 'product_image', `product:${product.id}`, url);
      const fresh = (await getProduct(db, product.id)) as Product;
      return editPage(req, reply, fresh, form, {}, { ok: true, text: '圖片已更新。' });
    } catch (err) {
      const tooLarge = (err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE';
      if (!(err instanceof ImageRefused) && !tooLarge) throw err;
      const text = tooLarge ? '圖片最大 1 MB，請縮小後再上傳。' : (err as Error).message;
      return editPage(req, reply.code(tooLarge ? 413 : 400), product, form, { image: text });
    }
  });

  app.get('/products/export.csv', async (req, reply) => {
    const products = await listProductsForConsole(db);
    const rows = products.map((p) => [
      p.sku,
      p.name,
      p.category_name,
      p.price,
      p.stock,
      p.description,
      p.image_url ?? '',
    ]);
    await ctx.audit(req, 'catalog_exported', null, `${products.length} products`);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="catalog.csv"')
      .send(`\ufeff${csvOf([CATALOG_COLUMNS as readonly string[], ...rows])}`);
  });

  app.post('/products/import', async (req, reply) => {
    const file = req.isMultipart() ? await req.file() : undefined;
    const products = await listProductsForConsole(db);
    const page = (status: number, flash: { ok: boolean; text: string }) =>
      ctx.render(req, reply.code(status), 'products', {
        title: '商品',
        active: 'products',
        products,
        query: '',
        money,
        flash,
      });
    if (!file) return page(400, { ok: false, text: '請選擇 CSV 檔案。' });
    let bytes: Buffer;
    try {
      bytes = await file.toBuffer();
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        return page(413, { ok: false, text: 'CSV 檔案最大 1 MB。' });
      throw err;
    }
    try {
      const { rows } = parseCatalogFile(bytes, 'csv');
      const report = await importCatalog(db, rows, ctx.deps.now());
      await ctx.audit(req, 'catalog_imported', null, `${report.created} created, ${report.updated} updated`);
      const fresh = await listProductsForConsole(db);
      return ctx.render(req, reply, 'products', {
        title: '商品',
        active: 'products',
        products: fresh,
        query: '',
        money,
        flash: { ok: true, text: `匯入完成：新增 ${report.created} 項、更新 ${report.updated} 項。` },
      });
    } catch (err) {
      if (!(err instanceof CatalogImportError)) throw err;
      return page(400, { ok: false, text: `沒有匯入任何商品（整個檔案需要都正確）：${err.message}` });
    }
  });
}

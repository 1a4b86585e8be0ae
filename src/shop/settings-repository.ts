/** Settings the merchant edits in the console (`shop_settings`: one JSON value per key). */
import type { Executor } from '../db/database';

export async function readSettings(db: Executor): Promise<Map<string, string>> {
  const rows = await db.selectFrom('shop_settings').select(['key', 'value']).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeSetting(db: Executor, key: string, value: string, now: number, by: string): Promise<void> {
  await db
    .insertInto('shop_settings')
    .values({ key, value, updated_at: now, updated_by: by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now, updated_by: by }))
    .execute();
}

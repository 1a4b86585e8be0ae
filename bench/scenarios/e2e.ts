/** (2) End to end at saturation: every add-to-cart event until its reply reaches the LINE simulator. */
import { type BenchContext, recordMemory } from '../support/context';
import type { DbKind } from '../support/databases';
import { saturate } from '../support/load';
import { save, table } from '../support/output';
import { startShop } from '../support/shop';

const E2E_EVENTS = 8_000;

export async function e2eScenario(ctx: BenchContext, kind: DbKind = 'sqlite', instances = 1, label = 'e2e') {
  const shop = await startShop(ctx, kind, instances);
  try {
    const s = await saturate(ctx, shop, E2E_EVENTS);
    table(`(2) End to end at saturation, ${kind}, ${instances} instance(s) — every event to its reply`, [s.row]);
    ctx.figures[`${kind}×${instances} processed/s`] = Number(s.row['processed/s']);
    ctx.figures[`${kind}×${instances} ack/s`] = Number(s.row['ack/s']);
    const mem = recordMemory(ctx, `${label} (${kind}×${instances})`, shop.instances);
    save(label, { kind, instances, ...s, memory: mem });
  } finally {
    await shop.stop();
  }
}

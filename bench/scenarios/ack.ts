/** (1) Webhook ack latency: offered add-to-cart postbacks at rising rates against one shop instance. */
import { type BenchContext, recordMemory } from '../support/context';
import type { DbKind } from '../support/databases';
import { rateSteps, STEP_SECONDS } from '../support/load';
import { save, table } from '../support/output';
import { startShop } from '../support/shop';

export async function ackScenario(ctx: BenchContext, kind: DbKind = 'sqlite', label = 'ack') {
  const shop = await startShop(ctx, kind);
  try {
    const steps = await rateSteps(ctx, shop.targets, { mint: shop.db.productIds, countReplies: true });
    table(
      `(1) Webhook ack latency, ${kind}, one instance — offered add-to-cart postbacks, ${STEP_SECONDS} s per step`,
      steps.rows,
    );
    const at1000 = steps.rows.find((r) => r['rate/s'] === 1000);
    console.log(
      `highest rate held with p99 < 100 ms and no errors: ${steps.held}/s; p99 at 1,000/s: ${at1000?.['p99 ms']} ms (target < 20 ms on SQLite)`,
    );
    ctx.figures[`${kind} ack held/s`] = steps.held;
    if (at1000) ctx.figures[`${kind} ack p99@1000 ms`] = at1000['p99 ms'];
    const mem = recordMemory(ctx, `${label} (${kind})`, shop.instances);
    save(label, { kind, steps: steps.raw, held: steps.held, memory: mem });
  } finally {
    await shop.stop();
  }
}

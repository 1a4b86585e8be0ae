/** (5) PostgreSQL: the ack and end-to-end scenarios on PostgreSQL, with one instance and with two. */
import type { BenchContext } from '../support/context';
import { adminQuery, PG_ADMIN } from '../support/databases';
import { ackScenario } from './ack';
import { e2eScenario } from './e2e';

export async function postgresScenario(ctx: BenchContext) {
  try {
    await adminQuery('SELECT 1');
  } catch (err) {
    console.log(`\n(5) PostgreSQL: skipped, cannot reach ${PG_ADMIN} (${(err as Error).message})`);
    return;
  }
  await ackScenario(ctx, 'postgres', 'pg-ack');
  await e2eScenario(ctx, 'postgres', 1, 'pg-e2e');
  await e2eScenario(ctx, 'postgres', 2, 'pg-e2e-2');
}

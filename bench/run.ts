/**
 * `npm run bench` (every scenario) or `npm run bench -- <scenario…>`: how fast the shop answers
 * LINE and how much one small server holds, on this machine, over loopback only.
 *
 * Processes: this orchestrator runs the LINE simulator (it mints reply tokens and receives the
 * replies); each shop instance, the bare floor and the Express alternative run as their own
 * process (bench/children/); the load generator (undici) is another process. Each scenario
 * (bench/scenarios/) prints a short table and writes JSON to bench/results/. `--profile` runs shop
 * instances under `node --cpu-prof` and prints where their CPU time went.
 *
 * Scenarios: ack, e2e, checkout, payments, pg, compare, memory (see issue 7); overload (issue 17's targets, the
 * shop run from the build: `npm run build` first).
 */
import { rmSync } from 'node:fs';
import { startLineSimulator } from '../src/sandbox/line';
import { ackScenario } from './scenarios/ack';
import { checkoutScenario } from './scenarios/checkout';
import { compareScenario } from './scenarios/compare';
import { e2eScenario } from './scenarios/e2e';
import { memoryScenario } from './scenarios/memory';
import { overloadScenario } from './scenarios/overload';
import { paymentsScenario } from './scenarios/payments';
import { postgresScenario } from './scenarios/postgres';
import type { BenchContext } from './support/context';
import { SECRET, TOKEN } from './support/line-platform';
import { machine, PROFILES, table } from './support/output';
import { startLoadGen } from './support/processes';
import { summarizeProfiles } from './support/profile-summary';

const scenarios: Record<string, (ctx: BenchContext) => Promise<void>> = {
  ack: (ctx) => ackScenario(ctx),
  e2e: (ctx) => e2eScenario(ctx),
  checkout: checkoutScenario,
  payments: paymentsScenario,
  pg: postgresScenario,
  compare: compareScenario,
  memory: memoryScenario,
  overload: overloadScenario,
};

async function main(argv: string[]): Promise<number> {
  const profile = argv.includes('--profile');
  const wanted = argv.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !scenarios[w]);
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; choose from ${Object.keys(scenarios).join(', ')}`);
    return 2;
  }
  const run = wanted.length ? wanted : Object.keys(scenarios);
  if (profile) rmSync(PROFILES, { recursive: true, force: true });
  const sim = await startLineSimulator({
    channelSecret: SECRET,
    channelAccessToken: TOKEN,
    allowHttpImages: true,
    chatPage: false,
  });
  const load = await startLoadGen();
  const ctx: BenchContext = { sim, load, profile, memory: [], figures: {} };
  const started = Date.now();
  try {
    console.log(`line-shop bench on ${machine().cpus}× ${machine().model}, node ${process.version}`);
    for (const name of run) {
      const t = Date.now();
      await scenarios[name]!(ctx);
      sim.clearCalls();
      console.log(`(${name}: ${Math.round((Date.now() - t) / 1000)} s)`);
    }
    if (run.length > 1 && !run.includes('memory')) await memoryScenario(ctx);
    table(
      'Key figures',
      Object.entries(ctx.figures).map(([k, v]) => ({ figure: k, value: v })),
    );
    if (profile) summarizeProfiles(PROFILES);
  } finally {
    load.close();
    await sim.close();
  }
  console.log(`\nbench finished in ${Math.round((Date.now() - started) / 1000)} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

/** What the simulators' command lines (src/cli/*-sim.ts) share: reading numbers from the environment, running until a signal. */

export type Env = Record<string, string | undefined>;

/** An integer variable ≥ min, or the fallback when unset; anything else stops the start with the reason. */
export function envInt(env: Env, name: string, fallback: number, min: number): number {
  const v = env[name]?.trim();
  if (!v) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`${name}: must be an integer ≥ ${min}, got "${v}"`);
  return Number(v);
}

/** Runs `main`; once started, SIGINT/SIGTERM close the simulator and exit. A start failure prints its reason and exits 1. */
export function runSimulatorCli(main: () => Promise<{ close(): Promise<void> }>): void {
  main().then(
    (sim) => {
      const stop = () => {
        sim.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}

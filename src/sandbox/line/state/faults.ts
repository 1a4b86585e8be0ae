export interface FaultSpec {
  status: number;
  /** JSON body to answer with; defaults to a LINE-style `{message}` for the status. */
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching calls fail (default 1). */
  times?: number;
  /** Wait this long before answering (simulates a slow or hanging LINE). */
  delayMs?: number;
}

interface PendingFault extends FaultSpec {
  pathPrefix: string;
  remaining: number;
}

/** Injected failures and latency for tests: "the next 2 pushes answer 500". */
export class FaultInjector {
  private readonly pending: PendingFault[] = [];
  private readonly latencies: { pathPrefix: string; ms: number }[] = [];
  private readonly drops: { pathPrefix: string; remaining: number }[] = [];

  /**
   * "LINE accepted, the answer was lost": the next `times` matching calls are handled in full
   * (delivered, reply token spent, retry key remembered) and then the connection is reset
   * instead of answering. The caller cannot tell whether its message arrived.
   */
  dropResponseNext(pathPrefix: string, times = 1): void {
    this.drops.push({ pathPrefix, remaining: times });
  }

  /** Consumes a pending drop for this call, if any. */
  takeDrop(path: string): boolean {
    const index = this.drops.findIndex((d) => path.startsWith(d.pathPrefix));
    const drop = this.drops[index];
    if (!drop) return false;
    drop.remaining -= 1;
    if (drop.remaining <= 0) this.drops.splice(index, 1);
    return true;
  }

  failNext(pathPrefix: string, spec: FaultSpec): void {
    this.pending.push({ ...spec, pathPrefix, remaining: spec.times ?? 1 });
  }

  setLatency(ms: number, pathPrefix = '/'): void {
    this.latencies.push({ pathPrefix, ms });
  }

  clear(): void {
    this.pending.length = 0;
    this.latencies.length = 0;
    this.drops.length = 0;
  }

  /** Consumes and returns the fault for this call, if any (first registered wins). */
  take(path: string): FaultSpec | undefined {
    const index = this.pending.findIndex((fault) => path.startsWith(fault.pathPrefix));
    const fault = this.pending[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    return fault;
  }

  latencyFor(path: string): number {
    return this.latencies.filter((latency) => path.startsWith(latency.pathPrefix)).reduce((sum, l) => sum + l.ms, 0);
  }
}

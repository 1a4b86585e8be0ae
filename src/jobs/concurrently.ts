/**
 * Runs `fn` over `items` with at most `limit` running at once. Background jobs use it for work
 * that waits on the bank: one slow answer should not hold up the rest, and an unbounded burst
 * should not open hundreds of connections.
 */
export async function forEachConcurrently<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

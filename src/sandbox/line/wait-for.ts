import type { EventEmitter } from 'node:events';

/**
 * Resolves with the first non-undefined result of `check`, re-checking each time `emitter` fires
 * `event`, instead of polling with sleeps. Rejects with `describeTimeout()` after `timeoutMs`.
 */
export function waitForCondition<T>(
  emitter: EventEmitter,
  event: string,
  check: () => T | undefined,
  timeoutMs: number,
  describeTimeout: () => string,
): Promise<T> {
  const immediate = check();
  if (immediate !== undefined) return Promise.resolve(immediate);
  return new Promise<T>((resolve, reject) => {
    const onEvent = (): void => {
      const result = check();
      if (result === undefined) return;
      cleanup();
      resolve(result);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(describeTimeout()));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
    };
    emitter.on(event, onEvent);
  });
}

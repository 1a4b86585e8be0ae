/** Shared by the server processes (shop, floor, Express): announce the URL, stream RSS samples, stop on request. */
import type { ServerMessage } from '../support/protocol';

export function reportRss(url: string, stop: () => Promise<void>): void {
  const send = (m: ServerMessage) => process.send?.(m);
  const sample = () => {
    const m = process.memoryUsage();
    send({ type: 'rss', rss: m.rss, heapUsed: m.heapUsed });
  };
  sample();
  const timer = setInterval(sample, 200);
  process.on('message', (msg: { type: string }) => {
    if (msg.type !== 'stop') return;
    clearInterval(timer);
    stop().finally(() => process.exit(0));
  });
  send({ type: 'ready', url });
}

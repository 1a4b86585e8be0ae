/**
 * Delivers status notifications like ECPay: a server-to-server form POST (UTF-8); only HTTP 200 with
 * the exact body `1|OK` counts as received (§6) — anything else is retried on the schedule.
 */
import { Agent, request } from 'undici';

export type NotificationSender = (
  url: string,
  fields: Record<string, string>,
) => Promise<{ ok: boolean; detail: string }>;

export function createNotificationSender(timeoutMs: number): { send: NotificationSender; close(): Promise<void> } {
  const agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return {
    async send(url, fields) {
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        // Notifications are rare and go to many shops: no keep-alive, so close() never waits on idle sockets.
        reset: true,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      const text = (await res.body.text()).slice(0, 200);
      if (res.statusCode === 200 && text === '1|OK') return { ok: true, detail: 'HTTP 200 1|OK' };
      return { ok: false, detail: `HTTP ${res.statusCode}: ${JSON.stringify(text.slice(0, 80))}` };
    },
    close: () => agent.close(),
  };
}

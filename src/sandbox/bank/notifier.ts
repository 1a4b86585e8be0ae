/** Delivers BackendURL notifications: unsigned JSON {ShopNo, PayToken}; only {"Status":"S"} counts as received. */
import { Agent, request } from 'undici';
import type { NotificationSender } from './lifecycle';

export function createNotificationSender(timeoutMs: number): { send: NotificationSender; close(): Promise<void> } {
  const agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return {
    async send(url, body) {
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        // Notifications are rare and go to many shops: no keep-alive, so close() never waits on idle sockets.
        reset: true,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
      });
      const text = (await res.body.text()).slice(0, 500);
      if (res.statusCode < 200 || res.statusCode > 299) return { ok: false, detail: `HTTP ${res.statusCode}` };
      try {
        const parsed = JSON.parse(text) as { Status?: unknown };
        if (parsed?.Status === 'S') return { ok: true, detail: 'HTTP 200 {"Status":"S"}' };
      } catch {}
      return { ok: false, detail: `HTTP ${res.statusCode} without {"Status":"S"}: ${text.slice(0, 100)}` };
    },
    close: () => agent.close(),
  };
}

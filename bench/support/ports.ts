/** Loopback ports: the one a server listens on, and a free one chosen before a process starts. */
import { type AddressInfo, createServer as createNetServer } from 'node:net';

/** The port a listening server (node:http, node:net, Express) was given. */
export function portOf(server: { address(): AddressInfo | string | null }): number {
  const a = server.address();
  return typeof a === 'object' && a ? a.port : 0;
}

/** A free TCP port on loopback (so PUBLIC_BASE_URL, the bank's BackendURL, is known before start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = portOf(srv);
      srv.close(() => resolve(port));
    });
  });
}

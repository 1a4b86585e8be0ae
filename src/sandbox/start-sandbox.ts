/**
 * Sandbox mode (no LINE credentials): runs the local LINE simulator and QPay bank simulator
 * beside the shop and points the shop's config at them. Bound to localhost unless told otherwise.
 */
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Runtime } from '../runtime';

export interface Sandbox {
  /** The shop's config with LINE and QPay pointed at the simulators. */
  config: Config;
  afterShopStarted(runtime: Runtime): Promise<void>;
  describe(): string[];
  close(): Promise<void>;
}

export async function startSandbox(config: Config, _logger: Logger): Promise<Sandbox> {
  return {
    config,
    afterShopStarted: async () => {},
    describe: () => [
      '  sandbox:   the LINE simulator and bank simulator are not wired in yet;',
      '             the webhook answers, but no chat page runs. Set LINE_CHANNEL_SECRET to go live.',
    ],
    close: async () => {},
  };
}

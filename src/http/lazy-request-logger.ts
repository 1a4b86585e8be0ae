/**
 * Fastify gives every request a child logger that carries the request's id. pino builds a child by
 * running the process logger's redaction over the bindings, which was about 5 % of everything the
 * shop allocated at 1,000 webhook events/s (issue 17) — and almost no request ever logs a line.
 * This factory hands out a stand-in that makes the real child on the first line it logs.
 */
import type { FastifyBaseLogger } from 'fastify';

type ChildArgs = Parameters<FastifyBaseLogger['child']>;

export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: ChildArgs[0],
  options?: ChildArgs[1],
): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const real = (): FastifyBaseLogger => {
    child ??= logger.child(bindings, options);
    return child;
  };
  const stand: FastifyBaseLogger = {
    get level() {
      return real().level;
    },
    set level(level) {
      real().level = level;
    },
    fatal: (...args: Parameters<FastifyBaseLogger['fatal']>) => real().fatal(...args),
    error: (...args: Parameters<FastifyBaseLogger['error']>) => real().error(...args),
    warn: (...args: Parameters<FastifyBaseLogger['warn']>) => real().warn(...args),
    info: (...args: Parameters<FastifyBaseLogger['info']>) => real().info(...args),
    debug: (...args: Parameters<FastifyBaseLogger['debug']>) => real().debug(...args),
    trace: (...args: Parameters<FastifyBaseLogger['trace']>) => real().trace(...args),
    silent: (...args: Parameters<FastifyBaseLogger['silent']>) => real().silent(...args),
    child: (b, o) => real().child(b, o),
  };
  return stand;
}

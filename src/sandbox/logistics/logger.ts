/** The simulator's logger: anything with info/warn works (console, pino, a test's collector). */
export interface LogisticsSimLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

export const silentLogger: LogisticsSimLogger = { info() {}, warn() {} };

export function consoleLogger(prefix = '[logistics-sim]'): LogisticsSimLogger {
  return {
    info: (message, data) => console.log(prefix, message, data ? JSON.stringify(data) : ''),
    warn: (message, data) => console.warn(prefix, message, data ? JSON.stringify(data) : ''),
  };
}

/** The simulator's logger: anything with info/warn works (console, pino, a test's collector). */
export interface BankSimLogger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

export const silentLogger: BankSimLogger = { info() {}, warn() {} };

export function consoleLogger(prefix = '[bank-sim]'): BankSimLogger {
  return {
    info: (message, data) => console.log(prefix, message, data ? JSON.stringify(data) : ''),
    warn: (message, data) => console.warn(prefix, message, data ? JSON.stringify(data) : ''),
  };
}

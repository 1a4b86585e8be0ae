/** A logger that keeps what it is told, for checks on what reaches the log (and what never must). */
import type { Logger } from '../../src/logger';

export interface LogEntry {
  level: string;
  msg: string | undefined;
  /** The object logged, as given. */
  obj: Record<string, unknown>;
  /** What child loggers bound on the way (pino would print these too). */
  bindings: Record<string, unknown>;
}

export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
  /** Each entry as `<level> <msg> <JSON of bindings and object>`, for plain text checks. */
  lines(): string[];
}

export function recordingLogger(): RecordingLogger {
  const entries: LogEntry[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at = (level: string) => (obj: object, msg?: string) => {
      entries.push({ level, msg, obj: obj as Record<string, unknown>, bindings });
    };
    return {
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      debug: at('debug'),
      child: (more) => make({ ...bindings, ...(more as Record<string, unknown>) }),
    };
  };
  return {
    ...make({}),
    entries,
    lines: () => entries.map((e) => `${e.level} ${e.msg ?? ''} ${JSON.stringify({ ...e.bindings, ...e.obj })}`),
  };
}

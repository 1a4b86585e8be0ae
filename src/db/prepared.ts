/**
 * Statements compiled once. Kysely builds and compiles a query's operation tree on every call; for
 * the few statements that run for every LINE event that was about a tenth of the shop's CPU per
 * event (bench/). A prepared statement is built once per dialect with a placeholder for each named
 * parameter; each call only binds its values into the compiled SQL.
 *
 * The builder must have the same shape whatever the values are: no branching on them, no IN lists
 * of varying length. It runs once, with placeholders where the values go, and every call passes
 * the same parameter names.
 *
 * On SQLite the query's constants (e.g. `status = 'open'`, a fixed LIMIT) are written into the SQL
 * text instead of being bound. SQLite re-plans a statement on every run when a bound value could
 * change its plan — a value compared with a column that a partial index is restricted on (carts'
 * one-open-cart index), or a LIMIT — and that re-planning cost more than the statement itself:
 * 12 µs instead of 3 for the open-cart lookup, 30 µs instead of 3 for the held-notice lookup that
 * every reply makes (issue 17). Only values the code itself wrote are inlined, never a parameter.
 */
import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';
import { type Executor, isPostgres } from './database';

/** Stands for parameter `name` while the query is built; replaced by its value when bound. */
class Placeholder {
  constructor(readonly name: string) {}
}

interface Compiled {
  sql: string;
  /** The compiled parameters: constants of the query, or placeholders for named parameters. */
  parameters: readonly unknown[];
}

export type PreparedStatement<P extends object, R> = (db: Executor, params: P) => Promise<QueryResult<R>>;

export function prepare<P extends object, R>(
  build: (db: Executor, params: P) => Compilable<R>,
): PreparedStatement<P, R> {
  // Per dialect: the SQL text differs ("?" against "$1").
  const compiled: { sqlite?: Compiled; postgres?: Compiled } = {};
  return (db, params) => {
    const dialect = isPostgres(db) ? 'postgres' : 'sqlite';
    let c = compiled[dialect];
    if (!c) {
      const placeholders = Object.fromEntries(Object.keys(params).map((k) => [k, new Placeholder(k)])) as P;
      const q = build(db, placeholders).compile();
      c = dialect === 'sqlite' ? inlineConstants(q.sql, q.parameters) : { sql: q.sql, parameters: q.parameters };
      compiled[dialect] = c;
    }
    const values = params as Record<string, unknown>;
    const parameters = c.parameters.map((p) => (p instanceof Placeholder ? values[p.name] : p));
    return db.executeQuery(CompiledQuery.raw(c.sql, parameters)) as Promise<QueryResult<R>>;
  };
}

/** A constant as SQLite literal text, or undefined for values that stay bound. */
function sqliteLiteral(value: unknown): string | undefined {
  if (value === null) return 'NULL';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return undefined;
}

/**
 * Replaces each `?` whose parameter is a constant with the constant's literal. Kysely quotes
 * identifiers ("…") and binds every value, so a `?` outside quotes is always a parameter; quoted
 * text is skipped all the same.
 */
export function inlineConstants(sql: string, parameters: readonly unknown[]): Compiled {
  let out = '';
  const kept: unknown[] = [];
  let next = 0;
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      const value = parameters[next++];
      const literal = value instanceof Placeholder ? undefined : sqliteLiteral(value);
      if (literal === undefined) {
        out += '?';
        kept.push(value);
      } else {
        out += literal;
      }
    } else {
      out += ch;
    }
  }
  if (next !== parameters.length)
    throw new Error(`prepared statement: ${parameters.length} parameters, ${next} placeholders`);
  return { sql: out, parameters: kept };
}

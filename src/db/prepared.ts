/**
 * Statements compiled once. Kysely builds and compiles a query's operation tree on every call; for
 * the few statements that run for every LINE event that was about a tenth of the shop's CPU per
 * event (bench/). A prepared statement is built once per dialect with a placeholder for each named
 * parameter; each call only binds its values into the compiled SQL.
 *
 * The builder must have the same shape whatever the values are: no branching on them, no IN lists
 * of varying length. It runs once, with placeholders where the values go, and every call passes
 * the same parameter names.
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
      c = { sql: q.sql, parameters: q.parameters };
      compiled[dialect] = c;
    }
    const values = params as Record<string, unknown>;
    const parameters = c.parameters.map((p) => (p instanceof Placeholder ? values[p.name] : p));
    return db.executeQuery(CompiledQuery.raw(c.sql, parameters)) as Promise<QueryResult<R>>;
  };
}

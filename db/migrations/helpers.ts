import { type CreateTableBuilder, type Kysely, PostgresAdapter } from 'kysely';

/** `id` as an auto-increment primary key, spelled the way each database wants it. */
export function idColumn<T extends string>(db: Kysely<unknown>, table: CreateTableBuilder<T, never>) {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    return table.addColumn('id', 'serial', (c) => c.primaryKey());
  }
  return table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

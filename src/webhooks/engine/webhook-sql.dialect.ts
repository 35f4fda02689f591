import type { DataSource, QueryRunner } from 'typeorm';

/** Column types a hot-path statement may need to cast a parameter to (PostgreSQL types `CASE` branches strictly). */
export type WebhookSqlType = 'int' | 'time' | 'json' | 'text' | 'bool';

const POSTGRES_TYPES: Record<WebhookSqlType, string> = {
  int: 'integer',
  time: 'timestamp(3)',
  json: 'json',
  text: 'varchar',
  bool: 'boolean',
};

/** How often a statement or transaction chosen as a deadlock's victim is run (see `retryingDeadlocks`). */
const DEADLOCK_TRIES = 5;

/** The driver's code and number of a failed statement (TypeORM wraps them in `driverError`). */
export function sqlErrorCode(err: unknown): { code?: string; errno?: number } {
  const e = err as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  return { code: e?.driverError?.code ?? e?.code, errno: e?.driverError?.errno ?? e?.errno };
}

/** Whether a statement failed as a deadlock's victim (MariaDB/MySQL 1213, PostgreSQL 40P01): it was rolled back whole. */
function isDeadlock(err: unknown): boolean {
  const { code, errno } = sqlErrorCode(err);
  return errno === 1213 || code === 'ER_LOCK_DEADLOCK' || code === '40P01';
}

/**
 * The little that differs between MariaDB/MySQL and PostgreSQL in the module's
 * hand-written statements: placeholders, identifier quotes and parameter casts.
 * Everything else (multi-row INSERT, `CASE id WHEN … END` updates, `IN` lists)
 * is written once and runs the same on all three.
 */
export class WebhookSqlDialect {
  readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** Quotes an identifier: `name` on MySQL, "name" on PostgreSQL. */
  q(name: string): string {
    return this.postgres ? `"${name}"` : `\`${name}\``;
  }

  /**
   * A table in a statement, read through `index` (forced on MariaDB/MySQL; `PRIMARY` for rows
   * named by id). A planner misled by the statistics of a young table, or by a backlog of pending
   * rows, would otherwise scan: by status instead of along the ordering index, or the whole table
   * instead of by id, which under REPEATABLE READ locks every row and gap it passes, where
   * concurrent publishes insert. PostgreSQL takes no hint and no such locks.
   */
  from(table: string, index: string, alias?: string): string {
    const named = alias ? `${this.q(table)} ${alias}` : this.q(table);
    return this.postgres ? named : `${named} FORCE INDEX (${this.q(index)})`;
  }

  /** The database's own time, as the module's `timestamp(3)` columns hold it (so leases never depend on an app server's clock). */
  now(): string {
    return this.postgres ? 'LOCALTIMESTAMP(3)' : 'NOW(3)';
  }

  /** The database's own time plus `ms` milliseconds (an integer written into the SQL). */
  nowPlus(ms: number): string {
    const n = Math.round(ms);
    return this.postgres ? `(LOCALTIMESTAMP(3) + INTERVAL '${n} milliseconds')` : `(NOW(3) + INTERVAL ${n * 1000} MICROSECOND)`;
  }

  /**
   * A delivery's place in its ordering key, made by the database as the row is written: its
   * clock in microseconds since 1970 (UTC) times 1000, plus the row's index in the statement
   * (rows written by one statement share MariaDB's clock). A publish that starts after another
   * has returned gets a larger one, whichever process made them.
   */
  orderingSeq(row: number): string {
    const i = Math.max(0, Math.min(999, Math.floor(row)));
    return this.postgres
      ? `(FLOOR(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::bigint * 1000 + ${i})`
      : `(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) * 1000 + ${i})`;
  }

  /** A statement under construction: `p(value)` adds a parameter and returns its placeholder. */
  params(): WebhookSqlParams {
    return new WebhookSqlParams(this.postgres);
  }

  /**
   * Runs one statement; resolves to its rows (for a SELECT) and the number of rows it changed.
   * Outside a transaction, a statement chosen as a deadlock's victim runs again; inside one, the
   * error goes to whoever runs the transaction.
   */
  async run<T = Record<string, unknown>>(sql: string, values: unknown[], runner?: QueryRunner): Promise<{ rows: T[]; affected: number }> {
    if (runner?.isTransactionActive) return this.runOn(runner, sql, values);
    return this.retryingDeadlocks(async () => {
      const own = runner ?? this.dataSource.createQueryRunner();
      try {
        return await this.runOn<T>(own, sql, values);
      } finally {
        if (!runner) await own.release();
      }
    });
  }

  private async runOn<T>(runner: QueryRunner, sql: string, values: unknown[]): Promise<{ rows: T[]; affected: number }> {
    const result = await runner.query(sql, values, true);
    return { rows: (result.records ?? []) as T[], affected: Number(result.affected ?? 0) };
  }

  /**
   * Runs `work` (one statement outside a transaction, or a whole transaction) again when the
   * database chose it as a deadlock's victim: it was rolled back whole, so running it again is
   * safe, and what the database asks of every client (InnoDB picks a victim among concurrent
   * publishes and outcome writes that touch neighbouring index entries). A few tries, each
   * after a short random pause so the two sides do not meet again; then the error stands.
   */
  private async retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await work();
      } catch (err) {
        if (!isDeadlock(err) || tries >= DEADLOCK_TRIES) throw err;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * tries));
      }
    }
  }

  /** Runs `work` in one transaction on one connection; again, from the start, when the database chose it as a deadlock's victim. */
  transaction<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    return this.retryingDeadlocks(async () => {
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        const result = await work(runner);
        await runner.commitTransaction();
        return result;
      } catch (err) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await runner.release();
      }
    });
  }
}

export class WebhookSqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly postgres: boolean) {}

  /** Adds a parameter; on PostgreSQL cast to `type` where a `CASE` branch needs it. */
  p(value: unknown, type?: WebhookSqlType): string {
    this.values.push(value);
    if (!this.postgres) return '?';
    const placeholder = `$${this.values.length}`;
    return type ? `CAST(${placeholder} AS ${POSTGRES_TYPES[type]})` : placeholder;
  }

  /** `(?, ?, ?)` for the values of one row. */
  row(values: unknown[]): string {
    return `(${values.map((v) => this.p(v)).join(', ')})`;
  }
}

import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from "kysely";

/** Begins transactions with `begin immediate`: the write lock first, then the reads. */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

/** Lets Kysely's Migrator run in one transaction: SQLite's schema changes are transactional. */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Kysely's SQLite dialect for a file that several processes open (the cluster's workers).
 * Kysely's own runs the migrations outside a transaction with no lock (it expects one
 * process), so two workers starting together both read "nothing migrated yet" and one fails.
 * Here the Migrator runs in a transaction that takes SQLite's write lock when it begins:
 * the workers migrate in turn, each waiting (busy_timeout) and reading what the one before
 * did.
 */
export class SharedFileSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

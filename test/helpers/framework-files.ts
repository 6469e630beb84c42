/**
 * Framework files as their generators write them (abridged), shared by the tests that judge a
 * framework's lines against a database server (server-frameworks-*.test.ts, server-rollbacks).
 */

/** Laravel's config/database.php: the default connection from DB_CONNECTION, SQLite's file, MySQL and PostgreSQL servers. */
export const LARAVEL_CONFIG = `<?php
return [
    'default' => env('DB_CONNECTION', 'sqlite'),
    'connections' => [
        'sqlite' => ['driver' => 'sqlite', 'database' => database_path('database.sqlite')],
        'mysql' => ['driver' => 'mysql', 'host' => env('DB_HOST', '127.0.0.1')],
        'reporting' => ['driver' => 'pgsql', 'host' => env('REPORTING_HOST')],
        'pgsql' => ['driver' => 'pgsql'],
    ],
];
`;

/** Alembic's env.py as `alembic init` writes it: the URL is alembic.ini's sqlalchemy.url, as it stands. */
export const ALEMBIC_ENV = `from logging.config import fileConfig
from sqlalchemy import engine_from_config, pool
from alembic import context

config = context.config
target_metadata = None

def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)

def run_migrations_online() -> None:
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
`;

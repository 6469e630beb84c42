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

/** Flask-Migrate's migrations/env.py as `flask db init` writes it (abridged). */
export const FLASK_ENV_PY = `import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

config = context.config
fileConfig(config.config_file_name)


def get_engine():
    try:
        # this works with Flask-SQLAlchemy<3 and Alchemical
        return current_app.extensions['migrate'].db.get_engine()
    except (TypeError, AttributeError):
        # this works with Flask-SQLAlchemy>=3
        return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace('%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db
`;

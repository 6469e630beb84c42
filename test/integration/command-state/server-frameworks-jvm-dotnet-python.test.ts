/**
 * Entity Framework Core's, Flyway's, Liquibase's, Alembic's and Django's wipes of a database
 * server (src/policy/command/server-frameworks-jvm-dotnet.ts, server-frameworks-python.ts,
 * server-frameworks.ts): on a project whose configuration names PostgreSQL, `dotnet ef database
 * drop --force`, `flyway clean`, `liquibase drop-all`, `alembic downgrade base` and `manage.py
 * migrate shop zero` were only the capture of the ignored database files. The projects'
 * configuration files are real files in the repository, read by guard's own evaluation; no
 * server, .NET, JVM or Python is needed. One line goes through the installed Claude hook's sh shim.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionKind, jdbcServer, jsonWithComments } from '../../../src/policy/command/server-frameworks-jvm-dotnet.js';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { installedClaudeHook, guardOk } from '../../helpers/guard-steps.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { ALEMBIC_ENV } from '../../helpers/framework-files.js';

const alembicIni = (url: string): string => `# A generic, single database configuration.

[alembic]
script_location = %(here)s/alembic
prepend_sys_path = .
# sqlalchemy.url = sqlite:///commented.db
sqlalchemy.url = ${url}

[loggers]
keys = root
`;

const PROJECTS: Record<string, string> = {
  // ASP.NET on PostgreSQL (Npgsql), comments in appsettings.json as .NET allows
  'efpg/App.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>\n',
  'efpg/appsettings.json': '{\n  // the database\n  "ConnectionStrings": {\n    "DefaultConnection": "Host=localhost;Port=5432;Database=app;Username=app;Password=app",\n  },\n  /* logging */\n  "Logging": { "LogLevel": { "Default": "Information" } }\n}\n',
  // ASP.NET on SQLite in development, SQL Server in production (the overlay)
  'eflite/App.csproj': '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>\n',
  'eflite/appsettings.json': '{ "ConnectionStrings": { "Default": "Data Source=app.db" } }\n',
  'eflite/appsettings.Production.json': '{ "ConnectionStrings": { "Default": "Server=db.internal,1433;Initial Catalog=app;User ID=sa;Password=x;TrustServerCertificate=True" } }\n',
  // a solution: the DbContext in src/Data, the configuration in the startup project src/Web
  'efsplit/src/Web/appsettings.json': '{ "ConnectionStrings": { "Main": "Server=(localdb)\\\\mssqllocaldb;Database=app;Trusted_Connection=True" } }\n',
  'efsplit/src/Data/Data.csproj': '<Project Sdk="Microsoft.NET.Sdk"></Project>\n',
  // Flyway: a conf on PostgreSQL with clean enabled, one with clean disabled, one on an H2 file
  'fw/flyway.conf': '# Flyway\nflyway.url=jdbc:postgresql://localhost:5432/app\nflyway.user=app\nflyway.cleanDisabled=false\n',
  'fw/pom.xml': '<project><build><plugins><plugin><groupId>org.flywaydb</groupId><artifactId>flyway-maven-plugin</artifactId><configuration>\n<!-- <url>jdbc:h2:mem:x</url> -->\n<url>jdbc:postgresql://localhost:5432/app</url><cleanDisabled>false</cleanDisabled></configuration></plugin></plugins></build></project>\n',
  'fw/build.gradle': "plugins { id 'org.flywaydb.flyway' version '9.22.3' }\nflyway {\n    url = 'jdbc:mysql://localhost:3306/app'\n    cleanDisabled = false\n}\n",
  'fwoff/flyway.conf': 'flyway.url=jdbc:postgresql://localhost:5432/app\nflyway.cleanDisabled=true\n',
  'fwh2/flyway.conf': 'flyway.url=jdbc:h2:file:./db/app\n',
  // Flyway 10's TOML: a local SQLite environment by default, production on PostgreSQL
  'fwtoml/flyway.toml': '[flyway]\nenvironment = "local"\ncleanDisabled = false\nlocations = ["filesystem:sql"]\n\n[environments.local]\nurl = "jdbc:sqlite:local.db"\n\n[environments.prod]\nurl = "jdbc:postgresql://db.prod:5432/app"\nuser = "app"\n',
  // Liquibase on PostgreSQL
  'lb/liquibase.properties': 'changelog-file: db/changelog.xml\nurl: jdbc:postgresql://localhost:5432/app\nusername: app\n',
  // Alembic: PostgreSQL through the template env.py, SQLite, and a URL env.py sets from the environment
  // the application's service is built from the project (container-exec.ts: its configuration is the repository's)
  'al/compose.yaml': 'services:\n  app:\n    build: .\n',
  'efpg/compose.yaml': 'services:\n  api:\n    build: .\n',
  'al/alembic.ini': alembicIni('postgresql+psycopg2://app:app@localhost/app'),
  'al/alembic/env.py': ALEMBIC_ENV,
  'allite/alembic.ini': alembicIni('sqlite:///app.db'),
  'allite/alembic/env.py': ALEMBIC_ENV,
  'alenv/alembic.ini': alembicIni('postgresql://localhost/placeholder'),
  'alenv/alembic/env.py': `import os\n${ALEMBIC_ENV}config.set_main_option("sqlalchemy.url", os.environ["DATABASE_URL"])\n`,
  // full-stack-fastapi-template's shape: no URL in alembic.ini, env.py takes the application's settings
  'alfa/alembic.ini': '[alembic]\nscript_location = app/alembic\n',
  'alfa/app/alembic/env.py': `from alembic import context\nfrom sqlalchemy import engine_from_config, pool\nfrom app.core.config import settings\n\nconfig = context.config\n\ndef get_url():\n    return str(settings.SQLALCHEMY_DATABASE_URI)\n\ndef run_migrations_online():\n    configuration = config.get_section(config.config_ini_section)\n    configuration["sqlalchemy.url"] = get_url()\n    connectable = engine_from_config(configuration, prefix="sqlalchemy.", poolclass=pool.NullPool)\n`,
  // Django on PostgreSQL
  'dj/manage.py': "#!/usr/bin/env python\nimport os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
  'dj/proj/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'app'}}\n",
};

let t: TestRepo;
beforeAll(() => {
  t = createTestRepo();
  commitFiles(t, { '.gitignore': '*.db\n', ...PROJECTS });
  // the ignored SQLite file every framework command that is not refused captures first
  writeFiles(t, { 'eflite/app.db': 'SQLite format 3\0rows' });
  guardOk(t, ['init', '--yes', '--agents', 'claude']);
}, 120_000);
afterAll(() => t?.cleanup());

const decide = (command: string) => evaluatedVerdict(t, command, { asAgent: true });

const expectRows = (rows: EvaluatedRow[]): Promise<void> => expectEvaluatedTable(t, rows);

describe('EF Core, Flyway, Liquibase, Alembic and Django against a database server', () => {
  it('refuses where the configuration names a server, leaves file databases and unread configuration to the capture', async () => {
    await expectRows([
      ['cd efpg && dotnet ef database drop --force', 'deny', 'remote-data-delete', ['Development', 'ConnectionStrings:DefaultConnection in appsettings.json']],
      ['cd efpg && dotnet ef database drop', 'deny', 'remote-data-delete'],
      ['cd efpg && dotnet ef database update 0', 'deny', 'remote-data-delete', ['every migration']],
      ['cd efpg && dotnet-ef database drop -f', 'deny', 'remote-data-delete'],
      ['dotnet ef database drop -f --project efpg/App.csproj --startup-project efpg', 'deny', 'remote-data-delete'],
      ['cd efpg && dotnet ef database drop --dry-run', 'snapshot', 'overwrite-ignored'],
      ['cd efpg && dotnet ef database update', 'snapshot', 'overwrite-ignored'],
      ['cd efpg && dotnet ef database update 0 --connection "Data Source=test.db"', 'snapshot', 'overwrite-ignored'],
      ['cd eflite && dotnet ef database drop -f', 'snapshot', 'overwrite-ignored', ['app.db']],
      ['cd eflite && ASPNETCORE_ENVIRONMENT=Production dotnet ef database drop -f', 'deny', 'remote-data-delete', ['Production', 'appsettings.Production.json']],
      ['cd eflite && dotnet ef database drop -f -- --environment Production', 'deny', 'remote-data-delete', ['Production']],
      ['cd eflite && ConnectionStrings__Default="Host=db;Database=app" dotnet ef database drop -f', 'deny', 'remote-data-delete', ['ConnectionStrings__Default on the line']],
      ['cd efpg && ConnectionStrings__defaultconnection="Data Source=dev.db" dotnet ef database drop -f', 'snapshot', 'overwrite-ignored'],
      ['cd efsplit && dotnet ef database drop -f --project src/Data --startup-project src/Web', 'deny', 'remote-data-delete', ['ConnectionStrings:Main']],
      ['cd fw && flyway clean', 'deny', 'remote-data-delete', ['postgresql', 'flyway.conf']],
      ['cd fw && flyway -url=jdbc:h2:mem:test clean', 'snapshot', 'overwrite-ignored'],
      ['cd fw && flyway migrate', 'snapshot', 'overwrite-ignored'],
      ['cd fw && mvn flyway:clean', 'deny', 'remote-data-delete', ['pom.xml']],
      ['cd fw && ./gradlew flywayClean', 'deny', 'remote-data-delete', ['mysql', 'build.gradle']],
      ['cd fw && mvn flyway:clean -Dflyway.url=jdbc:h2:mem:test', 'snapshot', 'overwrite-ignored'],
      ['cd fwh2 && FLYWAY_URL=jdbc:sqlserver://db:1433 flyway clean', 'deny', 'remote-data-delete', ['sqlserver', 'FLYWAY_URL']],
      ['flyway -configFiles=fw/flyway.conf clean', 'deny', 'remote-data-delete'],
      ['cd fwoff && flyway clean', 'snapshot', 'overwrite-ignored'],
      ['cd fwoff && flyway -cleanDisabled=false clean', 'deny', 'remote-data-delete'],
      ['cd fwh2 && flyway clean', 'snapshot', 'overwrite-ignored'],
      ['cd fwtoml && flyway clean', 'snapshot', 'overwrite-ignored'],
      ['cd fwtoml && flyway -environment=prod clean', 'deny', 'remote-data-delete', ['flyway.toml']],
      ['cd lb && liquibase drop-all', 'deny', 'remote-data-delete', ['liquibase.properties']],
      ['cd lb && liquibase dropAll', 'deny', 'remote-data-delete'],
      ['cd lb && liquibase --url=jdbc:sqlite:test.db drop-all', 'snapshot', 'overwrite-ignored'],
      ['cd fwh2 && LIQUIBASE_COMMAND_URL=jdbc:mysql://db/app liquibase drop-all', 'deny', 'remote-data-delete', ['mysql']],
      ['liquibase --defaults-file=lb/liquibase.properties drop-all', 'deny', 'remote-data-delete'],
      ['cd lb && liquibase rollback-count 1', 'snapshot', 'overwrite-ignored'],
      ['cd al && alembic downgrade base', 'deny', 'remote-data-delete', ['postgresql', 'alembic.ini']],
      ['cd al && alembic downgrade base --sql', 'snapshot', 'overwrite-ignored'],
      ['cd al && alembic downgrade -1', 'snapshot', 'overwrite-ignored'],
      ['cd allite && alembic downgrade base', 'snapshot', 'overwrite-ignored'],
      // env.py sets the URL in code: a database guard cannot see, refused as one it cannot restore (since 2026-12-07)
      ['cd alenv && alembic downgrade base', 'deny', 'remote-data-delete', ['alembic/env.py sets in code']],
      ['cd alfa && uv run alembic downgrade base', 'deny', 'remote-data-delete', ['app/alembic/env.py sets in code']],
      ['cd alfa && alembic downgrade -1', 'snapshot', 'overwrite-ignored'],
      ['cd alfa && alembic downgrade base --sql', 'snapshot', 'overwrite-ignored'],
      // inside the application's container, a compose service built from the project: the configuration read where the
      // line runs (container-exec.ts); a pod's image reads its own, unseen (the stand-in)
      ['cd al && docker compose exec app alembic downgrade base', 'deny', 'remote-data-delete', ['alembic.ini']],
      ['cd efpg && docker compose exec api dotnet ef database drop -f', 'deny', 'remote-data-delete', ['appsettings.json']],
      ['cd al && kubectl exec deploy/app -- alembic downgrade base', 'deny', 'remote-data-delete', ['in the container']],
      ['cd dj && python manage.py migrate shop zero', 'deny', 'remote-data-delete', ['shop', 'postgresql']],
      ['cd dj && python manage.py migrate shop zero --fake', 'snapshot', 'overwrite-ignored'],
      ['cd dj && python manage.py migrate shop 0003', 'deny', 'remote-data-delete', ['after 0003']],
    ]);
    expect((await decide('cd efpg && dotnet ef database drop -f')).instead).toContain('ASPNETCORE_ENVIRONMENT');
  });

  it('reads connection strings and JDBC URLs as server or file', () => {
    const kinds = ['Host=localhost;Database=app', 'Server=db,1433;Database=x', 'Data Source=(localdb)\\mssqllocaldb;Initial Catalog=x', 'Data Source=tcp:db.example.com,1433', 'Data Source=app.db', 'Filename=./data/app.sqlite', 'Data Source=:memory:', 'Data Source=InMemory;Mode=Memory;Cache=Shared', 'Data Source=//db:1521/ORCL', 'Data Source=db.example.com:1521/ORCL', 'Data Source=C:\\data\\app.db', 'Data Source=data/app'];
    expect(kinds.map(connectionKind)).toEqual(['server', 'server', 'server', 'server', 'file', 'file', 'file', null, 'server', 'server', 'file', 'file']);
    const urls = ['jdbc:postgresql://localhost/app', 'jdbc:mysql://db:3306/app', 'jdbc:h2:tcp://localhost/~/test', 'jdbc:h2:file:./db', 'jdbc:h2:mem:x', 'jdbc:sqlite:app.db', 'jdbc:derby:memory:x', 'jdbc:derby://db:1527/app', '${DB_URL}'];
    expect(urls.map(jdbcServer)).toEqual(['postgresql', 'mysql', 'h2 (tcp)', null, null, null, null, 'derby (network)', null]);
    expect(jsonWithComments('{ // c\n "a": "http://x", /* b */ "b": [1,], }')).toEqual({ a: 'http://x', b: [1] });
  });

  it('refuses through the installed hook', () => {
    expect(installedClaudeHook(t, 'cd fw && flyway clean').decision).toBe('deny');
  });
});

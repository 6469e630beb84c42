/**
 * The migration and reset commands of PHP, Elixir, JVM and .NET projects, for databases.ts's
 * classifyMigrationTool (which captures the repository's ignored database files before them):
 * Laravel's artisan (`migrate:fresh`, `db:wipe` ...), Symfony's console (`doctrine:database:drop`,
 * `doctrine:fixtures:load` ...), Ecto's mix tasks, Flyway and Liquibase (their CLIs, Maven goals
 * and Gradle tasks), Entity Framework's `dotnet ef`, Sequel, Hanami and PocketBase (its `pocketbase`
 * binary, and `go run` of an application that imports it: go-run.ts). Each was "no destructive
 * command found" in the sweep of 2026-12-05 (docs/FRICTION.md, "Everyday commands on PHP,
 * Elixir, Java and .NET projects") while its default local database is an ignored file in the
 * repository: Laravel's `database/database.sqlite` (database/.gitignore: `*.sqlite*`), Phoenix's
 * `my_app_dev.db` (`*.db`), EF's `Data Source=app.db`, a Flyway or H2 `*.db` file.
 *
 * Only the subcommand's name is read here; which file is configured is not on the command line
 * (.env, config/dev.exs, appsettings.json, flyway.conf), so the caller judges every ignored file
 * named like a database (where that configuration names a server, server-frameworks.ts and the
 * files it dispatches to refuse `flyway clean`, `liquibase drop-all`, `dotnet ef database drop`
 * first). Commands that only read, print or generate files stay free
 * (`migrate:status`, `doctrine:migrations:diff`, `ecto.gen.migration`, `flyway info`,
 * `dotnet ef migrations add`). Limits: a project's own aliases are not read here (a
 * composer script, a Gradle task depending on flywayClean), nor Gradle's camel-case
 * abbreviations (`fC`); Mix aliases (`mix setup`) are, by databases.ts and
 * server-frameworks-ecto.ts through mix-aliases.ts.
 */
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';

/** Programs (as named on the command line, the basename) whose migration subcommands are read here. */
export const FRAMEWORK_MIGRATION_PROGRAMS: readonly string[] = [
  'artisan', 'console', 'symfony', 'mix', 'flyway', 'liquibase', 'mvn', 'mvnw', 'mvnd', 'gradle', 'gradlew', 'dotnet-ef', 'sequel', 'hanami', 'pocketbase',
];

/** Options that take their value as the next word, per program (`bin/console -e test d:m:m`). */
const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  artisan: ['--env'],
  console: ['--env', '-e'],
  'dotnet-ef': ['--project', '-p', '--startup-project', '-s', '--context', '-c', '--connection', '--configuration', '--framework', '--runtime', '-r', '--msbuildprojectextensionspath', '--output-dir', '-o', '--namespace', '-n'],
  // Liquibase's picocli options: `--url X` as well as `--url=X`
  liquibase: ['--url', '--username', '--password', '--changelog-file', '--defaults-file', '--search-path', '--count', '--tag', '--date', '--log-level', '--driver', '--classpath'],
  mvn: ['-f', '--file', '-P', '--activate-profiles', '-pl', '--projects', '-s', '--settings', '-rf', '--resume-from', '-T', '--threads'],
  gradle: ['-p', '--project-dir', '-x', '--exclude-task', '-b', '--build-file', '-c', '--settings-file', '-g', '--gradle-user-home', '-I', '--init-script'],
  mix: [],
  // PocketBase's root flags (pocketbase.go): `--dir pb_data`, `--migrationsDir x`
  pocketbase: ['--dir', '--hooksDir', '--hooksPool', '--migrationsDir', '--publicDir', '--encryptionEnv', '--queryTimeout', '--http', '--https', '--origins'],
};

function positional(program: string, args: Field[]): string[] {
  const family = program.startsWith('mvn') ? 'mvn' : program.startsWith('gradle') ? 'gradle' : program;
  return operandWords(args, VALUE_OPTIONS[family] ?? []);
}

/**
 * Whether a Symfony console command name (artisan's too: it is Symfony's console) as typed
 * names one of `commands`. The console runs a name typed in part: each `:`-separated part a
 * prefix of the command's (`d:m:m` is doctrine:migrations:migrate, `migrate:f` migrate:fresh).
 */
export function consoleNames(typed: string, commands: readonly string[]): boolean {
  if (commands.includes(typed)) return true;
  const parts = typed.split(':').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // the whole name, part for part (Symfony's Application::find): `db` is not db:wipe; any case
  const shape = new RegExp(`^${parts.join('[^:]*:')}[^:]*$`, 'i');
  return commands.some((c) => shape.test(c));
}

/** Laravel: what changes the configured database (`db` opens its own client, as `rails db` does). */
const ARTISAN_WRITES = ['migrate', 'migrate:fresh', 'migrate:refresh', 'migrate:reset', 'migrate:rollback', 'migrate:install', 'db', 'db:wipe', 'db:seed', 'queue:flush', 'queue:prune-failed', 'model:prune'];

/** Doctrine through Symfony's console (schema:update and schema:drop only with --force: without it they print). */
const DOCTRINE_WRITES = [
  'doctrine:database:drop', 'doctrine:schema:create', 'doctrine:migrations:migrate', 'doctrine:migrations:execute', 'doctrine:migrations:rollup',
  'doctrine:migrations:version', 'doctrine:migrations:sync-metadata-storage', 'doctrine:fixtures:load', 'doctrine:query:sql', 'doctrine:query:dql', 'dbal:run-sql',
];
const DOCTRINE_FORCED = ['doctrine:schema:update', 'doctrine:schema:drop'];

const FLYWAY_WRITES = /^(clean|migrate|undo|baseline|repair)$/;
const LIQUIBASE_WRITES = /^(update(-?(count|to-?tag|one-?change-?set|testing-?rollback))?|rollback(-?(count|to-?date|one-?change-?set|one-?update))?|drop-?all|changelog-?sync(-?to-?tag)?|execute-?sql|tag|mark-?next-?change-?set-?ran|clear-?check-?sums|release-?locks)$/i;
/** Gradle tasks of the Flyway and Liquibase plugins (a task path `:app:flywayClean` by its last part). */
const GRADLE_WRITES = /^(flyway(Clean|Migrate|Undo|Baseline|Repair)|update(Count|ToTag)?|rollback(Count|ToDate)?|dropAll|changelogSync|markNextChangesetRan|clearChecksums|releaseLocks)$/;
/** Ecto's tasks that write the database (databases.ts also runs them through a project's Mix aliases). */
export const ECTO_WRITES = /^ecto\.(drop|reset|rollback|migrate|setup|load)$/;

/** The subcommand (words) that change the database, or null where the command does not. */
export function frameworkMigrationChanges(program: string, args: Field[]): string | null {
  const words = positional(program, args);
  const [first = '', second = ''] = words;
  const has = (flag: string): boolean => args.some((a) => a.value === flag);
  switch (program) {
    case 'artisan':
      return first !== '' && consoleNames(first, ARTISAN_WRITES) ? `artisan ${first}` : null;
    case 'symfony':
      // the Symfony CLI's `symfony console X` is bin/console X
      return first === 'console' ? consoleChanges('symfony console', words.slice(1), has) : null;
    case 'console':
      return consoleChanges('console', words, has);
    case 'mix': {
      // `mix ecto.drop`, `mix do ecto.drop, ecto.create` (`+` or `,` between tasks)
      const task = words.map((w) => w.replace(/,$/, '')).find((w) => ECTO_WRITES.test(w));
      return task ? `mix ${task}` : null;
    }
    case 'flyway': {
      const command = words.find((w) => FLYWAY_WRITES.test(w));
      return command ? `flyway ${command}` : null;
    }
    case 'liquibase': {
      const command = words.find((w) => LIQUIBASE_WRITES.test(w));
      return command ? `liquibase ${command}` : null;
    }
    case 'mvn':
    case 'mvnw':
    case 'mvnd': {
      // `mvn flyway:clean`, `mvn org.flywaydb:flyway-maven-plugin:10.0.0:clean`, `mvn liquibase:dropAll`
      const goal = words.find((w) => {
        const parts = w.split(':');
        if (parts.length < 2) return false;
        const plugin = parts.slice(0, -1).join(':');
        const name = parts[parts.length - 1] as string;
        if (/flyway/.test(plugin)) return FLYWAY_WRITES.test(name);
        // the Maven goals of Liquibase are named as the Gradle plugin's tasks (update, dropAll ...)
        if (/liquibase/.test(plugin)) return GRADLE_WRITES.test(name);
        return false;
      });
      return goal ? `${program} ${goal}` : null;
    }
    case 'gradle':
    case 'gradlew': {
      const task = words.find((w) => GRADLE_WRITES.test(w.slice(w.lastIndexOf(':') + 1)));
      return task ? `${program} ${task}` : null;
    }
    case 'dotnet-ef':
      // `migrations remove --force` reverts an applied migration in the database first
      if (first === 'database' && (second === 'drop' || second === 'update')) return `dotnet ef database ${second}`;
      if (first === 'migrations' && second === 'remove' && (has('--force') || has('-f'))) return 'dotnet ef migrations remove --force';
      return null;
    case 'sequel':
      // `sequel -m db/migrations sqlite://db/dev.db` runs the migrations (`-M N` to a version)
      return has('-m') ? 'sequel -m' : null;
    case 'hanami':
      return first === 'db' && ['drop', 'migrate', 'rollback', 'prepare', 'reset', 'seed', 'structure', 'create'].includes(second) ? `hanami db ${second}` : null;
    case 'pocketbase':
      // `migrate` (up), `migrate down [N]` (drops what the migrations made), `migrate history-sync` (deletes
      // history rows) and the superuser commands write pb_data/data.db; `migrate create|collections` only
      // write a new migration file, `serve` is the application running (as `rails s`)
      if (first === 'migrate' && ['', 'up', 'down', 'history-sync'].includes(second)) return `pocketbase migrate${second ? ` ${second}` : ''}`;
      if (first === 'superuser' && ['create', 'upsert', 'update', 'delete'].includes(second)) return `pocketbase superuser ${second}`;
      return null;
    default:
      return null;
  }
}

function consoleChanges(label: string, words: string[], has: (flag: string) => boolean): string | null {
  const [name = ''] = words;
  if (name === '') return null;
  if (consoleNames(name, DOCTRINE_WRITES)) return `${label} ${name}`;
  if (consoleNames(name, DOCTRINE_FORCED) && (has('--force') || has('-f'))) return `${label} ${name} --force`;
  return null;
}

/**
 * Laravel's `artisan key:generate` writes a new APP_KEY into `.env` (ignored), in a local
 * environment without asking: the old key, which decrypts what the application encrypted and
 * signed, is gone. `--show` only prints one.
 */
export function artisanWritesEnv(args: Field[]): boolean {
  const [first = ''] = positional('artisan', args);
  return first !== '' && consoleNames(first, ['key:generate']) && !args.some((a) => a.value === '--show');
}

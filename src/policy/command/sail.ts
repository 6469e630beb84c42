/**
 * Laravel Sail (`./vendor/bin/sail`, `sail` by its documented alias): Laravel's default Docker
 * environment, a bash script that turns its subcommands into `docker compose` lines. Until
 * 2026-12-06 guard saw only an unknown program: `sail down -v` (`docker compose down -v`, the
 * MySQL volume of the project gone) and `sail artisan migrate:fresh` (every table of that
 * database dropped) were "no destructive command found", though both spelled out are refused.
 *
 * Read from Sail's own bin/sail (laravel/sail): `artisan`/`art`/`a`, `debug`, `tinker`, `test`,
 * `php`, `composer`, `node`, `npm`, `npx`, `pnpm`, `yarn`, `bun`, `bunx`, `bin X`, `phpunit`,
 * `pest`, `pint`, `dusk` run in the application's service (`exec -u sail laravel.test ...`,
 * APP_SERVICE); `mysql`, `mariadb`, `psql` open the database's own client in its service (its stdin
 * the line's: `sail mysql < drop.sql` runs the file), `redis` redis-cli; `shell`, `bash`,
 * `root-shell` a shell there; anything else is `docker compose ARGS` as typed (`sail up -d`,
 * `sail down -v`). The line built is judged as if typed (container-volumes.ts, container-run.ts,
 * container-exec.ts), so what it does through the repository's mount and to a database server is
 * judged there, with the compose file and `.env` read as for `docker compose`.
 */
import { knownField, type Field } from './expand.js';
import { sub, type Invocation, type Runtime } from './runtime.js';

/** Sail's subcommands that run a program in the application's service, and the program's words. */
const IN_APP: Readonly<Record<string, readonly string[]>> = {
  artisan: ['php', 'artisan'],
  art: ['php', 'artisan'],
  a: ['php', 'artisan'],
  debug: ['php', 'artisan'],
  tinker: ['php', 'artisan', 'tinker'],
  test: ['php', 'artisan', 'test'],
  php: ['php'],
  composer: ['composer'],
  node: ['node'],
  npm: ['npm'],
  npx: ['npx'],
  pnpm: ['pnpm'],
  pnpx: ['pnpx'],
  yarn: ['yarn'],
  bun: ['bun'],
  bunx: ['bunx'],
  phpunit: ['php', 'vendor/bin/phpunit'],
  pest: ['php', 'vendor/bin/pest'],
  pint: ['php', 'vendor/bin/pint'],
  dusk: ['php', 'artisan', 'dusk'],
  shell: ['bash'],
  bash: ['bash'],
  'root-shell': ['bash'],
  'root-bash': ['bash'],
};

/** Sail's database clients: the service and the client's line, as bin/sail runs them (`bash -c`). */
const CLIENTS: Readonly<Record<string, readonly string[]>> = {
  mysql: ['mysql', 'bash', '-c', 'mysql -u "$MYSQL_USER" "$MYSQL_DATABASE"'],
  mariadb: ['mariadb', 'bash', '-c', 'mariadb -u "$MYSQL_USER" "$MYSQL_DATABASE"'],
  psql: ['pgsql', 'bash', '-c', 'psql -U "$POSTGRES_USER" "$POSTGRES_DB"'],
  redis: ['redis', 'redis-cli'],
};

/** Judges a Sail line as the `docker compose` line it runs. */
export function classifySail(inv: Invocation, args: Field[], rt: Runtime): void {
  const first = args[0]?.value;
  if (first === undefined || first === null || first === 'help' || first === '-h' || first === '--help' || first === '-help') return;
  const rest = args.slice(1);
  const words = (list: readonly string[]): Field[] => list.map(knownField);
  const service = inv.env.get('APP_SERVICE') ?? 'laravel.test';
  let line: Field[];
  if (first === 'bin' && rest.length > 0) line = [...words(['exec', '-u', 'sail', service ?? 'laravel.test']), knownField(`./vendor/bin/${rest[0]?.value ?? ''}`), ...rest.slice(1)];
  else if (IN_APP[first] !== undefined) line = [...words(['exec', '-u', first.startsWith('root-') ? 'root' : 'sail', service ?? 'laravel.test', ...IN_APP[first]]), ...rest];
  else if (CLIENTS[first] !== undefined) line = [...words(['exec', ...CLIENTS[first]]), ...rest];
  else line = args;
  rt.exec(sub(inv, [knownField('docker'), knownField('compose'), ...line]));
}

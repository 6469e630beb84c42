/**
 * Data in clouds and database servers, outside the repository, that the commonest command-line
 * clients delete in one line: a bucket's objects (`aws s3 rm --recursive`, `gsutil rm -r`, `gcloud
 * storage rm -r`, `aws s3 sync --delete` into a bucket), whole projects and resource groups
 * (`gcloud projects delete`, `az group delete`), managed databases and their hosts' apps (`aws rds
 * delete-db-instance`, `heroku pg:reset`, `fly apps destroy`, `supabase db reset --linked`,
 * `firebase firestore:delete`), a database server's databases (`dropdb`, `DROP DATABASE|SCHEMA|
 * TABLE`, `TRUNCATE`, `DELETE FROM` and `UPDATE` without WHERE sent to `psql` / `mysql` /
 * `sqlcmd` / `clickhouse-client` / `cockroach sql`, read by server-sql.ts from `-c`-like options,
 * files, heredocs and pipes; `redis-cli flushall`, `mongosh --eval
 * 'db.dropDatabase()'`) and `npm unpublish`. Until 2026-12-06 each was "no destructive command
 * found". No snapshot holds any of it, so by the axis (docs/command-guard.md) each is refused for
 * an agent and asked of a person (`remote-data-delete`), as `docker compose down -v`
 * (container-volumes.ts) and `kubectl delete pvc` (cluster.ts) are.
 *
 * Read from the words typed, per client, as a list of subcommand sequences: what a client's other
 * subcommands delete (hundreds of `aws ... delete-*`) is not judged (Known limits). Local development resets that rebuild from the repository stay
 * free: `supabase db reset` of the local stack, `rails db:reset` on SQLite (databases.ts captures
 * the file; on a server database server-frameworks.ts refuses it).
 */
import { posix } from 'node:path';
import { type Field, knownField } from './expand.js';
import { resolvePath } from './paths.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import { type Invocation, type Runtime, unexportedForChild } from './runtime.js';
import { CONTAINER_FS } from './container-run.js';
import { doctlDeleted } from './doctl.js';
import { HOSTED_DATA_PROGRAMS, hostedDataDeleted, type StripeEnvKey } from './hosted-data.js';
import { serverSqlDeletes } from './server-sql.js';
import { FILE_TEXT_LIMIT } from './state.js';

/** Programs this module judges (commands.ts sends them here; npm from its package manager case). */
export const REMOTE_DATA_PROGRAMS = new Set(['aws', 'gsutil', 'gcloud', 'az', 'firebase', 'heroku', 'fly', 'flyctl', 'supabase', 'dropdb', 'psql', 'mysql', 'mariadb', 'redis-cli', 'mongosh', 'mongo', 'sqlcmd', 'clickhouse-client', 'clickhouse', 'cockroach', 'doctl', 'cqlsh', ...HOSTED_DATA_PROGRAMS]);

/** `aws SERVICE VERB` that delete data or what holds it (aws-cli v2's own names). */
const AWS_DELETES: Readonly<Record<string, readonly string[]>> = {
  s3api: ['delete-bucket', 'delete-objects'],
  rds: ['delete-db-instance', 'delete-db-cluster', 'delete-db-snapshot', 'delete-db-cluster-snapshot'],
  dynamodb: ['delete-table', 'delete-backup'],
  docdb: ['delete-db-cluster', 'delete-db-instance'],
  neptune: ['delete-db-cluster'],
  redshift: ['delete-cluster'],
  elasticache: ['delete-replication-group', 'delete-cache-cluster', 'delete-serverless-cache', 'delete-snapshot'],
  memorydb: ['delete-cluster'],
  opensearch: ['delete-domain'],
  es: ['delete-elasticsearch-domain'],
  'timestream-write': ['delete-database', 'delete-table'],
  kinesis: ['delete-stream'],
  sqs: ['delete-queue', 'purge-queue'],
  fsx: ['delete-file-system', 'delete-backup'],
  glacier: ['delete-vault', 'delete-archive'],
  'cognito-idp': ['delete-user-pool'],
  // the key's ciphertexts become unreadable once it is deleted at the end of the waiting period
  kms: ['schedule-key-deletion'],
  lightsail: ['delete-relational-database', 'delete-disk'],
  cloudformation: ['delete-stack'],
  ec2: ['terminate-instances', 'delete-volume', 'delete-snapshot'],
  efs: ['delete-file-system'],
  ecr: ['delete-repository'],
  secretsmanager: ['delete-secret'],
  backup: ['delete-recovery-point', 'delete-backup-vault'],
  logs: ['delete-log-group'],
};

/** Sequences of words (in order, other words between allowed) after which a client deletes data. */
const SEQUENCES: Readonly<Record<string, ReadonlyArray<readonly string[]>>> = {
  gcloud: [['projects', 'delete'], ['storage', 'buckets', 'delete'], ['sql', 'instances', 'delete'], ['sql', 'databases', 'delete'], ['compute', 'instances', 'delete'], ['compute', 'disks', 'delete'], ['firestore', 'databases', 'delete'], ['container', 'clusters', 'delete'], ['spanner', 'instances', 'delete'],
    ['spanner', 'databases', 'delete'], ['redis', 'instances', 'delete'], ['alloydb', 'clusters', 'delete'], ['filestore', 'instances', 'delete'], ['bigtable', 'instances', 'delete'], ['compute', 'snapshots', 'delete'], ['firestore', 'bulk-delete'], ['secrets', 'delete']],
  az: [['group', 'delete'], ['storage', 'account', 'delete'], ['storage', 'container', 'delete'], ['storage', 'blob', 'delete-batch'], ['sql', 'db', 'delete'], ['sql', 'server', 'delete'], ['cosmosdb', 'delete'], ['vm', 'delete'], ['aks', 'delete'],
    ['sql', 'mi', 'delete'], ['postgres', 'flexible-server', 'delete'], ['postgres', 'server', 'delete'], ['mysql', 'flexible-server', 'delete'], ['mysql', 'server', 'delete'], ['redis', 'delete'], ['disk', 'delete'], ['storage', 'share', 'delete'], ['storage', 'fs', 'delete']],
  firebase: [['firestore:delete'], ['database:remove']],
  heroku: [['pg:reset'], ['apps:destroy'], ['addons:destroy']],
  fly: [['apps', 'destroy'], ['volumes', 'destroy'], ['volumes', 'delete'], ['postgres', 'destroy']],
  supabase: [['projects', 'delete']],
};

function operands(words: string[]): string[] {
  return words.filter((w) => !w.startsWith('-'));
}

function hasSequence(ops: string[], sequence: readonly string[]): boolean {
  let at = 0;
  for (const word of ops) if (word === sequence[at] && ++at === sequence.length) return true;
  return false;
}

/** The values of options `names` (`-f X`, `-fX`, `--file X`, `--file=X`), in order. */
function optionValues(words: string[], names: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const long = names.find((n) => n.startsWith('--') && word.startsWith(`${n}=`));
    if (long) values.push(word.slice(long.length + 1));
    else if (names.includes(word)) values.push(words[++i] ?? '');
    else {
      const short = names.find((n) => /^-[a-zA-Z]$/.test(n) && word.startsWith(n) && word.length > 2);
      if (short) values.push(word.slice(2));
    }
  }
  return values;
}

/** What the line deletes, as said in the refusal, or null. */
export function remoteDataDeleted(program: string, args: Field[], stripeKey?: StripeEnvKey): string | null {
  const words = args.map((a) => a.value ?? '');
  const ops = operands(words);
  const has = (...names: string[]): boolean => words.some((w) => names.includes(w));
  const name = program === 'flyctl' ? 'fly' : program === 'mariadb' ? 'mysql' : program === 'mongo' ? 'mongosh' : program;
  switch (name) {
    case 'npm':
      return ops[0] === 'unpublish' ? 'npm unpublish deletes a published version from the registry (its number can never be used again)' : null;
    case 'aws': {
      if (hasSequence(ops, ['s3', 'rm']) && has('--recursive')) return `aws s3 rm --recursive deletes every object under ${ops[ops.indexOf('rm') + 1] ?? 'the prefix'}`;
      if (hasSequence(ops, ['s3', 'rb']) && has('--force')) return `aws s3 rb --force deletes the bucket ${ops[ops.indexOf('rb') + 1] ?? ''} and every object in it`.trimEnd();
      if (hasSequence(ops, ['s3', 'sync']) && has('--delete')) {
        // The destination: any operand after the source (option values such as `--exclude X` are operands here too).
        const bucket = ops.slice(ops.indexOf('sync') + 2).find((w) => w.startsWith('s3://'));
        if (bucket) return `aws s3 sync --delete deletes the objects of ${bucket} that the source lacks`;
      }
      for (const [service, verbs] of Object.entries(AWS_DELETES)) {
        const verb = verbs.find((v) => hasSequence(ops, [service, v]));
        if (verb) return `aws ${service} ${verb} deletes data on AWS`;
      }
      return null;
    }
    case 'gsutil':
      if (ops.includes('rm') && words.some((w) => /^-[a-zA-Z]*[rRa]/.test(w) && !w.startsWith('--'))) return 'gsutil rm -r deletes every object under the path';
      if (ops.includes('rb')) return 'gsutil rb deletes a bucket';
      return null;
    case 'gcloud':
      if (hasSequence(ops, ['storage', 'rm']) && words.some((w) => w === '--recursive' || /^-[a-zA-Z]*[rR]/.test(w))) return 'gcloud storage rm -r deletes every object under the path';
      break;
    case 'supabase':
      if (hasSequence(ops, ['db', 'reset']) && words.some((w) => w === '--linked' || w.startsWith('--db-url'))) return 'supabase db reset --linked resets the remote project\'s database, its rows gone';
      break;
    case 'dropdb':
      if (has('--help', '-?', '--version', '-V')) return null;
      return `dropdb deletes the database ${ops.at(-1) ?? ''}`.trimEnd();
    case 'psql':
    case 'mysql':
    case 'sqlcmd':
    case 'clickhouse-client':
    case 'clickhouse':
    case 'cockroach':
      // the SQL is read in classifyRemoteData (serverSql): -c/-e, files, heredocs, pipes
      return null;
    case 'redis-cli': {
      const verb = ops.find((w) => /^flush(?:all|db)$/i.test(w));
      return verb ? `redis-cli ${verb} deletes every key` : null;
    }
    case 'mongosh':
      return /\.drop(?:Database)?\s*\(/.test(optionValues(words, ['--eval']).join('\n')) ? `${program} --eval drops a database or collection` : null;
    case 'doctl':
      return doctlDeleted(args);
    case 'cqlsh':
      // the CQL is read in classifyRemoteData (serverSql)
      return null;
  }
  if (HOSTED_DATA_PROGRAMS.includes(name)) return hostedDataDeleted(name, args, stripeKey);
  const sequence = (SEQUENCES[name] ?? []).find((s) => hasSequence(ops, s));
  return sequence ? `${program} ${sequence.join(' ')} deletes a cloud resource and the data it holds` : null;
}

/** Refuses (an agent) or asks about (a person) a line that deletes data in a cloud or a database server. */
export function classifyRemoteData(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const client = sqlClient(program, args);
  if (client) return classifyServerSql(inv, client.shown, client.spec, client.args, rt);
  const what = remoteDataDeleted(program, args, stripeEnvKey(inv));
  if (what === null) return;
  refuse(inv, rt, what, program === 'stripe' ? STRIPE_INSTEAD : undefined);
}

/** STRIPE_API_KEY as this line sets it (hosted-data.ts stripeMode), or undefined. */
function stripeEnvKey(inv: Invocation): StripeEnvKey | undefined {
  if (!inv.env.has('STRIPE_API_KEY')) return undefined;
  return { value: inv.env.get('STRIPE_API_KEY') ?? null, exported: !unexportedForChild(inv, 'STRIPE_API_KEY') };
}

/** The way forward for a live-mode Stripe delete. */
const STRIPE_INSTEAD = 'Run it in test mode (without `--live` or a live key: the Stripe CLI\'s default); save the object first (`stripe customers retrieve ID --live > customer.json`); or ask the person to run it in live mode.';

/**
 * `prisma db execute --file F | --stdin` where the datasource is a server (server-frameworks.ts
 * decides): the SQL judged as psql's is. `--stdin` alone reads stdin; without it prisma reads none.
 */
export function classifyPrismaExecute(inv: Invocation, args: Field[], rt: Runtime): void {
  const spec: ClientSpec = { inline: [], files: ['--file'], prints: ['--help', '-h'], noStdin: !args.some((a) => a.value === '--stdin') };
  classifyServerSql(inv, 'prisma db execute', spec, args, rt);
}

function refuse(inv: Invocation, rt: Runtime, what: string, instead?: string): void {
  rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'remote-data-delete', `${what}, outside the repository, where no snapshot holds it`, inv.source, instead));
}

/** The way forward where guard cannot read the SQL a client sends to its server. */
const UNREAD_INSTEAD =
  'Put the SQL in a file guard can read (in the repository, under 1 MiB) and run it with `psql -f FILE` / `mysql DB < FILE`, or pass it with `-c`/`-e`; back the database up first (`pg_dump`, `mysqldump`) if it deletes rows; or ask the person to run it.';

/** Where the SQL of a client's line comes from: text guard has, files to read, and what it cannot see. */
interface SqlSources {
  texts: Array<{ text: string; from: string }>;
  files: Array<{ path: string | null; shown: string }>;
  unread: string[];
}

/** Stands for the option of a client that takes its SQL as an operand (said in the refusal: "runs DROP TABLE from its SQL operand"). */
const OPERAND = 'its SQL operand';

/** How a SQL client takes its SQL: options with the text, options naming files, words that only print. */
interface ClientSpec {
  inline: readonly string[];
  files: readonly string[];
  prints: readonly string[];
  /** sqlcmd's `-i a.sql,b.sql` */
  fileLists?: boolean;
  /** reads no SQL from stdin (wrangler) */
  noStdin?: boolean;
}

const CLIENTS: Readonly<Record<string, ClientSpec>> = {
  psql: { inline: ['-c', '--command'], files: ['-f', '--file'], prints: ['--help', '-?', '--version', '-V', '-l', '--list'] },
  mysql: { inline: ['-e', '--execute'], files: [], prints: ['--help', '-?', '--version', '-V'] },
  // SQL Server's sqlcmd (ODBC and go-sqlcmd): -Q runs and exits, -q runs and stays; `-V 16` is a severity, not the version
  sqlcmd: { inline: ['-Q', '-q', '--query'], files: ['-i', '--input-file'], prints: ['-?', '--help', '--version'], fileLists: true },
  clickhouse: { inline: ['-q', '--query'], files: ['--queries-file'], prints: ['--help', '--version', '-V'] },
  cockroach: { inline: ['-e', '--execute'], files: ['-f', '--file'], prints: ['--help', '-h'] },
  cqlsh: { inline: ['-e', '--execute'], files: ['-f', '--file'], prints: ['--help', '-h', '--version'] },
  // `wrangler d1 execute DB --remote --command SQL | --file F`: no SQL from stdin
  wrangler: { inline: ['--command'], files: ['--file'], prints: ['--help', '-h'], noStdin: true },
  // `turso db shell DB SQL` and `bq query SQL` (the operand, given here after OPERAND), else their stdin
  operand: { inline: [OPERAND], files: [], prints: ['--help', '-h'] },
};

/** go-sqlcmd's subcommands that send no SQL (`sqlcmd config view`, `sqlcmd create mssql`: a local container). */
const SQLCMD_OTHER = new Set(['config', 'create', 'delete', 'install', 'open', 'start', 'stop', 'use', 'uninstall', 'completion', 'help']);

/** The SQL client a program is, with the arguments it reads SQL from (`clickhouse client`, `cockroach sql`), or null. */
function sqlClient(program: string, args: Field[]): { spec: ClientSpec; shown: string; args: Field[] } | null {
  const first = args[0]?.value;
  switch (program) {
    case 'psql':
      return { spec: CLIENTS.psql!, shown: program, args };
    case 'mysql':
    case 'mariadb':
      return { spec: CLIENTS.mysql!, shown: program, args };
    case 'sqlcmd': {
      if (first !== null && first !== undefined && SQLCMD_OTHER.has(first)) return null;
      // go-sqlcmd's `sqlcmd query "SQL"`: the operand is the SQL
      if (first === 'query') return { spec: CLIENTS.sqlcmd!, shown: 'sqlcmd query', args: args[1]?.value?.startsWith('-') === false ? [knownField('-Q'), ...args.slice(1)] : args.slice(1) };
      return { spec: CLIENTS.sqlcmd!, shown: program, args };
    }
    case 'clickhouse-client':
      return { spec: CLIENTS.clickhouse!, shown: program, args };
    case 'clickhouse':
      // `clickhouse local` works on local files and its own temporary tables, not a server
      return first === 'client' ? { spec: CLIENTS.clickhouse!, shown: 'clickhouse client', args: args.slice(1) } : null;
    case 'cockroach':
      // `cockroach demo` is an in-memory cluster; `cockroach sql` is the client
      return first === 'sql' ? { spec: CLIENTS.cockroach!, shown: 'cockroach sql', args: args.slice(1) } : null;
    case 'cqlsh':
      return { spec: CLIENTS.cqlsh!, shown: program, args };
    case 'wrangler': {
      // only against Cloudflare (`--remote`, `--preview`): without them wrangler 3.33+ runs it on the local store
      const at = args.findIndex((a) => a.value === 'execute');
      if (args[at - 1]?.value !== 'd1' || !args.some((a) => a.value === '--remote' || a.value === '--preview')) return null;
      return { spec: CLIENTS.wrangler!, shown: 'wrangler d1 execute --remote', args: args.slice(at + 1) };
    }
    case 'turso': {
      // `turso db shell DB [SQL]`
      if (args[0]?.value !== 'db' || args[1]?.value !== 'shell') return null;
      return operandSql('turso db shell', args.slice(2), 1);
    }
    case 'bq': {
      // `bq [global flags] query [flags] SQL`
      const at = args.findIndex((a) => a.value === 'query');
      return at < 0 ? null : operandSql('bq query', args.slice(at + 1), 0);
    }
    default:
      return null;
  }
}

/** A client whose SQL is its operand number `index` (not counting options), or its stdin where there is none. */
function operandSql(shown: string, args: Field[], index: number): { spec: ClientSpec; shown: string; args: Field[] } {
  const operands = args.filter((a) => !(a.value ?? '').startsWith('-'));
  const sql = operands[index];
  return { spec: CLIENTS.operand!, shown, args: sql === undefined ? args : [knownField(OPERAND), sql] };
}

/** The SQL a client is given: its inline options' text, its files (`-` is stdin). Else stdin, unless it only prints. */
function sqlSources(inv: Invocation, spec: ClientSpec, args: Field[]): SqlSources | null {
  const words = args.map((a) => a.value ?? '');
  if (words.some((w) => spec.prints.includes(w))) return null;
  const sources: SqlSources = { texts: [], files: [], unread: [] };
  // each text named by the option it came with (`sqlcmd -q`, `clickhouse-client --query`)
  const inline = spec.inline.flatMap((flag) => optionValues(words, [flag]).map((text) => ({ text, from: flag })));
  sources.texts.push(...inline);
  // an option's value guard cannot know (`-c "$SQL"`) may be anything
  if (args.some((a, i) => a.value === null && [...spec.inline, ...spec.files].includes(args[i - 1]?.value ?? ''))) sources.unread.push('SQL in a value guard cannot know');
  const files = optionValues(words, spec.files).flatMap((f) => (spec.fileLists ? f.split(',') : [f]));
  let readsStdin = inline.length === 0 && files.length === 0 && !spec.noStdin;
  for (const file of files) {
    if (file === '-') readsStdin = true;
    else sources.files.push({ path: resolvePath(file, inv.cwd), shown: file });
  }
  if (!readsStdin) return sources;
  const stdin = inv.stdin;
  if (stdin.kind === 'terminal') return sources;
  if (stdin.kind === 'file') {
    const path = stdin.path === undefined || stdin.path === null ? null : resolvePath(stdin.path, inv.cwd);
    // `psql < /dev/null` (a script keeping the client off the terminal) sends no SQL
    if (path !== '/dev/null') sources.files.push({ path, shown: stdin.from ?? 'stdin' });
  } else if (stdin.text !== null) sources.texts.push({ text: stdin.text, from: stdin.from });
  else if (stdin.files) for (const file of stdin.files) sources.files.push({ path: file, shown: file });
  else sources.unread.push(`SQL from ${stdin.from}`);
  return sources;
}

/** What the statement costs: rows gone, or (UPDATE without WHERE) every row's old values gone. */
function loss(what: string): string {
  return what.startsWith('UPDATE') ? 'overwriting every row of a table the database server holds (the old values gone)' : 'deleting rows the database server holds';
}

/** Files a script has the client run: psql's `\i FILE`, `\ir FILE`, `\include FILE`; mysql's `source FILE`, `\. FILE`; sqlcmd's `:r FILE`. */
function includedFiles(text: string): string[] {
  return [...text.matchAll(/^[ \t]*(?:\\(?:i|ir|include|include_relative)|source|\\\.|:r)[ \t]+(?:'([^'\n]*)'|(\S+?));?[ \t]*\r?$/gim)].map((m) => (m[1] ?? m[2]) as string);
}

/**
 * psql, mysql, mariadb, sqlcmd, clickhouse-client and cockroach sql: SQL that deletes rows on the
 * server (server-sql.ts) is refused for an agent and asked of a person; SQL guard cannot read (a
 * file missing, over 1 MiB or not regular, a pipe from a command) is asked of the person where an
 * agent sends it, and free for a person.
 */
function classifyServerSql(inv: Invocation, program: string, spec: ClientSpec, args: Field[], rt: Runtime): void {
  const sources = sqlSources(inv, spec, args);
  if (sources === null) return;
  for (const { text, from } of sources.texts) {
    const what = serverSqlDeletes(text);
    if (what !== null) return refuse(inv, rt, `${from.startsWith('-') ? `${program} ${from} runs ${what}` : `${program} runs ${what} from ${from}`}, ${loss(what)}`);
    // the files the SQL has the client read (`\i FILE` in psql, `source FILE` in mysql), read in turn (not further down)
    for (const file of includedFiles(text)) sources.files.push({ path: resolvePath(file, inv.cwd), shown: file });
  }
  const unread = [...sources.unread];
  for (const file of sources.files) {
    if (file.path !== null && rt.ctx.inContainer && file.path.startsWith(`${CONTAINER_FS}/`)) {
      // `docker compose exec db psql -f /seed.sql`: a file of the container's (container-exec.ts), never looked up on the host
      if (rt.ctx.view) unread.push(`${file.shown.startsWith(`${CONTAINER_FS}/`) ? file.shown.slice(CONTAINER_FS.length) : file.shown} (a file in the container)`);
      continue;
    }
    const found = file.path === null ? null : rt.ctx.view?.file({ dir: posix.dirname(file.path), name: posix.basename(file.path), up: false });
    // by text, or while collecting before the file was read: judged once it is
    if (found === undefined) continue;
    if (found === null || found === 'missing') {
      unread.push(`${file.shown} (${found === 'missing' ? 'not there' : `not a regular file guard can read, or larger than ${FILE_TEXT_LIMIT / 1024} KiB`})`);
      continue;
    }
    const what = serverSqlDeletes(found.text);
    if (what !== null) return refuse(inv, rt, `${program} runs ${what} from ${file.shown}, ${loss(what)}`);
  }
  if (unread.length > 0 && rt.ctx.isAgent) {
    rt.report(makeVerdict('ask', 'remote-data-delete', `${program} sends the database server SQL guard cannot read (${unread.join(', ')}); it may delete rows no snapshot holds`, inv.source, UNREAD_INSTEAD));
  }
}

/**
 * Data on developer platforms and in data stores, deleted by their own command-line clients in
 * one line: Cloudflare's D1 and KV (`wrangler`), Neon, Turso and PlanetScale databases and
 * branches, BigQuery datasets and tables (`bq`), a restore over a database (`pg_restore --clean
 * -d`, `mongorestore --drop`), objects in S3-compatible stores through MinIO's
 * `mc`, `rclone` and `s3cmd`, Kafka topics, etcd and Consul key ranges, InfluxDB buckets and
 * Convex tables, Stripe objects in live mode (`stripe customers delete cus_1 --live`, since
 * 2026-12-07, holes7). Until 2026-12-06 (night) each was "no destructive command found" while
 * remote-data.ts refused the same loss through aws, gcloud and az. Judged for remote-data.ts
 * (rule `remote-data-delete`: refused for an agent, asked of a person); the SQL these clients send
 * (`wrangler d1 execute --remote --command`, `turso db shell DB SQL`, `bq query SQL`, `cqlsh -e`)
 * is read there by server-sql.ts like psql's.
 *
 * What is local stays free: wrangler's d1, kv and r2 commands work on the local development
 * store unless `--remote` is given (d1 since wrangler 3.33, kv and r2 since wrangler 4; the colon
 * spellings `kv:bulk` are wrangler 3's and remote). Deleting one object or key (`mc rm X`,
 * `rclone deletefile`, `etcdctl del KEY`) is free as `aws s3 rm s3://b/k` is: one named item, not
 * a store's contents. An R2 bucket can only be deleted empty, so `wrangler r2 bucket delete` is
 * free. A local path given to mc, rclone or s3cmd is not judged here (Known limits). The Stripe
 * CLI works in test mode unless `--live` is given or `--api-key` names a live key (`sk_live_`,
 * `rk_live_`): a test-mode delete stays free (test data is made again by fixtures and `stripe
 * trigger`); a key guard cannot read (`--api-key "$KEY"`) may be a live one.
 */
import type { Field } from './expand.js';
import { type GnuGrammar, operandWords, scanGnuArgs } from './gnu-args.js';

/** The programs this module judges (remote-data.ts sends them here). */
export const HOSTED_DATA_PROGRAMS: readonly string[] = [
  'wrangler', 'neon', 'neonctl', 'turso', 'pscale', 'bq', 'mc', 'rclone', 's3cmd',
  'kafka-topics', 'kafka-topics.sh', 'kafka-delete-records', 'kafka-delete-records.sh', 'etcdctl', 'consul', 'influx', 'convex',
  'pg_restore', 'mongorestore', 'stripe',
];

/** The Stripe CLI's global and request options that take a value (`stripe --help`, `stripe customers delete --help`). */
const STRIPE_VALUES = ['--api-key', '--color', '--config', '--device-name', '--log-level', '-p', '--project-name', '--stripe-account', '--stripe-version', '-v', '-d', '--data', '-e', '--expand', '-i', '--idempotency', '--stripe-context'];

/**
 * STRIPE_API_KEY as the line sets it for the CLI (Invocation.env): `value` null where guard cannot
 * read it; `exported` false where the line set it without exporting it (the CLI sees it only if
 * the agent's own environment exports the name). Undefined: the line does not set it.
 */
export interface StripeEnvKey {
  value: string | null;
  exported: boolean;
}

/**
 * Where a Stripe CLI line runs: 'live' (`--live`, a live key), 'unknown' (a key guard cannot
 * read), or 'test' (the CLI's default: the profile's test-mode key). STRIPE_API_KEY comes first:
 * the CLI takes it over `--api-key` and `--live` alike (stripe-cli pkg/config/profile.go
 * GetAPIKey: a non-empty STRIPE_API_KEY is returned before the flag's key or a live profile's);
 * since 2026-12-08 (holes8), before which `STRIPE_API_KEY=sk_live_... stripe customers delete
 * cus_1` was free. STRIPE_SECRET_KEY and the like are the application's, not the CLI's.
 */
function stripeMode(args: Field[], envKey?: StripeEnvKey): 'live' | 'test' | 'unknown' {
  if (envKey !== undefined) {
    if (envKey.value === null) return 'unknown';
    if (/^(?:sk|rk)_live_/.test(envKey.value)) return 'live';
    // a test key the CLI surely sees wins over the line's --live and --api-key
    if (envKey.value !== '' && envKey.exported) return 'test';
  }
  let mode: 'live' | 'test' | 'unknown' = 'test';
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.value;
    if (w === '--live' || w === '--live=true') return 'live';
    let key: string | null | undefined;
    if (w === '--api-key') key = args[++i]?.value;
    else if (w?.startsWith('--api-key=')) key = w.slice('--api-key='.length);
    else continue;
    if (key === null || key === undefined) mode = 'unknown';
    else if (/^(?:sk|rk)_live_/.test(key)) return 'live';
  }
  return mode;
}

/** A remote of rclone (`name:path`, `:backend:path`), not a Windows drive (`C:\x`) or a local path. */
function isRcloneRemote(word: string): boolean {
  return /^:?[\w.\- ]{2,}:/.test(word);
}

/** A target of mc or s3cmd that names a store, not a local path (`./dist`, `/tmp/x`, `~/x`). */
function isStoreTarget(word: string): boolean {
  return word !== '' && !/^[./~]/.test(word);
}

/** pg_restore's options that take a value (`-Fc` is a format, not -F -c). */
const PG_RESTORE: GnuGrammar = {
  shortValues: 'dfFjhpUnNtILPTS',
  longValues: ['dbname', 'file', 'format', 'jobs', 'host', 'port', 'username', 'schema', 'exclude-schema', 'table', 'index', 'use-list', 'function', 'trigger', 'superuser', 'role', 'section', 'filter', 'exclude-database'],
  longFlags: ['clean', 'create', 'if-exists'],
  inline: true,
  prefixes: true,
  missing: null,
};

/** `pg_restore --clean -d DB ARCHIVE` (`-c`; `-C` with it recreates the database itself): into a database, over what is there. */
function pgRestoreOverDatabase(args: Field[]): boolean {
  const { options } = scanGnuArgs(args, PG_RESTORE);
  return options.some((o) => o.name === '-c' || o.name === '--clean') && options.some((o) => o.name === '-d' || o.name === '--dbname');
}

/** What `name args` deletes on a platform or in a data store, as the refusal says it, or null. */
/**
 * The Stripe CLI's operations that end an object for good where Stripe deletes none: a canceled
 * subscription cannot be reactivated (`subscriptions cancel` is the API's DELETE
 * /v1/subscriptions/ID, which `stripe delete` already sent), a void invoice or credit note stays
 * void, a canceled PaymentIntent, SetupIntent, quote or subscription schedule (whose subscription
 * is canceled with it) cannot be used again, a rejected connected account stays rejected
 * (operation names from stripe-cli's generated resources_cmds.go; the raw `stripe post
 * /v1/RESOURCE/ID/ACTION` too). Money that moves (`refunds create`, `payouts create`,
 * `transfers create`, `charges capture`) is left: no data is lost, the account records each, and
 * judging payments is not guard's part (command-guard.md Known limits).
 */
const STRIPE_TERMINAL: Readonly<Record<string, { op: string; action: string; what: string }>> = {
  subscriptions: { op: 'cancel', action: 'cancel', what: 'cancels the subscription' },
  subscription_schedules: { op: 'cancel', action: 'cancel', what: 'cancels the subscription schedule and its subscription' },
  payment_intents: { op: 'cancel', action: 'cancel', what: 'cancels the PaymentIntent' },
  setup_intents: { op: 'cancel', action: 'cancel', what: 'cancels the SetupIntent' },
  quotes: { op: 'cancel', action: 'cancel', what: 'cancels the quote' },
  invoices: { op: 'void_invoice', action: 'void', what: 'voids the invoice' },
  credit_notes: { op: 'void_credit_note', action: 'void', what: 'voids the credit note' },
  accounts: { op: 'reject', action: 'reject', what: 'rejects the connected account' },
};

/** `stripe RESOURCE OP ID` or `stripe post /v1/RESOURCE/ID/ACTION` that ends an object for good (STRIPE_TERMINAL): what it does, or null. */
function stripeTerminal(ops: string[]): string | null {
  const [r = '', v = '', id = ''] = ops;
  const direct = STRIPE_TERMINAL[r];
  if (direct !== undefined && v === direct.op) return `stripe ${r} ${v} ${direct.what} ${id || ''}`.trimEnd();
  if (r !== 'post') return null;
  const parts = v.replace(/^\/?v1\//, '').split('/');
  const raw = parts.length === 3 ? STRIPE_TERMINAL[parts[0] as string] : undefined;
  return raw !== undefined && parts[2] === raw.action && parts[1] !== '' ? `stripe post ${v} ${raw.what} ${parts[1]}` : null;
}

export function hostedDataDeleted(name: string, args: Field[], stripeKey?: StripeEnvKey): string | null {
  const words = args.map((a) => a.value ?? '');
  if (words.some((w) => w === '--help' || w === '-h' || w === 'help')) return null;
  const has = (...names: string[]): boolean => words.some((w) => names.includes(w));
  const ops = operandWords(args, []);
  const [a = '', b = '', c = ''] = ops;
  switch (name) {
    case 'wrangler':
      if (a === 'd1' && b === 'delete') return `wrangler d1 delete deletes the D1 database ${c || 'named'} and its rows`;
      // a namespace exists only on Cloudflare; `kv:bulk delete` is wrangler 3's, remote by default
      if ((a === 'kv' && b === 'namespace' && c === 'delete') || (a === 'kv:namespace' && b === 'delete')) return 'wrangler kv namespace delete deletes a KV namespace and every key in it';
      if (((a === 'kv' && b === 'bulk' && c === 'delete') && has('--remote')) || (a === 'kv:bulk' && b === 'delete' && !has('--local'))) return 'wrangler kv bulk delete deletes the keys its file lists from a KV namespace on Cloudflare';
      return null;
    case 'neon':
    case 'neonctl': {
      const kind = ({ projects: 'project', project: 'project', branches: 'branch', branch: 'branch', databases: 'database', database: 'database', db: 'database' } as Record<string, string>)[a];
      if (kind && b === 'delete') return `${name} ${a} delete deletes a Neon ${kind} and its data`;
      // reset and restore replace the branch's data; --preserve-under-name keeps the old state as a branch
      if (kind === 'branch' && (b === 'reset' || b === 'restore') && !words.some((w) => w.startsWith('--preserve-under-name'))) return `${name} ${a} ${b} replaces the branch's data with its parent's (or a point in time's), its own changes gone (with \`--preserve-under-name NAME\` the old state is kept as a branch)`;
      return null;
    }
    case 'turso':
      if ((a === 'db' || a === 'group' || a === 'org') && b === 'destroy') return `turso ${a} destroy deletes the ${a === 'db' ? 'database' : a === 'group' ? 'group and its databases' : 'organization and its databases'}`;
      return null;
    case 'pscale':
      if ((a === 'database' || a === 'db') && b === 'delete') return 'pscale database delete deletes a PlanetScale database and its rows';
      if (a === 'branch' && b === 'delete') return 'pscale branch delete deletes a PlanetScale branch and its data';
      return null;
    case 'bq':
      // `bq rm` deletes a table or dataset (with -r its tables); transfer configs, reservations and connections hold no data
      if (a === 'rm' && !words.some((w) => /^--?(?:transfer_config|reservation|capacity_commitment|reservation_assignment|connection|j|job)(?:=|$)/.test(w))) return 'bq rm deletes a BigQuery table or dataset and its rows';
      if (a === 'load' && words.some((w) => w === '--replace' || w === '--replace=true')) return 'bq load --replace replaces the rows of a BigQuery table';
      return null;
    case 'mc': {
      const target = ops.slice(1).find(isStoreTarget);
      if (!target) return null;
      if (a === 'rm' && has('--recursive', '-r') && has('--force')) return `mc rm --recursive --force deletes every object under ${target}`;
      if (a === 'rb' && has('--force')) return `mc rb --force deletes the bucket ${target} and every object in it`;
      if (a === 'mirror' && has('--remove') && isStoreTarget(c)) return `mc mirror --remove deletes the objects of ${c} that the source lacks`;
      return null;
    }
    case 'rclone': {
      // `rclone sync SRC DST`: the destination is the second operand (an option's value, `--exclude X`, may follow)
      if ((a === 'purge' || a === 'delete') && isRcloneRemote(b)) return `rclone ${a} deletes every file under ${b}`;
      if (a === 'sync' && isRcloneRemote(c)) return `rclone sync deletes the files of ${c} that the source lacks`;
      if (a === 'cleanup' && isRcloneRemote(b)) return `rclone cleanup empties the trash and old versions of ${b}, the copies a deletion could be undone from`;
      return null;
    }
    case 's3cmd':
      if ((a === 'del' || a === 'rm') && has('--recursive', '-r')) return `s3cmd ${a} --recursive deletes every object under ${b || 'the prefix'}`;
      if (a === 'rb' && has('--recursive', '-r')) return `s3cmd rb --recursive deletes the bucket ${b || 'named'} and every object in it`;
      if (a === 'sync' && has('--delete-removed') && c.startsWith('s3://')) return `s3cmd sync --delete-removed deletes the objects of ${c} that the source lacks`;
      return null;
    case 'kafka-topics':
    case 'kafka-topics.sh':
      return has('--delete') ? 'kafka-topics --delete deletes a Kafka topic and its messages' : null;
    case 'kafka-delete-records':
    case 'kafka-delete-records.sh':
      return has('--version') ? null : 'kafka-delete-records deletes the messages of a Kafka topic\'s partitions up to an offset';
    case 'etcdctl':
      // one key is one named item; a prefix, `--from-key` or a range end is a key range
      if ((a === 'del' || a === 'delete') && (has('--prefix', '--from-key') || ops.length >= 3)) return 'etcdctl del deletes a range of keys';
      return null;
    case 'consul':
      return a === 'kv' && b === 'delete' && has('-recurse', '--recurse') ? 'consul kv delete -recurse deletes every key under the prefix' : null;
    case 'influx':
      if ((a === 'bucket' || a === 'org') && b === 'delete') return `influx ${a} delete deletes ${a === 'bucket' ? 'a bucket and its points' : 'an organization and its buckets'}`;
      if (a === 'delete') return 'influx delete deletes the points of a bucket in a time range';
      return null;
    case 'pg_restore':
      // into a database (`-d`): `--clean` drops each object the archive holds first, its rows since the dump gone; without -d it prints SQL
      return pgRestoreOverDatabase(args) ? 'pg_restore --clean drops the database objects the archive holds and restores the dump\'s rows over them, what changed since the dump gone' : null;
    case 'mongorestore':
      return has('--drop') ? 'mongorestore --drop drops each collection the dump holds and restores the dump\'s documents, what changed since the dump gone' : null;
    case 'stripe': {
      // `stripe RESOURCE delete ID` (`stripe customers delete cus_1`) or the raw request `stripe delete /v1/customers/cus_1`
      const stripeOps = operandWords(args, STRIPE_VALUES);
      const [r = '', v = '', id = ''] = stripeOps;
      const target = r === 'delete' ? v : v === 'delete' ? id : null;
      const ends = target === null ? stripeTerminal(stripeOps) : null;
      if (target === null && ends === null) return null;
      const mode = stripeMode(args, stripeKey);
      if (mode === 'test') return null;
      const how = mode === 'live' ? 'in live mode' : `with an API key guard cannot read (a live key ${ends === null ? 'deletes' : 'acts'} in live mode)`;
      if (ends !== null) return `${ends} in the Stripe account ${how}, for good`;
      return `stripe ${r === 'delete' ? 'delete' : `${r} delete`} deletes ${target || 'the object'} from the Stripe account ${how}`;
    }
    case 'convex':
      return a === 'import' && has('--replace', '--replace-all') ? 'convex import --replace replaces the documents of the deployment\'s tables' : null;
  }
  return null;
}

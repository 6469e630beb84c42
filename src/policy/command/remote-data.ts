/**
 * Data in clouds and database servers, outside the repository, that the commonest command-line
 * clients delete in one line: a bucket's objects (`aws s3 rm --recursive`, `gsutil rm -r`, `gcloud
 * storage rm -r`, `aws s3 sync --delete` into a bucket), whole projects and resource groups
 * (`gcloud projects delete`, `az group delete`), managed databases and their hosts' apps (`aws rds
 * delete-db-instance`, `heroku pg:reset`, `fly apps destroy`, `supabase db reset --linked`,
 * `firebase firestore:delete`), a database server's databases (`dropdb`, `DROP DATABASE|SCHEMA|
 * TABLE` and `TRUNCATE` in `psql -c` / `mysql -e`, `redis-cli flushall`, `mongosh --eval
 * 'db.dropDatabase()'`) and `npm unpublish`. Until 2026-12-06 each was "no destructive command
 * found". No snapshot holds any of it, so by the axis (docs/command-guard.md) each is refused for
 * an agent and asked of a person (`remote-data-delete`), as `docker compose down -v`
 * (container-volumes.ts) and `kubectl delete pvc` (cluster.ts) are.
 *
 * Read from the words typed, per client, as a list of subcommand sequences: what a client's other
 * subcommands delete (hundreds of `aws ... delete-*`) is not judged, and a SQL file run with `psql
 * -f` is not read (Known limits). Local development resets that rebuild from the repository stay
 * free: `supabase db reset` of the local stack, `rails db:reset` (databases.ts captures a file).
 */
import type { Field } from './expand.js';
import { makeVerdict } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';

/** Programs this module judges (commands.ts sends them here; npm from its package manager case). */
export const REMOTE_DATA_PROGRAMS = new Set(['aws', 'gsutil', 'gcloud', 'az', 'firebase', 'heroku', 'fly', 'flyctl', 'supabase', 'dropdb', 'psql', 'mysql', 'mariadb', 'redis-cli', 'mongosh', 'mongo']);

/** `aws SERVICE VERB` that delete data or what holds it (aws-cli v2's own names). */
const AWS_DELETES: Readonly<Record<string, readonly string[]>> = {
  s3api: ['delete-bucket', 'delete-objects'],
  rds: ['delete-db-instance', 'delete-db-cluster', 'delete-db-snapshot', 'delete-db-cluster-snapshot'],
  dynamodb: ['delete-table', 'delete-backup'],
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
  gcloud: [['projects', 'delete'], ['storage', 'buckets', 'delete'], ['sql', 'instances', 'delete'], ['sql', 'databases', 'delete'], ['compute', 'instances', 'delete'], ['compute', 'disks', 'delete'], ['firestore', 'databases', 'delete'], ['container', 'clusters', 'delete'], ['spanner', 'instances', 'delete']],
  az: [['group', 'delete'], ['storage', 'account', 'delete'], ['storage', 'container', 'delete'], ['storage', 'blob', 'delete-batch'], ['sql', 'db', 'delete'], ['sql', 'server', 'delete'], ['cosmosdb', 'delete'], ['vm', 'delete'], ['aks', 'delete']],
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

/** The values of `-c`/`--command` (psql), `-e`/`--execute` (mysql), `--eval` (mongosh), joined. */
function inlineText(words: string[], names: readonly string[]): string {
  const texts: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const long = names.find((n) => n.startsWith('--') && word.startsWith(`${n}=`));
    if (long) texts.push(word.slice(long.length + 1));
    else if (names.includes(word)) texts.push(words[i + 1] ?? '');
    else {
      const short = names.find((n) => /^-[a-zA-Z]$/.test(n) && word.startsWith(n) && word.length > 2);
      if (short) texts.push(word.slice(2));
    }
  }
  return texts.join('\n');
}

const SQL_DESTROY = /\b(?:drop\s+(?:database|schema|table)|truncate)\b/i;

/** What the line deletes, as said in the refusal, or null. */
export function remoteDataDeleted(program: string, args: Field[]): string | null {
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
      return SQL_DESTROY.test(inlineText(words, ['-c', '--command'])) ? 'psql -c runs DROP or TRUNCATE, deleting rows the database server holds' : null;
    case 'mysql':
      return SQL_DESTROY.test(inlineText(words, ['-e', '--execute'])) ? `${program} -e runs DROP or TRUNCATE, deleting rows the database server holds` : null;
    case 'redis-cli': {
      const verb = ops.find((w) => /^flush(?:all|db)$/i.test(w));
      return verb ? `redis-cli ${verb} deletes every key` : null;
    }
    case 'mongosh':
      return /\.drop(?:Database)?\s*\(/.test(inlineText(words, ['--eval'])) ? `${program} --eval drops a database or collection` : null;
  }
  const sequence = (SEQUENCES[name] ?? []).find((s) => hasSequence(ops, s));
  return sequence ? `${program} ${sequence.join(' ')} deletes data outside the repository` : null;
}

/** Refuses (an agent) or asks about (a person) a line that deletes data in a cloud or a database server. */
export function classifyRemoteData(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const what = remoteDataDeleted(program, args);
  if (what === null) return;
  rt.report(makeVerdict(rt.ctx.isAgent ? 'deny' : 'ask', 'remote-data-delete', `${what}, outside the repository, where no snapshot holds it`, inv.source));
}

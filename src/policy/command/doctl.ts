/**
 * DigitalOcean's `doctl`: the subcommands that delete data or what holds it, read for
 * remote-data.ts (rule `remote-data-delete`, as gcloud's `sql instances delete` and `container
 * clusters delete` are). A per-resource cloud CLI, not a whole-environment tool, so it is judged
 * beside gcloud and az rather than in infra-destroy.ts (DECISIONS.md, "Whole-environment
 * deletes"). Matched by position, not as a loose sequence: `doctl databases pool delete` (a
 * connection pool) and `doctl databases user delete` hold no data and stay free. Aliases as doctl
 * registers them (`rm`, `d`; `k8s`, `db`); `--help` is free.
 */
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';

/** doctl's global options that take their value as the next word. */
const GLOBAL_VALUE_OPTIONS = ['-t', '--access-token', '-u', '--api-url', '-c', '--config', '--context', '-o', '--output', '--format'];

const DELETE = new Set(['delete', 'rm', 'd']);

/** What `doctl ...` deletes, as the refusal says it, or null. */
export function doctlDeleted(args: Field[]): string | null {
  const values = args.map((a) => a.value);
  if (values.some((v) => v === '-h' || v === '--help' || v === 'help')) return null;
  const [a = '', b = '', c = ''] = operandWords(args, GLOBAL_VALUE_OPTIONS);
  const verb = (w: string): boolean => DELETE.has(w);
  if (['databases', 'database', 'db', 'dbs'].includes(a)) {
    if (verb(b)) return 'doctl databases delete deletes a managed database cluster and its rows';
    if (b === 'db' && verb(c)) return 'doctl databases db delete deletes a database and its rows';
    return null;
  }
  if (['kubernetes', 'k8s', 'k'].includes(a) && ['cluster', 'clusters', 'c'].includes(b) && verb(c)) return 'doctl kubernetes cluster delete deletes the cluster and what it holds (with --dangerous its volumes too)';
  if (a === 'compute' && ['volume', 'v'].includes(b) && verb(c)) return 'doctl compute volume delete deletes a block storage volume and its files';
  if (a === 'compute' && ['droplet', 'd'].includes(b) && verb(c)) return 'doctl compute droplet delete deletes a Droplet and its disk';
  if (['apps', 'app', 'a'].includes(a) && verb(b)) return 'doctl apps delete deletes an App Platform app (its dev database with it)';
  return null;
}

/**
 * `pulumi up --yes` (and `-y`, `--skip-preview`, PULUMI_SKIP_CONFIRMATIONS, `pulumi watch`) and
 * `pulumi up --plan FILE`. Until 2026-12-07 every `pulumi up` was free unless `--replace URN`
 * named a resource (infra-destroy.ts): `pulumi up --yes` after a database's block was deleted from
 * the program deleted the database with "no destructive command found".
 *
 * A Pulumi program is code (TypeScript, Python, Go ...): what `up` deletes or replaces is known
 * only by running it, which guard does not do. Without `--yes` (or `--skip-preview`) `pulumi up`
 * shows the preview and asks, and in an agent's shell (no terminal) it stops with "--yes must be
 * passed in to proceed when running in non-interactive mode": nothing changes. With it, the update
 * runs whatever the program now says: refused for an agent (asked of a person), with the way
 * forward guard can read: save the preview as an update plan (`pulumi preview
 * --save-plan=plan.json`, its own command) and apply that plan (`pulumi up --plan=plan.json
 * --yes`), which Pulumi constrains to the planned operations (an operation the plan lacks stops
 * the update: Pulumi's "Update plans").
 *
 * The plan is JSON (apitype.DeploymentPlanV1, written by `preview --save-plan`): `resourcePlans`
 * maps each URN to its planned `steps` (OpType: `same`, `create`, `update`, `delete`, `replace`,
 * `create-replacement`, `delete-replaced` ...). A plan guard read whole, none of whose steps
 * deletes or replaces a resource that may hold data (Pulumi's value-only types stay free, as for
 * `--replace`), is free; one that does is infra-destroy; one guard cannot read (not JSON, over the
 * read limit, a step it does not know, none there yet, or written by the same line first) is a
 * plan guard cannot see: refused for an agent, asked of a person. A misread can only refuse.
 */
import path from 'node:path';
import { fileKeys, type Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { makeVerdict, opaqueKind, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import { PULUMI_VALUE_OPTIONS } from './pulumi-state.js';
import { flagValues } from './terraform-apply.js';

/** Pulumi type tokens that only compute values: replacing them loses nothing (Terraform's: terraform-apply.ts). */
export const VALUE_ONLY_PULUMI = /^(?:random|command|time|tls|local|pulumi):/;

/** The steps of an update plan that delete a resource (or replace it: the old one goes). */
const DESTROYING_STEPS = new Set(['delete', 'replace', 'create-replacement', 'delete-replaced', 'import-replacement', 'discard-replaced']);
/** The steps that leave every resource's data where it is. */
const KEEPING_STEPS = new Set(['same', 'create', 'update', 'read', 'read-replacement', 'refresh', 'discard', 'import', 'remove-pending-replace']);

/** The type token of a Pulumi URN (`urn:pulumi:dev::app::aws:rds/instance:Instance::db`; a parent's type first, `$`-joined). */
export function pulumiType(urn: string): string | null {
  const parts = urn.split('::');
  return parts.length >= 4 ? ((parts.at(-2) as string).split('$').at(-1) as string) : null;
}

/** What an update plan destroys (the URNs whose steps delete or replace), or why guard cannot read it. */
export function readPulumiPlan(text: string): { destroys: string[] } | { unreadable: string } {
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch {
    return { unreadable: 'not JSON' };
  }
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return { unreadable: 'not an update plan' };
  const resources = (plan as Record<string, unknown>)['resourcePlans'];
  if (resources === undefined) return { destroys: [] }; // a plan with nothing to do (omitempty)
  if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) return { unreadable: 'resourcePlans is not a map' };
  const destroys: string[] = [];
  for (const [urn, entry] of Object.entries(resources)) {
    const steps = (entry as Record<string, unknown> | null)?.['steps'] ?? [];
    if (!Array.isArray(steps)) return { unreadable: `the steps of ${urn} are not a list` };
    for (const step of steps) {
      if (typeof step !== 'string' || (!DESTROYING_STEPS.has(step) && !KEEPING_STEPS.has(step))) return { unreadable: `a step guard does not know (${JSON.stringify(step)})` };
      if (DESTROYING_STEPS.has(step)) {
        destroys.push(urn);
        break;
      }
    }
  }
  return { destroys };
}

/** `pulumi up|update|watch` with the confirmation skipped: the words that skip it, or null. */
function confirmationSkipped(inv: Invocation, values: string[]): string | null {
  const flag = values.find((v) => /^(?:-y|--yes(?:=true)?|-f|--skip-preview(?:=true)?)$/.test(v));
  if (flag !== undefined) return flag;
  const env = inv.env.get('PULUMI_SKIP_CONFIRMATIONS');
  if (env === null || (env !== undefined && /^(?:1|true)$/i.test(env))) return 'PULUMI_SKIP_CONFIRMATIONS';
  return null;
}

/** The plans `pulumi preview --save-plan FILE` writes on a line, by key: an `up --plan FILE` after it cannot read it. */
const savedPlans = new WeakMap<Map<string, string>, Set<string>>();

/**
 * Judges `pulumi up --yes` and `pulumi up --plan FILE` (module doc); notes the plan a `pulumi
 * preview --save-plan FILE` of the line writes. `--replace URN` is judged before (infra-destroy.ts).
 */
export function classifyPulumiUp(inv: Invocation, args: Field[], rt: Runtime): void {
  const values = args.map((a) => a.value).filter((v): v is string => v !== null);
  if (values.some((v) => /^(?:-h|--help|--preview-only(?:=true)?)$/.test(v))) return;
  const [first = ''] = operandWords(args, PULUMI_VALUE_OPTIONS);
  const dir = inv.cwd === null ? null : path.posix.resolve(inv.cwd, flagValues(values, ['-C', '--cwd']).at(-1) ?? '.');
  if (first === 'preview' || first === 'pre') {
    for (const file of flagValues(values, ['--save-plan'])) {
      if (file === '' || dir === null) continue;
      let saved = savedPlans.get(inv.state.written);
      if (!saved) savedPlans.set(inv.state.written, (saved = new Set()));
      for (const key of fileKeys(path.posix.resolve(dir, file), [dir])) saved.add(key);
    }
    return;
  }
  if (!['up', 'update', 'watch'].includes(first)) return;
  const plans = flagValues(values, ['--plan']);
  const unknownPlan = args.some((a, i) => a.value === null && (args[i - 1]?.value === '--plan' || a.display.startsWith('--plan=')));
  const words = `pulumi ${first}`;
  const forward = 'Save the preview as an update plan with its own command (`pulumi preview --save-plan=plan.json`), then apply that plan (`pulumi up --plan=plan.json --yes`), which guard reads and Pulumi keeps the update to; or ask the person to run it.';
  const unseen = (why: string): void => rt.report(makeVerdict(opaqueKind(rt.ctx.isAgent), 'opaque-command', why, inv.source, forward));
  if (first !== 'watch' && (plans.length > 0 || unknownPlan)) {
    const file = plans.at(-1);
    if (unknownPlan || file === undefined || file === '' || dir === null) return unseen(`${words} --plan applies an update plan guard cannot name, so what it deletes or replaces is not known`);
    const abs = path.posix.resolve(dir, file);
    const applies = `${words} --plan ${file}`;
    if (fileKeys(abs, [dir]).some((key) => savedPlans.get(inv.state.written)?.has(key) || inv.state.written.has(key))) return unseen(`${applies} applies a plan the same line writes first (its preview runs the program), so what it deletes or replaces is not known`);
    const view = rt.ctx.view;
    if (!view || view.mode === 'text') return unseen(`${applies}: guard cannot read the plan here, so what it deletes or replaces is not known`);
    const found = view.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
    if (found === undefined) return; // collecting: read before the next pass
    if (found === 'missing') return unseen(`${applies}: there is no such plan file yet, so what it deletes or replaces is not known`);
    if (found === null) return unseen(`${applies}: the plan is over the size guard reads, or unreadable, so what it deletes or replaces is not known`);
    const read = readPulumiPlan(found.text);
    if ('unreadable' in read) return unseen(`${applies}: guard cannot read the plan (${read.unreadable}), so what it deletes or replaces is not known`);
    const held = read.destroys.filter((urn) => !VALUE_ONLY_PULUMI.test(pulumiType(urn) ?? ''));
    if (held.length === 0) return;
    const shown = held.length > 3 ? `${held.slice(0, 3).join(', ')} and ${held.length - 3} more` : held.join(', ');
    rt.report(makeVerdict(
      unrecoverableKind(rt.ctx.isAgent),
      'infra-destroy',
      `${applies} applies an update plan that deletes or replaces ${shown}, outside the repository, where no snapshot holds them; replaced, a database, bucket or disk comes back empty`,
      inv.source,
      'Back the data up (a database snapshot, `pg_dump`, `aws s3 sync s3://BUCKET ./backup`), then ask the person to apply the plan; to keep the resource, change the program so the preview plans no delete or replace.',
    ));
    return;
  }
  const skipped = first === 'watch' ? 'watch' : confirmationSkipped(inv, values);
  if (skipped === null) return; // Pulumi shows the preview and asks (with no terminal it stops)
  unseen(`${words}${skipped === 'watch' || skipped === 'PULUMI_SKIP_CONFIRMATIONS' ? '' : ` ${skipped}`} updates the stack with no prompt${skipped === 'PULUMI_SKIP_CONFIRMATIONS' ? ' (PULUMI_SKIP_CONFIRMATIONS)' : ''}, and what it deletes or replaces (a resource the program no longer declares, one a changed property replaces) is known only by running the program, which guard does not`);
}

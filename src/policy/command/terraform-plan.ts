/**
 * `terraform apply PLANFILE` / `tofu apply PLANFILE`: a saved plan is applied at once, with no
 * prompt, so what it destroys is the plan's, not the configuration's. Until 2026-12-07 such a line
 * was free: `terraform plan -destroy -out=tfplan` then `terraform apply tfplan` destroyed every
 * resource with "no destructive command found".
 *
 * The plan file is a zip; its `tfplan` entry is Terraform's protobuf Plan message
 * (internal/plans/planproto/planfile.proto, format version 3). Guard reads only what decides the
 * verdict, with no terraform process: the format version (1), the planning mode (ui_mode, 17:
 * DESTROY = 1), and each resource change (resource_changes, 3) by its address (13) and its
 * change's action (9 -> 1: DELETE = 5, DELETE_THEN_CREATE = 6, CREATE_THEN_DELETE = 7). The format
 * is private API, so the reading is one-sided: a plan whose every change guard read and none of
 * which destroys a resource that may hold data (VALUE_ONLY_TERRAFORM stays free, as for
 * `-replace`) is free; one that destroys is refused for an agent (infra-destroy, asked of a
 * person) naming what goes; anything guard cannot read (another format version, not a zip, an
 * OpenTofu plan encrypted, over the read limit, a plan file another program of the line writes first, none
 * there yet) is a plan guard cannot see: refused for an agent, asked of a person, with the way
 * forward (make the plan as its own command, show it, or apply without the plan file so guard
 * reads the configuration). A misread can only refuse, never allow: an unknown wire type, a field
 * that runs past its message, a second copy of the entry, all read as "cannot read". A plan the
 * same line makes (`terraform plan -out=tfplan && terraform apply tfplan`) is judged as that plan
 * applied (judgeLinePlan).
 */
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { escapedBytes } from '../../util/escaped-text.js';
import { fileKeys, noteWritten, type Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { classifyApplyRemovals, flagValues, VALUE_ONLY_TERRAFORM } from './terraform-apply.js';
import { TERRAFORM_VALUE_OPTIONS } from './terraform-state.js';
import { makeVerdict, opaqueKind, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';

/** The tfplan format version guard reads (planfile.go tfplanFormatVersion). */
const TFPLAN_FORMAT_VERSION = 3;
/** Bytes of a plan's `tfplan` entry guard inflates, at most (a plan of thousands of resources is a few MB). */
const TFPLAN_LIMIT = 16 * 1024 * 1024;

/** What a plan file holds, as far as the verdict needs it. */
export type PlanRead = { destroyMode: boolean; changes: number; destroys: Array<{ address: string; type: string | null }> } | { unreadable: string };

class Unreadable extends Error {}

function u16(b: Buffer, at: number): number {
  if (at + 2 > b.length) throw new Unreadable('truncated zip');
  return b.readUInt16LE(at);
}

function u32(b: Buffer, at: number): number {
  if (at + 4 > b.length) throw new Unreadable('truncated zip');
  return b.readUInt32LE(at);
}

/** The bytes of the zip entry `name`, or null where there is none. */
export function zipEntry(zip: Buffer, name: string, limit: number): Buffer | null {
  // End of central directory: 22 bytes, then a comment of up to 65535.
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 65535); at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new Unreadable('not a zip file');
  const count = u16(zip, end + 10);
  let at = u32(zip, end + 16);
  let found: Buffer | null = null;
  for (let i = 0; i < count; i++) {
    if (u32(zip, at) !== 0x02014b50) throw new Unreadable('a damaged zip directory');
    const method = u16(zip, at + 10);
    const compressed = u32(zip, at + 20);
    const size = u32(zip, at + 24);
    const nameLength = u16(zip, at + 28);
    const next = at + 46 + nameLength + u16(zip, at + 30) + u16(zip, at + 32);
    const entryName = zip.subarray(at + 46, at + 46 + nameLength).toString('latin1');
    const local = u32(zip, at + 42);
    at = next;
    if (entryName !== name) continue;
    if (found !== null) throw new Unreadable(`two ${name} entries`);
    if (compressed === 0xffffffff || size === 0xffffffff || size > limit) throw new Unreadable(`a ${name} entry larger than guard reads`);
    if (u32(zip, local) !== 0x04034b50) throw new Unreadable('a damaged zip entry');
    const start = local + 30 + u16(zip, local + 26) + u16(zip, local + 28);
    if (start + compressed > zip.length) throw new Unreadable('truncated zip');
    const data = zip.subarray(start, start + compressed);
    let bytes: Buffer;
    if (method === 0) bytes = data;
    else if (method === 8) {
      try {
        bytes = inflateRawSync(data, { maxOutputLength: limit });
      } catch {
        throw new Unreadable(`a ${name} entry that does not inflate`);
      }
    } else throw new Unreadable(`a ${name} entry compressed with method ${method}`);
    if (bytes.length !== size) throw new Unreadable(`a ${name} entry of another size than its directory says`);
    found = bytes;
  }
  return found;
}

type ProtoField = { no: number; varint: number | null; bytes: Buffer | null };

/** The fields of one protobuf message (wire types 0, 1, 2, 5; a group or anything past the end: Unreadable). */
function protoFields(b: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= b.length) throw new Unreadable('a truncated protobuf field');
      const byte = b[at++] as number;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Unreadable('a protobuf varint over ten bytes');
  };
  while (at < b.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ no, varint: varint(), bytes: null });
    else if (wire === 2) {
      const length = varint();
      if (at + length > b.length) throw new Unreadable('a protobuf field past its message');
      out.push({ no, varint: null, bytes: b.subarray(at, at + length) });
      at += length;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      if (at > b.length) throw new Unreadable('a truncated protobuf field');
    } else throw new Unreadable(`protobuf wire type ${wire}`);
  }
  return out;
}

/** The type of a resource instance address (`module.db.aws_db_instance.main[0]` -> aws_db_instance); null for a data source or a form guard does not read. */
function addressType(address: string): string | null {
  const parts = address.replace(/\[(?:"[^"]*"|[^\]]*)\]/g, '').split('.');
  let at = 0;
  while (parts[at] === 'module') at += 2;
  return parts.length - at === 2 && parts[at] !== 'data' ? (parts[at] as string) : null;
}

/** What the plan file's bytes say it destroys (module doc). */
export function readPlan(zip: Buffer): PlanRead {
  try {
    const tfplan = zipEntry(zip, 'tfplan', TFPLAN_LIMIT);
    if (tfplan === null) return { unreadable: 'no tfplan entry in it' };
    const plan = protoFields(tfplan);
    const version = plan.filter((f) => f.no === 1);
    if (version.length !== 1 || version[0]?.varint !== TFPLAN_FORMAT_VERSION) return { unreadable: `a plan format other than version ${TFPLAN_FORMAT_VERSION}` };
    const destroyMode = plan.some((f) => f.no === 17 && f.varint === 1);
    const destroys: Array<{ address: string; type: string | null }> = [];
    let changes = 0;
    for (const field of plan) {
      if (field.no !== 3) continue;
      if (field.bytes === null) throw new Unreadable('a resource change that is no message');
      const change = protoFields(field.bytes);
      const address = change.find((f) => f.no === 13)?.bytes?.toString('utf8');
      const body = change.filter((f) => f.no === 9);
      if (address === undefined || body.length > 1 || (body[0] && body[0].bytes === null)) throw new Unreadable('a resource change guard does not read');
      const action = body[0]?.bytes ? (protoFields(body[0].bytes).find((f) => f.no === 1)?.varint ?? 0) : 0;
      changes++;
      if (action !== 5 && action !== 6 && action !== 7) continue;
      const deposed = change.some((f) => f.no === 7 && f.bytes !== null && f.bytes.length > 0);
      destroys.push({ address: address + (deposed ? ' (deposed)' : ''), type: addressType(address) });
    }
    return { destroyMode, changes, destroys };
  } catch (error) {
    if (error instanceof Unreadable) return { unreadable: error.message };
    throw error;
  }
}

/** The plans a line makes (`terraform plan -out=FILE`), by the written file's key: for an `apply FILE` later on the line. */
const madePlans = new WeakMap<Map<string, string>, Map<string, { program: string; args: Field[]; cwd: string }>>();

/**
 * `apply FILE` of a plan the same line makes: a destroy plan (`plan -destroy`) is infra-destroy
 * as `terraform destroy` is; any other plan is judged as `apply -auto-approve` with the plan's own
 * options (`-target`, `-replace`, `-var` ...: what it destroys is read from the configuration and
 * the state, terraform-apply.ts), in the directory the plan was made in.
 */
function judgeLinePlan(inv: Invocation, made: { program: string; args: Field[]; cwd: string }, applies: string, rt: Runtime): void {
  const values = made.args.map((a) => a.value as string);
  if (values.some((v) => /^--?destroy(?:=true)?$/.test(v))) {
    rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'infra-destroy', `${applies} applies the destroy plan the same line makes (\`${made.program} plan -destroy\`), which deletes the stack's cloud resources and the data they hold, outside the repository, where no snapshot holds them`, inv.source));
    return;
  }
  const at = made.args.findIndex((a) => a.value === 'plan');
  const out = new Set(['-out', '--out']);
  const rest = made.args.slice(at + 1).filter((a, i, all) => !out.has(a.value as string) && !out.has(all[i - 1]?.value as string) && !/^--?out=/.test(a.value as string));
  const word = (value: string): Field => ({ ...made.args[at]!, value, display: value });
  classifyApplyRemovals({ ...inv, cwd: made.cwd }, made.program, [...made.args.slice(0, at), word('apply'), word('-auto-approve'), ...rest], rt);
}

/**
 * `terraform|tofu plan -out=FILE` notes that the line writes FILE (so a later `apply FILE` of the
 * line knows the file on disk is not what it applies); `apply PLANFILE` is judged by the plan
 * (classifyApplyPlan) and true returned. False for every other line (judged elsewhere).
 */
export function classifySavedPlan(inv: Invocation, program: string, args: Field[], rt: Runtime): boolean {
  if (program !== 'terraform' && program !== 'tofu') return false;
  const unseen = unseenPlanWord(args);
  if (unseen !== null) {
    // `terraform apply "$PLAN"`: a word guard cannot see where the plan file goes
    rt.report(makeVerdict(opaqueKind(rt.ctx.isAgent), 'opaque-command', `${program} apply ${unseen}: guard cannot see the word, which may name a saved plan that applies with no prompt, so what it destroys is not known`, inv.source, `Name the plan file on the line (\`${program} apply tfplan\`), so guard reads what it destroys; or show it (\`${program} show tfplan\`) and let the person apply it.`));
    return true;
  }
  if (inv.cwd === null || args.some((a) => a.value === null)) return false;
  const values = args.map((a) => a.value as string);
  const words = operandWords(args, TERRAFORM_VALUE_OPTIONS);
  const dir = path.posix.resolve(inv.cwd, flagValues(values, ['-chdir', '--chdir']).at(-1) ?? '.');
  if (words[0] === 'plan') {
    for (const out of flagValues(values, ['-out', '--out'])) {
      if (out === '') continue;
      const abs = path.posix.resolve(dir, out);
      noteWritten(inv.state, abs, `${program} plan`);
      let made = madePlans.get(inv.state.written);
      if (!made) madePlans.set(inv.state.written, (made = new Map()));
      for (const key of fileKeys(abs, [dir])) made.set(key, { program, args, cwd: inv.cwd });
    }
    return false;
  }
  if (words[0] !== 'apply' || words.length !== 2) return false;
  classifyApplyPlan(inv, program, words[1] as string, dir, rt);
  return true;
}

/**
 * The word of `terraform|tofu apply WORD` guard cannot see (`"$PLAN"`, `$PLANFILE`), as typed, or
 * null: a word after `apply` that is neither an option (its text starts with `-`: `-var="x=$Y"`)
 * nor the value of one (`-var "$V"`). Terraform's only operand of apply is a saved plan (a
 * directory operand was removed in 0.15), applied with no prompt; an unquoted word that may
 * split into options only (`$TF_ARGS`) is taken as one too, as guard cannot tell.
 */
function unseenPlanWord(args: Field[]): string | null {
  let command: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as Field;
    const text = arg.value ?? arg.display;
    if (text.startsWith('-')) {
      // a spaced value (`-var x=1`); `-var=x` holds its own
      if (arg.value !== null && TERRAFORM_VALUE_OPTIONS.includes(arg.value)) i++;
      continue;
    }
    if (command === null) {
      if (arg.value === null) return null; // the subcommand itself unknown: not an apply guard can name
      command = arg.value;
      if (command !== 'apply') return null;
      continue;
    }
    if (arg.value === null) return arg.display;
  }
  return null;
}

/**
 * Judges `terraform|tofu apply PLANFILE` (values: the known words of the line; dir: where
 * terraform runs, after -chdir) by what the plan destroys (module doc).
 */
export function classifyApplyPlan(inv: Invocation, program: string, file: string, dir: string, rt: Runtime): void {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text') return;
  const abs = path.posix.resolve(dir, file);
  const applies = `${program} apply ${file}`;
  const forward = `Make the plan as its own command first (\`${program} plan -out=${file}\`), so guard reads what it destroys; or show it (\`${program} show ${file}\`) and let the person apply it; or apply without the plan file (\`${program} apply -auto-approve\`), which guard judges from the configuration and the state.`;
  const unseen = (why: string): void => rt.report(makeVerdict(opaqueKind(rt.ctx.isAgent), 'opaque-command', `${applies} applies a saved plan with no prompt, and guard cannot read the plan (${why}), so what it destroys is not known`, inv.source, forward));
  const keys = fileKeys(abs, [dir]);
  if (keys.some((key) => inv.state.written.has(key))) {
    // `terraform plan -out=tfplan && terraform apply tfplan`: the plan is the one the line makes
    // from the configuration now, so the apply is judged as that plan would be applied.
    const made = keys.map((key) => madePlans.get(inv.state.written)?.get(key)).find((m) => m !== undefined);
    if (made === undefined || made.program !== program) return unseen('the same line writes it first');
    return judgeLinePlan(inv, made, applies, rt);
  }
  const found = view.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
  if (found === undefined) return; // collecting: read before the next pass
  if (found === 'missing') return unseen('there is no such file yet');
  if (found === null) return unseen('a file over the size guard reads, or unreadable');
  const read = readPlan(Buffer.from(escapedBytes(found.text)));
  if ('unreadable' in read) return unseen(read.unreadable);
  // a value-only type (random_id, terraform_data) loses nothing, as for -replace (infra-destroy.ts)
  const destroys = read.destroys.filter((d) => d.type === null || !VALUE_ONLY_TERRAFORM.test(d.type)).map((d) => d.address);
  if (destroys.length === 0) return;
  const shown = destroys.length > 3 ? `${destroys.slice(0, 3).join(', ')} and ${destroys.length - 3} more` : destroys.join(', ');
  rt.report(
    makeVerdict(
      unrecoverableKind(rt.ctx.isAgent),
      'infra-destroy',
      `${applies} applies a saved ${read.destroyMode ? 'destroy plan' : 'plan'} that destroys ${shown}, outside the repository, where no snapshot holds them`,
      inv.source,
      `Show the plan (\`${program} show ${file}\`), back the data up (a database snapshot, \`pg_dump\`, \`aws s3 sync s3://BUCKET ./backup\`), then ask the person to apply it.`,
    ),
  );
}

/**
 * Archives extracted over a directory (`tar xf x.tar`, `tar -xzf x.tgz -C out`, `unzip -o
 * x.zip`): each member replaces the file of its name there, and guard does not list a tar's members
 * (that would read the whole archive before the command). So an extraction into an existing
 * directory of the repository that holds ignored files (not regenerable output) captures all of
 * them first, or is denied over the capture limits (overlay.ts); a zip's members are read from its
 * central directory (src/util/zip-members.ts), so only what they replace counts. Where nothing is replaced there
 * is nothing to do: `-k`/`--skip-old-files`, `unzip -n`, listing, testing, writing to stdout, or a
 * directory outside the repository, new, empty or holding only regenerable output.
 */
import type { Field } from './expand.js';
import { checkOverlay } from './overlay.js';
import { judgeOutputFile } from './output-files.js';
import { resolvePath } from './paths.js';
import { reportOpaque, type Invocation, type Runtime } from './runtime.js';

/** GNU tar's short options that take a value (the next word, or the rest of the cluster). */
const TAR_VALUE_LETTERS = 'bCfFgHIKLNTVX';
/** Long options that take a value (as the next word when not written with `=`). */
const TAR_VALUE_LONGS = ['--file', '--directory', '--files-from', '--exclude-from', '--use-compress-program', '--to-command', '--info-script', '--new-volume-script', '--rsh-command', '--blocking-factor', '--listed-incremental', '--starting-file', '--newer', '--after-date', '--volno-file', '--label', '--exclude', '--owner', '--group', '--mode', '--record-size', '--checkpoint-action', '--transform', '--xform', '--format', '--tape-length'];

interface TarCall {
  extracts: boolean;
  /** Existing files are kept (-k, --keep-old-files, --skip-old-files) or nothing is written to disk (-O). */
  keeps: boolean;
  /** The -C / --directory values, in order. */
  dirs: Field[];
  /** -c / --create: the archive (-f / --file) is written anew, replacing what is there. */
  creates: boolean;
  /** The -f / --file values, in order. */
  files: Field[];
}

function readTar(args: Field[]): TarCall | null {
  const call: TarCall = { extracts: false, keeps: false, dirs: [], creates: false, files: [] };
  const letters = (cluster: string, values: Field[]): boolean => {
    // Letters up to the first that takes a value; that one takes the rest or the next word.
    let next = 0;
    for (let j = 0; j < cluster.length; j++) {
      const letter = cluster[j] as string;
      if (letter === 'x') call.extracts = true;
      if (letter === 'k' || letter === 'O') call.keeps = true;
      if (letter === 'c') call.creates = true;
      if (TAR_VALUE_LETTERS.includes(letter)) {
        const value = values[next++];
        if (letter === 'C') {
          if (!value) return false;
          call.dirs.push(value);
        }
        if (letter === 'f' && value) call.files.push(value);
      }
    }
    return true;
  };
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === null) continue;
    if (i === 0 && !value.startsWith('-')) {
      // The old style: `tar xzfC x.tgz out`, the values following in the order of their letters.
      const wanted = [...value].filter((l) => TAR_VALUE_LETTERS.includes(l)).length;
      if (!letters(value, args.slice(1, 1 + wanted))) return null;
      i += wanted;
      continue;
    }
    if (value === '--') break;
    if (value.startsWith('--')) {
      const [name, inline] = value.includes('=') ? [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)] : [value, null];
      if (name === '--extract' || name === '--get') call.extracts = true;
      if (name === '--create') call.creates = true;
      if (['--keep-old-files', '--skip-old-files', '--to-stdout'].includes(name)) call.keeps = true;
      if (inline === null && TAR_VALUE_LONGS.includes(name)) i++;
      if (name === '--directory') {
        const dir = inline === null ? args[i] : { ...field, value: inline, display: inline };
        if (!dir) return null;
        call.dirs.push(dir);
      }
      if (name === '--file') {
        const file = inline === null ? args[i] : { ...field, value: inline, display: inline };
        if (file) call.files.push(file);
      }
      continue;
    }
    if (value.startsWith('-') && value.length > 1) {
      const cluster = value.slice(1);
      const at = [...cluster].findIndex((l) => TAR_VALUE_LETTERS.includes(l));
      if (at !== -1 && at < cluster.length - 1) {
        // `-Cdir`, `-xfx.tar`: the value is the rest of the word.
        if (!letters(cluster.slice(0, at), [])) return null;
        if (cluster[at] === 'C') call.dirs.push({ ...field, value: cluster.slice(at + 1), display: cluster.slice(at + 1) });
        if (cluster[at] === 'f') call.files.push({ ...field, value: cluster.slice(at + 1), display: cluster.slice(at + 1) });
        continue;
      }
      if (!letters(cluster, at === -1 ? [] : [args[i + 1] as Field])) return null;
      if (at !== -1) i++;
    }
  }
  return call;
}

/**
 * `tar -x`: judged where it extracts (each -C directory, or where it runs). `tar -c -f FILE`:
 * FILE is replaced (relative to where tar starts: -C only moves the members), judged as `> FILE`.
 */
export function checkTarExtraction(inv: Invocation, args: Field[], rt: Runtime, name: string): void {
  const call = readTar(args);
  if (call?.creates) for (const file of call.files) judgeOutputFile(file, inv.cwd, rt, inv.source, `${name} -c writes ${file.display}`);
  if (!call || !call.extracts || call.keeps) return;
  extractInto(inv, rt, call.dirs.length > 0 ? call.dirs : null, `${name} extracts an archive`);
}

/** `unzip`: extracts unless it lists, tests, prints or never overwrites (-l -t -v -p -c -z -Z -n). */
export function classifyUnzip(inv: Invocation, args: Field[], rt: Runtime): void {
  const dirs: Field[] = [];
  // The archive: the first operand. Its members are read (overlay.ts) unless -j junks their directories.
  let archive: Field | null | undefined;
  let junk = false;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined || !value.startsWith('-') || value === '-') {
      if (archive === undefined) archive = value === null || value === undefined || args[i]?.glob ? null : (args[i] as Field);
      continue;
    }
    if (value === '-x') break; // what follows are member names to leave out
    const letters = value.slice(1);
    if (/^[PIO]$/.test(letters)) {
      i++; // a password or a character set
      continue;
    }
    if (letters.replace(/d.*$/, '').includes('j')) junk = true;
    if (/^-?(help|version)$/.test(letters)) return;
    if (/[ltvpczZn]/.test(letters.replace(/d.*$/, ''))) return;
    const d = letters.indexOf('d');
    if (d === -1) continue;
    const rest = letters.slice(d + 1);
    const dir = rest !== '' ? { ...(args[i] as Field), value: rest, display: rest } : args[++i];
    if (dir) dirs.push(dir);
  }
  const zip = archive && !junk ? resolvePath(archive.value, inv.cwd) : null;
  extractInto(inv, rt, dirs.length > 0 ? dirs : null, 'unzip extracts an archive', zip ?? undefined);
}

function extractInto(inv: Invocation, rt: Runtime, dirs: Field[] | null, what: string, zip?: string): void {
  for (const dir of dirs ?? [null]) {
    if (dir && (dir.value === null || dir.glob)) {
      reportOpaque(rt, `${what} into ${dir.display}, a directory guard cannot know before the command runs`, inv.source);
      continue;
    }
    const abs = dir ? resolvePath(dir.value, inv.cwd) : inv.cwd;
    if (abs === null) {
      reportOpaque(rt, `${what} in a directory guard cannot determine`, inv.source);
      continue;
    }
    const verdict = checkOverlay({ from: null, dest: abs, name: null, what: dir ? `${what} into ${dir.display}` : what, ...(zip !== undefined ? { zip } : {}) }, rt.ctx, inv.source);
    if (verdict) rt.report(verdict);
  }
}

/**
 * The one GNU-style argument scanner of the command guard: short options in clusters (`-sSLo
 * FILE`, `-oFILE`), long options (`--output FILE`, `--output=FILE` where the tool reads it),
 * options anywhere before `--`, operands everywhere else. The file commands (files.ts: rm, cp,
 * mv ...) and the output-file tools (output-files.ts: curl, wget, sort ...) read their command
 * lines through it, each with its own grammar.
 */
import { knownField, type Field } from './expand.js';

/** One option grammar: which options take a value, and how a value may be written. */
export interface GnuGrammar {
  /** Short letters whose option takes a value: the rest of the cluster, or the next word. */
  shortValues: string;
  /** Long names (without `--`) that take a value. */
  longValues: readonly string[];
  /** Long names without a value that a caller looks at (for prefix matching). */
  longFlags: readonly string[];
  /** `--name=value` is understood (getopt_long); curl only takes the value as the next word. */
  inline: boolean;
  /** A long name may be written as its unique prefix (`--out` for `--output`), as getopt_long and curl take it. */
  prefixes: boolean;
  /** The value of an option that takes one when the line ends before it (null: none). */
  missing: Field | null;
}

export interface GnuOption {
  /** `-o`, `--output` (a long name as the tool resolves an unambiguous prefix, with `prefixes`). */
  name: string;
  value: Field | null;
}

export interface ScannedArgs {
  /** Every option in the order written, a cluster as one option per letter. */
  options: GnuOption[];
  operands: Field[];
}

export function scanGnuArgs(args: Field[], grammar: GnuGrammar): ScannedArgs {
  const options: GnuOption[] = [];
  const operands: Field[] = [];
  const longNames = [...grammar.longValues, ...grammar.longFlags];
  const next = (i: number): Field | null => args[i] ?? grammar.missing;
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (value === null || !value.startsWith('-') || value === '-') {
      operands.push(field);
      continue;
    }
    if (value.startsWith('--')) {
      const eq = grammar.inline ? value.indexOf('=') : -1;
      const written = eq === -1 ? value.slice(2) : value.slice(2, eq);
      const name = grammar.prefixes ? resolveLong(written, longNames) : written;
      if (eq !== -1) options.push({ name: `--${name}`, value: knownField(value.slice(eq + 1)) });
      else if (grammar.longValues.includes(name)) options.push({ name: `--${name}`, value: next(++i) });
      else options.push({ name: `--${name}`, value: null });
      continue;
    }
    const letters = value.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j] as string;
      if (!grammar.shortValues.includes(letter)) {
        options.push({ name: `-${letter}`, value: null });
        continue;
      }
      const rest = letters.slice(j + 1);
      options.push({ name: `-${letter}`, value: rest !== '' ? knownField(rest) : next(++i) });
      break;
    }
  }
  return { options, operands };
}

/** The long option a written name stands for: itself, or the one name it is a prefix of. */
function resolveLong(written: string, names: readonly string[]): string {
  if (names.includes(written)) return written;
  const candidates = names.filter((name) => name.startsWith(written));
  return candidates.length === 1 ? (candidates[0] as string) : written;
}

/**
 * The known words of a command line that are neither options nor the value of an option in
 * `valued` written as the next word (`--url X`): the subcommand words of the migration tools
 * (databases.ts, framework-migrations.ts), roughly as they read them. Unknown words are left out.
 */
export function operandWords(args: Field[], valued: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === null || w === undefined) continue;
    if (w.startsWith('-')) {
      if (valued.includes(w)) i++;
      continue;
    }
    words.push(w);
  }
  return words;
}

/**
 * The value an option of `names` is given (`-c FILE`, `--config FILE`, `--config=FILE`,
 * `-name=V` of Go's flag package), the last one winning as argparse, Go's flag, clap and
 * picocli take it: undefined where absent, null where guard cannot see it. `spaced` false: only
 * `NAME=V` (Flyway's `-url=`, Maven's `-Dflyway.url=`). For the tools' own options read beside
 * operandWords (server-frameworks-*.ts).
 */
export function optionValue(args: Field[], names: readonly string[], spaced = true): string | null | undefined {
  let found: string | null | undefined;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === undefined || w === null) continue;
    for (const name of names) {
      if (spaced && w === name) found = args[i + 1]?.value ?? null;
      else if (w.startsWith(`${name}=`)) found = w.slice(name.length + 1);
    }
  }
  return found;
}


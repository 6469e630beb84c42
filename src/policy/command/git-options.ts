/**
 * git's option grammar (parse-options): long options by unique prefix (`--har` is `--hard`),
 * `--no-` negations, `--opt=value` and `--opt value`, clustered short flags (`-xfd`, `-nm msg`),
 * options after operands, and `--` ending options. Each subcommand declares the options that
 * matter; an option git does not know makes git fail, so unknown ones are simply skipped.
 */
import type { Field } from './expand.js';

export type ArgKind = 'none' | 'required' | 'optional';

export interface GitOptionSpec {
  long: Record<string, ArgKind>;
  short?: Record<string, ArgKind>;
  /** Short letter -> long name it stands for. */
  alias?: Record<string, string>;
  /** Stop at the first operand (commands that pass the rest on, like `submodule foreach`). */
  stopAtOperand?: boolean;
}

export interface GitOption {
  name: string;
  value: string | null | undefined;
  negated: boolean;
}

export interface ParsedGitArgs {
  options: GitOption[];
  /** Operands before `--`. */
  operands: Field[];
  /** Everything after `--`. */
  pathspecs: Field[];
  dashDash: boolean;
  /** A word guard cannot see stood where an option may be. */
  unknown: boolean;
}

export function parseGitArgs(args: Field[], spec: GitOptionSpec): ParsedGitArgs {
  const parsed: ParsedGitArgs = { options: [], operands: [], pathspecs: [], dashDash: false, unknown: false };
  const longNames = Object.keys(spec.long);
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === null) {
      parsed.unknown = true;
      parsed.operands.push(field);
      continue;
    }
    if (value === '--') {
      parsed.dashDash = true;
      parsed.pathspecs = args.slice(i + 1);
      break;
    }
    if (!value.startsWith('-') || value === '-') {
      parsed.operands.push(field);
      if (spec.stopAtOperand) {
        parsed.operands.push(...args.slice(i + 1));
        break;
      }
      continue;
    }
    if (value.startsWith('--')) {
      const eq = value.indexOf('=');
      const written = eq === -1 ? value.slice(2) : value.slice(2, eq);
      const inline = eq === -1 ? undefined : value.slice(eq + 1);
      for (const { name, negated } of matchLong(written, longNames)) {
        const kind = spec.long[name] ?? 'none';
        let optionValue: string | null | undefined = inline;
        if (kind === 'required' && inline === undefined && !negated) {
          optionValue = args[i + 1]?.value ?? null;
          i++;
        }
        parsed.options.push({ name, value: optionValue, negated });
      }
      continue;
    }
    const letters = value.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j] as string;
      const kind = spec.short?.[letter] ?? 'none';
      const name = spec.alias?.[letter] ?? letter;
      if (kind === 'none') {
        parsed.options.push({ name, value: undefined, negated: false });
        continue;
      }
      const rest = letters.slice(j + 1);
      if (rest !== '') parsed.options.push({ name, value: rest, negated: false });
      else if (kind === 'required') {
        parsed.options.push({ name, value: args[i + 1]?.value ?? null, negated: false });
        i++;
      } else parsed.options.push({ name, value: undefined, negated: false });
      break;
    }
  }
  return parsed;
}

/**
 * Long option names a written (possibly abbreviated) option stands for. An exact name wins; a
 * unique prefix is that option; an ambiguous prefix makes git fail, but guard counts every
 * candidate (stricter is safe).
 */
function matchLong(written: string, names: string[]): Array<{ name: string; negated: boolean }> {
  if (names.includes(written)) return [{ name: written, negated: false }];
  const direct = names.filter((n) => n.startsWith(written));
  if (direct.length > 0) return direct.map((name) => ({ name, negated: false }));
  if (written.startsWith('no-')) {
    const positive = written.slice(3);
    if (names.includes(positive)) return [{ name: positive, negated: true }];
    const candidates = names.filter((n) => n.startsWith(positive));
    if (candidates.length > 0) return candidates.map((name) => ({ name, negated: true }));
  }
  return [{ name: written, negated: false }];
}

/** Is the option set (its last mention not negated)? */
export function isSet(parsed: ParsedGitArgs, name: string): boolean {
  let set = false;
  for (const option of parsed.options) if (option.name === name) set = !option.negated;
  return set;
}

export function count(parsed: ParsedGitArgs, name: string): number {
  return parsed.options.filter((o) => o.name === name && !o.negated).length;
}

/** The value of the last mention of an option, undefined when absent. */
export function valueOf(parsed: ParsedGitArgs, name: string): string | null | undefined {
  let value: string | null | undefined;
  for (const option of parsed.options) if (option.name === name && !option.negated) value = option.value === undefined ? '' : option.value;
  return value;
}

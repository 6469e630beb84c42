/**
 * What a project's own command does to the application's database, as its source says: the one
 * vocabulary of django-commands.ts, rake-tasks.ts and artisan-commands.ts, each of which reads
 * its framework's commands (their ORM calls differ; their SQL literals and how the strongest
 * effect wins do not). databases.ts judges the result: a delete on a server is refused, any
 * effect captures a file database first.
 */

export interface DataEffect {
  effect: 'delete' | 'write';
  /** What says so, and how the line reaches it (`reset_demo (.../reset_demo.py) runs \`.delete()\``). */
  why: string;
}

/** SQL in a string literal that drops, truncates or deletes: capturing group 1 is the quote, so it goes first in no pattern with groups of its own. */
const SQL_DELETE = String.raw`(['"])[^'"\n]*\b(?:DROP\s+(?:TABLE|SCHEMA|DATABASE)|TRUNCATE|DELETE\s+FROM)\b[^'"\n]*\1`;
/** SQL in a string literal that inserts or updates (the same group). */
const SQL_WRITE = String.raw`(['"])[^'"\n]*\b(?:INSERT\s+INTO|UPDATE\s+\w+\s+SET)\b[^'"\n]*\1`;

/**
 * The patterns of one framework's code: its ORM's deleting and writing calls (regular expression
 * source without capturing groups), each joined with the SQL literals, case-insensitive.
 */
export function codePatterns(ormDeletes: string, ormWrites: string): { deletes: RegExp; writes: RegExp } {
  return { deletes: new RegExp(`${ormDeletes}|${SQL_DELETE}`, 'i'), writes: new RegExp(`${ormWrites}|${SQL_WRITE}`, 'i') };
}

/** The strongest effect offered so far: a delete over a write, the first of each kind. */
export class StrongestEffect {
  best: DataEffect | null = null;

  take(found: DataEffect | null): void {
    if (found !== null && (this.best === null || (this.best.effect === 'write' && found.effect === 'delete'))) this.best = found;
  }
}

/** What `code` itself does (its first deleting call, else its first writing one), said as `WHERE runs \`CALL\``. */
export function codeEffect(code: string, where: string, patterns: { deletes: RegExp; writes: RegExp }): DataEffect | null {
  const deletes = patterns.deletes.exec(code);
  if (deletes) return { effect: 'delete', why: `${where} runs \`${deletes[0].trim()}\`` };
  const writes = patterns.writes.exec(code);
  return writes ? { effect: 'write', why: `${where} runs \`${writes[0].trim()}\`` } : null;
}

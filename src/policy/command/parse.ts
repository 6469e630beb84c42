/**
 * A shell parser for the command guard: bash's grammar as far as deciding a command needs it.
 * Quotes and escapes, `;` `&&` `||` `|` `|&` `&`, subshells and groups, if/while/until/for/
 * select/case, `[[ ]]`, `(( ))`, functions, `$(...)` and backticks (parsed, so the inner commands
 * are classified too), `${...}`, `$'...'`, `$((...))`, process substitution, heredocs (bodies
 * attached to their redirection, unquoted ones parsed for expansions), comments and line
 * continuations. Anything it cannot parse throws ParseError; the caller then treats the command
 * as opaque rather than guessing.
 */
import { escapedBytes, escapedText } from '../../util/escaped-text.js';
import type { Assignment, Command, Compound, Heredoc, Pipeline, Redirect, Script, SimpleCommand, Word, WordPart, AndOr, ZshParam } from './ast.js';

export class ParseError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

const MAX_DEPTH = 24;
/** Characters that end an unquoted word. */
const WORD_END = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '<', '>', '(', ')']);
/** Characters that may follow a reserved word. */
const RESERVED_END = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '<', '>', '(', ')', '']);
const EXTGLOB = new Set(['?', '*', '+', '@', '!']);
/** Builtins whose `name=(...)` operands are arrays. */
const DECLARATIONS = new Set(['local', 'declare', 'typeset', 'readonly', 'export', 'integer', 'float']);
const PARAM_OPS = [':-', ':=', ':?', ':+', '-', '=', '?', '+', '##', '#', '%%', '%', '//', '/#', '/%', '/', '^^', '^', ',,', ',', ':', '@', '*'];
const REDIRECT_RE = /^(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(<<<|<<-|<<|<>|<&|<|>>|>&|>\||>|&>>|&>)/;

/**
 * The shell whose grammar a text is read in. `zsh`: a zsh script (`#!/usr/bin/env zsh`, `zsh
 * FILE`, `zsh -c`), read as bash with zsh's own parameter and glob forms accepted (zshForms
 * below); anything else of zsh's grammar still fails to parse.
 */
export type Dialect = 'bash' | 'zsh';

export function parseScript(source: string, depth = 0, dialect: Dialect = 'bash'): Script {
  if (depth > MAX_DEPTH) throw new ParseError('commands nested too deeply', 0);
  return new Parser(source, depth, dialect).program();
}

/** Parses one word's worth of text as the body of an unquoted heredoc (expansions, no quotes). */
export function parseHeredocBody(body: string, depth: number, dialect: Dialect = 'bash'): Word {
  return new Parser(body, depth, dialect).heredocWord();
}

/** Splits a string into words the way the shell would (used for `env -S`, aliases, `watch`). */
export function parseWords(source: string, depth = 0): Word[] {
  const parser = new Parser(source, depth);
  const words: Word[] = [];
  for (;;) {
    parser.skip(true);
    if (parser.eof()) return words;
    const word = parser.readWord();
    if (!word) throw new ParseError(`unexpected ${JSON.stringify(source[parser.pos])}`, parser.pos);
    words.push(word);
  }
}

class Parser {
  pos = 0;
  private pending: Heredoc[] = [];

  constructor(
    readonly src: string,
    readonly depth: number,
    readonly dialect: Dialect = 'bash',
  ) {}

  program(): Script {
    const script = this.list({ words: new Set(), paren: false, caseEnd: false });
    this.skip(true);
    if (!this.eof()) throw this.error(`unexpected ${JSON.stringify(this.peek())}`);
    this.flushHeredocs();
    return script;
  }

  heredocWord(): Word {
    const parts: WordPart[] = [];
    const start = this.pos;
    while (!this.eof()) {
      const c = this.peek();
      if (c === '\\' && '$`\\\n'.includes(this.peek(1)) && this.peek(1) !== '') {
        if (this.peek(1) !== '\n') pushLit(parts, this.peek(1), true);
        this.pos += 2;
      } else if (c === '$') {
        parts.push(this.dollar(true));
      } else if (c === '`') {
        parts.push(this.backtick(true));
      } else {
        pushLit(parts, c, true);
        this.pos++;
      }
    }
    return { parts, text: this.src.slice(start, this.pos) };
  }

  // ---------------------------------------------------------------- low level

  eof(): boolean {
    return this.pos >= this.src.length;
  }

  peek(offset = 0): string {
    return this.src[this.pos + offset] ?? '';
  }

  private startsWith(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }

  private error(message: string): ParseError {
    return new ParseError(message, this.pos);
  }

  /** Blanks, line continuations and comments; newlines too when allowed (reading heredoc bodies). */
  skip(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && this.peek(1) === '\n') this.pos += 2;
      else if (c === '#') {
        while (!this.eof() && this.peek() !== '\n') this.pos++;
      } else if (c === '\n' && newlines) this.newline();
      else return;
    }
  }

  private newline(): void {
    this.pos++;
    this.readHeredocs();
  }

  private readHeredocs(): void {
    const docs = this.pending;
    this.pending = [];
    for (const doc of docs) {
      let body = '';
      while (!this.eof()) {
        const end = this.src.indexOf('\n', this.pos);
        const lineEnd = end === -1 ? this.src.length : end;
        const line = this.src.slice(this.pos, lineEnd);
        this.pos = end === -1 ? this.src.length : end + 1;
        const compared = doc.strip ? line.replace(/^\t+/, '') : line;
        if (compared === doc.delimiter) break;
        body += `${compared}\n`;
      }
      this.setBody(doc, body);
    }
  }

  private flushHeredocs(): void {
    // A heredoc with no body before the end of input: bash warns and uses what there is (nothing).
    for (const doc of this.pending) this.setBody(doc, '');
    this.pending = [];
  }

  private setBody(doc: Heredoc, body: string): void {
    doc.body = body;
    doc.bodyWord = doc.quoted ? null : parseHeredocBody(body, this.depth + 1, this.dialect);
  }

  /** Is an unquoted reserved word (one of `words`) next? */
  private atWord(words: ReadonlySet<string> | readonly string[]): string | null {
    for (const word of words) {
      if (this.startsWith(word) && RESERVED_END.has(this.peek(word.length))) {
        if (word === '{' && !' \t\n'.includes(this.peek(1))) continue;
        return word;
      }
    }
    return null;
  }

  private expectWord(word: string): void {
    this.skip(true);
    if (!this.atWord([word])) throw this.error(`expected "${word}"`);
    this.pos += word.length;
  }

  // ---------------------------------------------------------------- lists and pipelines

  private list(stop: { words: ReadonlySet<string>; paren: boolean; caseEnd: boolean }): Script {
    const items: Script['items'] = [];
    for (;;) {
      this.skip(true);
      if (this.eof()) break;
      if (stop.paren && this.peek() === ')') break;
      if (stop.caseEnd && (this.startsWith(';;') || this.startsWith(';&'))) break;
      if (this.atWord(stop.words)) break;
      const andOr = this.andOr();
      this.skip(false);
      const c = this.peek();
      if (c === '&' && this.peek(1) !== '&' && this.peek(1) !== '>') {
        this.pos++;
        items.push({ andOr, background: true });
      } else if (c === ';' && this.peek(1) !== ';' && this.peek(1) !== '&') {
        this.pos++;
        items.push({ andOr, background: false });
      } else if (c === '\n') {
        this.newline();
        items.push({ andOr, background: false });
      } else {
        items.push({ andOr, background: false });
        break;
      }
    }
    return { items };
  }

  private andOr(): AndOr {
    const pipelines = [this.pipeline()];
    const ops: AndOr['ops'] = [];
    for (;;) {
      this.skip(false);
      if (this.startsWith('&&') || this.startsWith('||')) {
        ops.push(this.startsWith('&&') ? '&&' : '||');
        this.pos += 2;
        this.skip(true);
        pipelines.push(this.pipeline());
      } else {
        return { pipelines, ops };
      }
    }
  }

  private pipeline(): Pipeline {
    let negated = false;
    for (;;) {
      this.skip(false);
      if (this.atWord(['time'])) {
        this.pos += 4;
        this.skip(false);
        if (this.atWord(['-p'])) this.pos += 2;
      } else if (this.atWord(['!'])) {
        this.pos += 1;
        negated = !negated;
      } else if (this.atWord(['coproc'])) {
        this.pos += 6;
      } else break;
    }
    const commands = [this.command()];
    for (;;) {
      this.skip(false);
      if (this.peek() === '|' && this.peek(1) !== '|') {
        this.pos++;
        if (this.peek() === '&') this.pos++;
        this.skip(true);
        commands.push(this.command());
      } else {
        return { commands, negated };
      }
    }
  }

  // ---------------------------------------------------------------- commands

  private command(): Command {
    this.skip(false);
    const start = this.pos;
    if (this.startsWith('((')) return this.arithCommand(start);
    if (this.peek() === '(') {
      this.pos++;
      const body = this.list({ words: new Set(), paren: true, caseEnd: false });
      this.skip(true);
      if (this.peek() !== ')') throw this.error('expected ")"');
      this.pos++;
      return { type: 'subshell', body, redirects: this.redirects(), source: this.src.slice(start, this.pos).trim() };
    }
    const keyword = this.atWord(['{', 'if', 'while', 'until', 'for', 'select', 'case', '[[', 'function']);
    switch (keyword) {
      case '{': {
        this.pos++;
        const body = this.list({ words: new Set(['}']), paren: false, caseEnd: false });
        this.expectWord('}');
        return { type: 'group', body, redirects: this.redirects(), source: this.src.slice(start, this.pos).trim() };
      }
      case 'if':
        return this.ifCommand(start);
      case 'while':
      case 'until':
        return this.whileCommand(start, keyword);
      case 'for':
      case 'select':
        return this.forCommand(start, keyword);
      case 'case':
        return this.caseCommand(start);
      case '[[':
        return this.testCommand(start);
      case 'function':
        return this.functionDef(start);
      default:
        break;
    }
    const stray = this.atWord(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}', 'in']);
    if (stray) throw this.error(`unexpected "${stray}"`);
    return this.simple(start);
  }

  private simple(start: number): Command {
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      this.skip(false);
      if (this.eof()) break;
      const c = this.peek();
      const redirect = this.redirect();
      if (redirect) {
        redirects.push(redirect);
        continue;
      }
      if (c === ';' || c === '|' || c === '\n' || c === ')' || c === '&') break;
      // zsh: a sole `}` closes the brace group with no `;` before it (`{ print x; return 1 }`).
      if (this.dialect === 'zsh' && words.length + assigns.length + redirects.length > 0 && this.atWord(['}'])) break;
      if (c === '(') {
        if (words.length === 1 && assigns.length === 0 && redirects.length === 0 && /^[A-Za-z_][\w.:-]*$/.test(words[0]?.text ?? '')) {
          return this.functionBody(start, words[0]?.text ?? '');
        }
        // `local -a files=(a b)`, `declare -A m=([k]=v)`: a declaration builtin's array (before
        // 2026-12-07 a parse error, so a bash or zsh script holding one was refused for an agent).
        const last = words[words.length - 1];
        if (last && words.length > 1 && DECLARATIONS.has(words[0]?.text ?? '') && this.src[this.pos - 1] === '=' && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/.test(last.text)) {
          this.pos++;
          const elements: Word[] = [];
          for (;;) {
            this.skip(true);
            if (this.eof()) throw this.error('unterminated array');
            if (this.peek() === ')') {
              this.pos++;
              break;
            }
            const element = this.readWord();
            if (!element) throw this.error(`unexpected ${JSON.stringify(this.peek())}`);
            elements.push(element);
          }
          words[words.length - 1] = { parts: [...last.parts, { kind: 'array', elements }], text: `${last.text}(${elements.map((e) => e.text).join(' ')})` };
          continue;
        }
        throw this.error('unexpected "("');
      }
      const word = this.readWord();
      if (!word) throw this.error(`unexpected ${JSON.stringify(c)}`);
      const assignment = words.length === 0 ? this.assignment(word) : null;
      if (assignment) assigns.push(assignment);
      else words.push(word);
    }
    if (assigns.length === 0 && words.length === 0 && redirects.length === 0) {
      throw this.error(this.eof() ? 'unexpected end of command' : `unexpected ${JSON.stringify(this.peek())}`);
    }
    const command: SimpleCommand = { type: 'simple', assigns, words, redirects, source: this.src.slice(start, this.pos).trim() };
    return command;
  }

  /** `NAME=value`, `NAME+=value`, `NAME[i]=value`, `NAME=(a b)` at the start of a simple command. */
  private assignment(word: Word): Assignment | null {
    const first = word.parts[0];
    if (!first || first.kind !== 'lit' || first.quoted) return null;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?(\+?)=/.exec(first.text);
    if (!match) return null;
    const rest = first.text.slice(match[0].length);
    const valueParts: WordPart[] = rest ? [{ kind: 'lit', text: rest, quoted: false }, ...word.parts.slice(1)] : word.parts.slice(1);
    const name = match[1] as string;
    const append = match[3] === '+';
    if (valueParts.length === 0 && this.peek() === '(') {
      this.pos++;
      const array: Word[] = [];
      for (;;) {
        this.skip(true);
        if (this.peek() === ')') {
          this.pos++;
          break;
        }
        const element = this.readWord();
        if (!element) throw this.error('unterminated array assignment');
        array.push(element);
      }
      return { name, value: null, array, append, text: word.text };
    }
    return { name, value: { parts: valueParts, text: word.text.slice(word.text.indexOf('=') + 1) }, array: null, append, text: word.text };
  }

  private functionDef(start: number): Command {
    this.pos += 'function'.length;
    this.skip(false);
    const name = this.readWord();
    if (!name) throw this.error('expected a function name');
    this.skip(false);
    if (this.peek() === '(') return this.functionBody(start, name.text);
    this.skip(true);
    const body = this.command();
    return { type: 'function', name: name.text, body, source: this.src.slice(start, this.pos).trim() };
  }

  private functionBody(start: number, name: string): Command {
    this.pos++; // (
    this.skip(false);
    if (this.peek() !== ')') throw this.error('expected ")" in a function definition');
    this.pos++;
    this.skip(true);
    const body = this.command();
    return { type: 'function', name, body, source: this.src.slice(start, this.pos).trim() };
  }

  private compound(start: number, keyword: string, words: Word[], bodies: Script[], loopVar?: string, listed?: boolean): Compound {
    const node: Compound = { type: 'compound', keyword, words, bodies, redirects: this.redirects(), source: '' };
    if (loopVar !== undefined) node.loopVar = loopVar;
    if (listed) node.listed = true;
    node.source = this.src.slice(start, this.pos).trim();
    return node;
  }

  private ifCommand(start: number): Command {
    this.pos += 2;
    const bodies: Script[] = [];
    bodies.push(this.list({ words: new Set(['then']), paren: false, caseEnd: false }));
    this.expectWord('then');
    bodies.push(this.list({ words: new Set(['elif', 'else', 'fi']), paren: false, caseEnd: false }));
    for (;;) {
      this.skip(true);
      const next = this.atWord(['elif', 'else', 'fi']);
      if (next === 'elif') {
        this.pos += 4;
        bodies.push(this.list({ words: new Set(['then']), paren: false, caseEnd: false }));
        this.expectWord('then');
        bodies.push(this.list({ words: new Set(['elif', 'else', 'fi']), paren: false, caseEnd: false }));
      } else if (next === 'else') {
        this.pos += 4;
        bodies.push(this.list({ words: new Set(['fi']), paren: false, caseEnd: false }));
      } else if (next === 'fi') {
        this.pos += 2;
        return this.compound(start, 'if', [], bodies);
      } else {
        throw this.error('expected "fi"');
      }
    }
  }

  private whileCommand(start: number, keyword: string): Command {
    this.pos += keyword.length;
    const condition = this.list({ words: new Set(['do']), paren: false, caseEnd: false });
    const body = this.loopBody();
    return this.compound(start, keyword, [], [condition, body]);
  }

  private loopBody(): Script {
    this.skip(true);
    if (this.atWord(['{'])) {
      this.pos++;
      const body = this.list({ words: new Set(['}']), paren: false, caseEnd: false });
      this.expectWord('}');
      return body;
    }
    this.expectWord('do');
    const body = this.list({ words: new Set(['done']), paren: false, caseEnd: false });
    this.expectWord('done');
    return body;
  }

  private forCommand(start: number, keyword: string): Command {
    this.pos += keyword.length;
    this.skip(false);
    if (this.startsWith('((')) {
      const subs = this.arithmetic();
      this.skip(false);
      if (this.peek() === ';') this.pos++;
      const body = this.loopBody();
      return this.compound(start, keyword, [{ parts: [{ kind: 'arith', subs, quoted: false }], text: '' }], [body]);
    }
    const name = this.readWord();
    if (!name) throw this.error(`expected a name after "${keyword}"`);
    const words: Word[] = [];
    this.skip(true);
    const listed = this.atWord(['in']) !== null;
    if (listed) {
      this.pos += 2;
      for (;;) {
        this.skip(false);
        const c = this.peek();
        if (c === ';' || c === '\n' || c === '') {
          if (c === ';') this.pos++;
          break;
        }
        const word = this.readWord();
        if (!word) throw this.error(`unexpected ${JSON.stringify(c)}`);
        words.push(word);
      }
    } else if (this.peek() === ';') {
      this.pos++;
    }
    const body = this.loopBody();
    return this.compound(start, keyword, words, [body], name.text, listed);
  }

  private caseCommand(start: number): Command {
    this.pos += 4;
    this.skip(false);
    const subject = this.readWord();
    if (!subject) throw this.error('expected a word after "case"');
    this.expectWord('in');
    const words: Word[] = [subject];
    const bodies: Script[] = [];
    const counts: number[] = [];
    let fallthrough = false;
    for (;;) {
      this.skip(true);
      if (this.atWord(['esac'])) {
        this.pos += 4;
        const node = this.compound(start, 'case', words, bodies);
        if (node.type === 'compound') {
          node.casePatterns = counts;
          if (fallthrough) node.caseFallthrough = true;
        }
        return node;
      }
      const before = words.length;
      if (this.eof()) throw this.error('expected "esac"');
      if (this.peek() === '(') this.pos++;
      for (;;) {
        this.skip(false);
        const pattern = this.readWord();
        if (!pattern) throw this.error('expected a case pattern');
        words.push(pattern);
        this.skip(false);
        if (this.peek() === '|') {
          this.pos++;
          continue;
        }
        if (this.peek() === ')') {
          this.pos++;
          break;
        }
        throw this.error('expected ")" after a case pattern');
      }
      counts.push(words.length - before);
      bodies.push(this.list({ words: new Set(['esac']), paren: false, caseEnd: true }));
      this.skip(true);
      if (this.startsWith(';;&')) {
        this.pos += 3;
        fallthrough = true;
      } else if (this.startsWith(';&')) {
        this.pos += 2;
        fallthrough = true;
      } else if (this.startsWith(';;')) this.pos += 2;
    }
  }

  /** `[[ ... ]]`: operators inside are not control operators; only expansions matter here. */
  private testCommand(start: number): Command {
    this.pos += 2;
    const parts: WordPart[] = [];
    for (;;) {
      if (this.eof()) throw this.error('expected "]]"');
      const c = this.peek();
      if (this.startsWith(']]') && ' \t\n;&|)'.includes(this.peek(2)) && ' \t'.includes(this.src[this.pos - 1] ?? ' ')) {
        this.pos += 2;
        break;
      }
      if (c === '\\') this.pos += 2;
      else if (c === "'") this.singleQuoted();
      else if (c === '"') parts.push(...this.doubleQuoted());
      else if (c === '$') parts.push(this.dollar(false));
      else if (c === '`') parts.push(this.backtick(false));
      else if (c === '\n') this.newline();
      else this.pos++;
    }
    return this.compound(start, '[[', [{ parts, text: '' }], []);
  }

  private arithCommand(start: number): Command {
    const subs = this.arithmetic();
    return this.compound(start, '((', [{ parts: [{ kind: 'arith', subs, quoted: false }], text: '' }], []);
  }

  /** From `((` (or the `((` of `$((`) to the matching `))`; returns the substitutions inside. */
  private arithmetic(): Script[] {
    this.pos += 2;
    const subs: Script[] = [];
    let depth = 0;
    for (;;) {
      if (this.eof()) throw this.error('expected "))"');
      const c = this.peek();
      if (c === ')') {
        if (depth === 0) {
          if (this.peek(1) !== ')') throw this.error('expected "))"');
          this.pos += 2;
          return subs;
        }
        depth--;
        this.pos++;
      } else if (c === '(') {
        depth++;
        this.pos++;
      } else if (c === '$' || c === '`') {
        const part = c === '$' ? this.dollar(true) : this.backtick(true);
        if (part.kind === 'cmdsub') subs.push(part.body);
        if (part.kind === 'arith') subs.push(...part.subs);
        if (part.kind === 'param' && part.arg) collectSubs(part.arg, subs);
        if (part.kind === 'param' && part.zsh?.inner) collectSubs(part.zsh.inner, subs);
      } else if (c === "'") {
        this.singleQuoted();
      } else if (c === '"') {
        for (const part of this.doubleQuoted()) if (part.kind === 'cmdsub') subs.push(part.body);
      } else {
        this.pos++;
      }
    }
  }

  // ---------------------------------------------------------------- redirections

  private redirects(): Redirect[] {
    const list: Redirect[] = [];
    for (;;) {
      this.skip(false);
      const redirect = this.redirect();
      if (!redirect) return list;
      list.push(redirect);
    }
  }

  private redirect(): Redirect | null {
    const match = REDIRECT_RE.exec(this.src.slice(this.pos, this.pos + 48));
    if (!match) return null;
    const op = match[2] as string;
    // `<(` and `>(` start a process substitution (a word), not a redirection.
    if ((op === '<' || op === '>') && this.src[this.pos + match[0].length] === '(') return null;
    const fdText = match[1];
    const fd = fdText && /^\d+$/.test(fdText) ? Number(fdText) : null;
    this.pos += match[0].length;
    this.skip(false);
    const target = this.readWord();
    if (!target) throw this.error(`expected a word after "${op}"`);
    const redirect: Redirect = { fd, op, target };
    if (op === '<<' || op === '<<-') {
      const quoted = target.parts.some((p) => p.kind === 'lit' && p.quoted) || /['"\\]/.test(target.text);
      const delimiter = target.parts.map((p) => (p.kind === 'lit' ? p.text : '$')).join('');
      const doc: Heredoc = { delimiter: literalText(target) ?? delimiter, quoted, strip: op === '<<-', body: '', bodyWord: null };
      redirect.heredoc = doc;
      this.pending.push(doc);
    }
    return redirect;
  }

  // ---------------------------------------------------------------- words

  /** One word, up to an unquoted metacharacter; null when none starts here. */
  readWord(): Word | null {
    const start = this.pos;
    const parts: WordPart[] = [];
    for (;;) {
      if (this.eof()) break;
      const c = this.peek();
      if ((c === '<' || c === '>') && this.peek(1) === '(') {
        this.pos += 2;
        const body = this.list({ words: new Set(), paren: true, caseEnd: false });
        this.skip(true);
        if (this.peek() !== ')') throw this.error('expected ")"');
        this.pos++;
        parts.push({ kind: 'procsub', body, direction: c });
        continue;
      }
      // zsh's `=(cmd)`: a temporary file holding cmd's output, a path as `<(cmd)` is.
      if (this.dialect === 'zsh' && c === '=' && this.peek(1) === '(' && this.pos === start) {
        this.pos += 2;
        const body = this.list({ words: new Set(), paren: true, caseEnd: false });
        this.skip(true);
        if (this.peek() !== ')') throw this.error('expected ")"');
        this.pos++;
        parts.push({ kind: 'procsub', body, direction: '<' });
        continue;
      }
      // Not `name()` (a function) nor `arr=(a b)` (an array assignment).
      if (this.dialect === 'zsh' && c === '(' && parts.length > 0 && this.peek(1) !== ')' && this.src[this.pos - 1] !== '=') {
        this.globQualifiers();
        continue;
      }
      if (c === '(' && parts.length > 0 && EXTGLOB.has(this.src[this.pos - 1] ?? '')) {
        pushLit(parts, this.balancedParens(), false);
        continue;
      }
      if (WORD_END.has(c)) break;
      if (c === '\\') {
        if (this.peek(1) === '\n') this.pos += 2;
        else if (this.peek(1) === '') {
          pushLit(parts, '\\', true);
          this.pos++;
        } else {
          pushLit(parts, this.peek(1), true);
          this.pos += 2;
        }
      } else if (c === "'") {
        pushLit(parts, this.singleQuoted(), true);
      } else if (c === '"') {
        const inner = this.doubleQuoted();
        if (inner.length === 0) pushLit(parts, '', true);
        parts.push(...inner);
      } else if (c === '$' && this.peek(1) === '"') {
        // $"..." (locale translation) behaves like "...".
        this.pos++;
        const inner = this.doubleQuoted();
        if (inner.length === 0) pushLit(parts, '', true);
        parts.push(...inner);
      } else if (c === '$') {
        parts.push(this.dollar(false));
      } else if (c === '`') {
        parts.push(this.backtick(false));
      } else {
        pushLit(parts, c, false);
        this.pos++;
      }
    }
    if (this.pos === start) return null;
    return { parts: mergeLits(parts), text: this.src.slice(start, this.pos), ...(this.dialect === 'zsh' ? { zsh: true as const } : {}) };
  }

  /** A word inside `${name<op>...}`: spaces are literal, it ends at the unquoted `}`. */
  private braceArg(): Word {
    const start = this.pos;
    const parts: WordPart[] = [];
    for (;;) {
      if (this.eof()) throw this.error('expected "}"');
      const c = this.peek();
      if (c === '}') break;
      if (c === '\\') {
        pushLit(parts, this.peek(1), true);
        this.pos += 2;
      } else if (c === "'") pushLit(parts, this.singleQuoted(), true);
      else if (c === '"') parts.push(...this.doubleQuoted());
      else if (c === '$') parts.push(this.dollar(false));
      else if (c === '`') parts.push(this.backtick(false));
      else {
        pushLit(parts, c, false);
        this.pos++;
      }
    }
    return { parts: mergeLits(parts), text: this.src.slice(start, this.pos) };
  }

  private balancedParens(): string {
    const start = this.pos;
    let depth = 0;
    while (!this.eof()) {
      const c = this.peek();
      this.pos++;
      if (c === '\\') this.pos++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return this.src.slice(start, this.pos);
    }
    throw this.error('expected ")"');
  }

  private singleQuoted(): string {
    const end = this.src.indexOf("'", this.pos + 1);
    if (end === -1) throw this.error('unterminated single quote');
    const text = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return text;
  }

  private doubleQuoted(): WordPart[] {
    this.pos++;
    const parts: WordPart[] = [];
    for (;;) {
      if (this.eof()) throw this.error('unterminated double quote');
      const c = this.peek();
      if (c === '"') {
        this.pos++;
        return mergeLits(parts);
      }
      if (c === '\\') {
        const next = this.peek(1);
        if (next === '\n') this.pos += 2;
        else if ('$`"\\'.includes(next) && next !== '') {
          pushLit(parts, next, true);
          this.pos += 2;
        } else {
          pushLit(parts, '\\', true);
          this.pos++;
        }
      } else if (c === '$') {
        parts.push(this.dollar(true));
      } else if (c === '`') {
        parts.push(this.backtick(true));
      } else {
        pushLit(parts, c, true);
        this.pos++;
      }
    }
  }

  private dollar(quoted: boolean): WordPart {
    const next = this.peek(1);
    if (next === "'" && !quoted) {
      this.pos++;
      const raw = this.singleQuotedRaw();
      return { kind: 'lit', text: decodeAnsiC(raw), quoted: true };
    }
    if (this.startsWith('$((')) {
      const save = this.pos;
      try {
        this.pos++;
        const subs = this.arithmetic();
        return { kind: 'arith', subs, quoted };
      } catch {
        // `$( (subshell) )`: not arithmetic after all.
        this.pos = save;
      }
    }
    if (next === '(') {
      this.pos += 2;
      const body = this.list({ words: new Set(), paren: true, caseEnd: false });
      this.skip(true);
      if (this.peek() !== ')') throw this.error('expected ")" closing "$("');
      this.pos++;
      return { kind: 'cmdsub', body, quoted };
    }
    if (next === '{') return this.braceParam(quoted);
    // zsh's `$#name`: the length of name.
    if (this.dialect === 'zsh' && next === '#' && /[A-Za-z_]/.test(this.peek(2))) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos + 2)) as RegExpExecArray;
      this.pos += 2 + match[0].length;
      return { kind: 'param', name: match[0], op: '', arg: null, quoted, indirect: false, length: true };
    }
    if (/[A-Za-z_]/.test(next)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos + 1)) as RegExpExecArray;
      this.pos += 1 + match[0].length;
      if (this.dialect === 'zsh') {
        // zsh reads `$arr[2]` as an element and `$file:h` with its modifiers, bash as text after.
        const subscript = this.subscript();
        const modifiers = this.zshModifiers(false);
        if (subscript !== undefined || modifiers.length > 0) {
          return { kind: 'param', name: match[0], op: '', arg: null, quoted, indirect: false, length: false, ...(subscript !== undefined ? { subscript } : {}), zsh: { flags: '', inner: null, setTest: false, modifiers } };
        }
      }
      return { kind: 'param', name: match[0], op: '', arg: null, quoted, indirect: false, length: false };
    }
    if (next !== '' && '0123456789@*#?$!-'.includes(next)) {
      this.pos += 2;
      return { kind: 'param', name: next, op: '', arg: null, quoted, indirect: false, length: false };
    }
    this.pos++;
    return { kind: 'lit', text: '$', quoted };
  }

  private singleQuotedRaw(): string {
    // Inside $'...', \' does not end the string.
    let i = this.pos + 1;
    let raw = '';
    for (;;) {
      const c = this.src[i];
      if (c === undefined) throw this.error('unterminated $\'...\'');
      if (c === '\\') {
        raw += c + (this.src[i + 1] ?? '');
        i += 2;
        continue;
      }
      if (c === "'") break;
      raw += c;
      i++;
    }
    this.pos = i + 1;
    return raw;
  }

  private braceParam(quoted: boolean): WordPart {
    this.pos += 2;
    if (this.dialect === 'zsh') {
      const zsh = this.zshBraceParam(quoted);
      if (zsh) return zsh;
    }
    let length = false;
    let indirect = false;
    if (this.peek() === '#' && this.peek(1) !== '}' && !/^[-=?+:]/.test(this.peek(1))) {
      length = true;
      this.pos++;
    } else if (this.peek() === '!' && this.peek(1) !== '}') {
      indirect = true;
      this.pos++;
    }
    const match = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(this.src.slice(this.pos));
    if (!match) throw this.error('bad ${...} expansion');
    const name = match[0];
    this.pos += name.length;
    const subscript = this.subscript();
    const { op, arg } = this.paramOperator();
    return { kind: 'param', name, op, arg, quoted, indirect, length, ...(subscript !== undefined ? { subscript } : {}) };
  }

  /**
   * zsh's forms of `${...}` (after the `${`): flags `(f)`, the `= ~ ^ +` prefixes, a nested
   * expansion in place of the name, and modifiers (`:a:h`). Null where none of them is written
   * (the position is unchanged and bash's reading goes on). `(e)` evaluates the value as shell
   * code (as eval does), so it is not read.
   */
  private zshBraceParam(quoted: boolean): WordPart | null {
    const start = this.pos;
    let flags = '';
    if (this.peek() === '(') {
      const end = this.src.indexOf(')', this.pos);
      if (end === -1) throw this.error('expected ")"');
      flags = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      // The arguments of j, s, l, r, Z, _, I between delimiters are text, not flags.
      if (/e/.test(flags.replace(/[jslrZ_Ig]([^A-Za-z0-9])(?:(?!\1).)*\1/g, ''))) throw this.error("zsh's (e) flag evaluates a value as shell code");
    }
    let setTest = false;
    while ('=~^+'.includes(this.peek()) && this.peek() !== '') {
      if (this.peek() === '+') setTest = true;
      this.pos++;
    }
    let inner: Word | null = null;
    let name = '';
    let length = false;
    if (this.peek() === '$' || this.peek() === '"') {
      const from = this.pos;
      const parts = this.peek() === '"' ? this.doubleQuoted() : [this.dollar(quoted)];
      inner = { parts: mergeLits(parts), text: this.src.slice(from, this.pos) };
    } else if (flags !== '' && (this.peek() === ':' || this.peek() === '}')) {
      // `${(%):-%x}`: flags applied to the operator's word alone (no name); the value is unknown
    } else {
      if (this.peek() === '#' && /[A-Za-z_]/.test(this.peek(1))) {
        length = true;
        this.pos++;
      }
      const match = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(this.src.slice(this.pos));
      if (!match) throw this.error('bad ${...} expansion');
      name = match[0];
      this.pos += name.length;
    }
    const subscript = this.subscript();
    const modifiers = this.zshModifiers(true);
    if (flags === '' && inner === null && !setTest && modifiers.length === 0) {
      this.pos = start;
      return null;
    }
    // modifiers end the expansion: `${f:h:-x}` is no form of zsh's
    if (modifiers.length > 0 && this.peek() !== '}') throw this.error('bad ${...} expansion');
    const { op, arg } = this.paramOperator();
    const zsh: ZshParam = { flags, inner, setTest, modifiers };
    return { kind: 'param', name, op, arg, quoted, indirect: false, length, ...(subscript !== undefined ? { subscript } : {}), zsh };
  }

  /**
   * The operator and its word after a `${name` (`:-default`, `#prefix`), through the closing `}`:
   * `''` and null where the `}` comes first.
   */
  private paramOperator(): { op: string; arg: Word | null } {
    let op = '';
    let arg: Word | null = null;
    if (this.peek() !== '}') {
      op = PARAM_OPS.find((candidate) => this.startsWith(candidate)) ?? '';
      if (!op) throw this.error('bad ${...} expansion');
      this.pos += op.length;
      arg = this.braceArg();
    }
    if (this.peek() !== '}') throw this.error('expected "}"');
    this.pos++;
    return { op, arg };
  }

  /** The `[...]` after a parameter's name (`${arr[2]}`; zsh's `$arr[2]` too): its text, or undefined where none follows. */
  private subscript(): string | undefined {
    if (this.peek() !== '[') return undefined;
    const end = this.src.indexOf(']', this.pos);
    if (end === -1) throw this.error('expected "]"');
    const subscript = this.src.slice(this.pos + 1, end);
    this.pos = end + 1;
    return subscript;
  }

  /**
   * zsh's history modifiers after a parameter: `:a` `:A` `:P` `:h` `:t` `:r` `:e` `:l` `:u` `:q`
   * `:Q` `:x` `:c` `:&` and `:s/old/new/` (`gs`). In braces they must end at `}`; after an
   * unbraced name they end where no modifier follows (`$f:h.bak` is `$f:h` then `.bak`).
   */
  private zshModifiers(braced: boolean): string[] {
    const modifiers: string[] = [];
    const save = this.pos;
    for (;;) {
      if (this.peek() !== ':') break;
      const rest = this.src.slice(this.pos + 1, this.pos + 400);
      const simple = /^[aAPhtrelquQxc&]/.exec(rest);
      const subst = /^g?s([^A-Za-z0-9\s])(?:(?!\1)[^\n])*\1(?:(?!\1)[^\n])*\1?/.exec(rest);
      const found = subst ?? simple;
      if (!found) break;
      // `h`, `t` may take a count (`:h2`); not modelled: the digits stay in the modifier.
      const count = /^\d*/.exec(rest.slice(found[0].length))?.[0] ?? '';
      modifiers.push(found[0] + count);
      this.pos += 1 + found[0].length + count.length;
    }
    if (braced && modifiers.length > 0 && this.peek() !== '}') {
      // `${x:e}` read as a modifier, but something follows: bash's substring (`${x:a:1}`) or not zsh's.
      this.pos = save;
      return [];
    }
    return modifiers;
  }

  /**
   * zsh's glob qualifiers at the end of a word (`*.o(N)`, `**\/*(.)`, `*(/)`): they only narrow
   * what the pattern matches, so the word is the pattern without them. Not read: a qualifier that
   * runs code (`e:...:`, `+func`), adds hidden files (`D`), rewrites the names (`:h`, `P`), or a
   * group in the middle of a word (`(a|b)`, which is alternation).
   */
  private globQualifiers(): void {
    const text = this.balancedParens();
    const next = this.peek();
    const q = text.slice(1, -1);
    if (!(this.eof() || WORD_END.has(next)) || /[|(]/.test(q)) throw this.error('zsh glob grouping guard does not read');
    if (/e[^A-Za-z0-9]|\+[A-Za-z_]|[D:P$`]/.test(q)) throw this.error('a zsh glob qualifier guard does not read');
  }

  private backtick(quoted: boolean): WordPart {
    this.pos++;
    let inner = '';
    for (;;) {
      if (this.eof()) throw this.error('unterminated backquote');
      const c = this.peek();
      if (c === '`') {
        this.pos++;
        break;
      }
      if (c === '\\' && ('$`\\'.includes(this.peek(1)) || (quoted && this.peek(1) === '"')) && this.peek(1) !== '') {
        inner += this.peek(1);
        this.pos += 2;
        continue;
      }
      inner += c;
      this.pos++;
    }
    return { kind: 'cmdsub', body: parseScript(inner, this.depth + 1, this.dialect), quoted };
  }
}

function pushLit(parts: WordPart[], text: string, quoted: boolean): void {
  const last = parts[parts.length - 1];
  if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
  else parts.push({ kind: 'lit', text, quoted });
}

function mergeLits(parts: WordPart[]): WordPart[] {
  const merged: WordPart[] = [];
  for (const part of parts) {
    if (part.kind === 'lit') pushLit(merged, part.text, part.quoted);
    else merged.push(part);
  }
  return merged;
}

function collectSubs(word: Word, into: Script[]): void {
  for (const part of word.parts) {
    if (part.kind === 'cmdsub' || part.kind === 'procsub') into.push(part.body);
    else if (part.kind === 'arith') into.push(...part.subs);
    else if (part.kind === 'param' && part.arg) collectSubs(part.arg, into);
    if (part.kind === 'param' && part.zsh?.inner) collectSubs(part.zsh.inner, into);
    if (part.kind === 'array') for (const element of part.elements) collectSubs(element, into);
  }
}

/** The word's value when it is made of literal text only (quotes removed), else null. */
export function literalText(word: Word): string | null {
  let text = '';
  for (const part of word.parts) {
    if (part.kind !== 'lit') return null;
    text += part.text;
  }
  return text;
}

/**
 * Decodes the body of bash's `$'...'` quoting. `\xHH` and octal escapes are bytes, as in bash: a
 * run of them that is UTF-8 is its characters (`$'\xc3\xa9'` is é), any other byte stays that
 * byte as escaped text (util/escaped-text.ts), so `$'wt\xff'` names the file whose name holds 0xff.
 */
export function decodeAnsiC(raw: string): string {
  const bytes: number[] = [];
  const text = (s: string): void => {
    bytes.push(...escapedBytes(s));
  };
  for (let i = 0; i < raw.length; i++) {
    const c = String.fromCodePoint(raw.codePointAt(i) as number);
    if (c !== '\\') {
      text(c);
      i += c.length - 1;
      continue;
    }
    const n = raw[++i] ?? '';
    const simple: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
    if (n in simple) {
      text(simple[n] as string);
    } else if (/[0-7]/.test(n)) {
      const digits = /^[0-7]{1,3}/.exec(raw.slice(i)) as RegExpExecArray;
      bytes.push(parseInt(digits[0], 8) & 0xff);
      i += digits[0].length - 1;
    } else if (n === 'x') {
      const digits = /^[0-9a-fA-F]{1,2}/.exec(raw.slice(i + 1));
      if (digits) {
        bytes.push(parseInt(digits[0], 16));
        i += digits[0].length;
      } else text('\\x');
    } else if (n === 'u' || n === 'U') {
      const digits = new RegExp(`^[0-9a-fA-F]{1,${n === 'u' ? 4 : 8}}`).exec(raw.slice(i + 1));
      if (digits) {
        text(String.fromCodePoint(parseInt(digits[0], 16)));
        i += digits[0].length;
      } else text(`\\${n}`);
    } else if (n === 'c') {
      const ch = raw[++i] ?? '';
      bytes.push(ch.toUpperCase().charCodeAt(0) & 0x1f);
    } else {
      text(`\\${n}`);
    }
  }
  return escapedText(Buffer.from(bytes));
}

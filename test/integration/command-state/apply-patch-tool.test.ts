/**
 * Codex's apply_patch sent as its own tool call (PreToolUse `tool_name: "apply_patch"`,
 * `tool_input: {command: <patch>}`, as verified against Codex 0.171.0: docs/agents.md) is judged
 * exactly as the same patch sent through the shell tool (`apply_patch '<patch>'`, judged by the
 * command guard: commands.ts classifyApplyPatch). Until 2026-12-05 the tool call went the file-tool
 * way (protected files, ignored files captured) and never asked whether a file left the
 * repository: `*** Update File: src/a.ts` + `*** Move to: ../a.ts` and `*** Delete File: src/b.ts`
 * were allowed with no snapshot, where `mv src/a.ts ../a.ts` and `rm src/b.ts` take one first.
 *
 * Each call goes through the hook command `guard init` installs for Codex (sh -c, the launcher,
 * the sh fast path, Node); an allowed patch is then applied for real, as Codex applies it (the
 * new bytes written at the destination, the source removed), and `guard rollback` is compared
 * byte for byte and mode for mode, with the index. Denied patches change nothing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { shellQuote } from '../../../src/agents/package-root.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { guardOk, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': 'dist/\n.env\n',
    '.guard.yaml': 'version: 1\nprotect:\n  paths:\n    - "**/migrations/**"\n    - .guard.yaml\n',
    'src/a.ts': 'export const a = 1;\n',
    'src/b.ts': 'export const b = 1;\n',
    'scripts/run.sh': ['#!/bin/sh\necho run\n', 0o755],
    'db/migrations/001.sql': 'create table a (id int);\n',
  });
  writeFiles(t, {
    // A staged change, an ignored secret (0600) that no snapshot holds, regenerable output.
    'src/a.ts': 'export const a = 2;\n',
    '.env': [SECRET, 0o600],
    'dist/app.js': 'built\n',
  });
  t.git(['add', 'src/a.ts']);
  guardOk(t, ['init', '--yes', '--agents', 'codex']);
}

const patchOf = (body: string): string => `*** Begin Patch\n${body}\n*** End Patch\n`;

/** The decision Codex reads back from the installed PreToolUse hook for an apply_patch tool call. */
function codexApplyPatch(t: TestRepo, patch: string): { decision: string; reason: string } {
  const payload = { session_id: 'thread-1', turn_id: 'turn-1', cwd: t.dir, hook_event_name: 'PreToolUse', model: 'gpt-5-codex', permission_mode: 'default', tool_name: 'apply_patch', tool_input: { command: patch }, tool_use_id: 'call_1' };
  const r = spawnSync('sh', ['-c', hookCommandFor('codex', 'pre-tool')], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out = r.stdout.trim() === '' ? null : (JSON.parse(r.stdout) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } }).hookSpecificOutput;
  return { decision: out?.permissionDecision ?? 'allow', reason: out?.permissionDecisionReason ?? '' };
}

/**
 * The patch applied as Codex applies it, for the headers these tests use: Add File writes the `+`
 * lines, Delete File removes the file, Update File replaces its hunk's old lines by the new ones and,
 * with Move to, writes the result at the destination and removes the source.
 */
function applyAsCodex(cwd: string, patch: string): void {
  const lines = patch.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = /^\*\*\* (Add File|Update File|Delete File): (.+)$/.exec(lines[i] as string);
    if (!header) continue;
    const file = path.resolve(cwd, header[2] as string);
    const body: string[] = [];
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('*** ')) body.push(lines[++i] as string);
    if (header[1] === 'Delete File') {
      fs.unlinkSync(file);
    } else if (header[1] === 'Add File') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, body.map((l) => `${l.slice(1)}\n`).join(''));
    } else {
      const move = /^\*\*\* Move to: (.+)$/.exec(lines[i + 1] ?? '');
      if (move) i++;
      const hunk: string[] = [];
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('*** ')) hunk.push(lines[++i] as string);
      const old = hunk.filter((l) => l.startsWith(' ') || l.startsWith('-')).map((l) => `${l.slice(1)}\n`).join('');
      const now = hunk.filter((l) => l.startsWith(' ') || l.startsWith('+')).map((l) => `${l.slice(1)}\n`).join('');
      const text = fs.readFileSync(file, 'utf8');
      expect(text, file).toContain(old);
      const dest = move ? path.resolve(cwd, move[1] as string) : file;
      fs.writeFileSync(dest, text.replace(old, now));
      if (dest !== file) fs.unlinkSync(file);
    }
  }
}

/** The snapshots the hook took (or reused, where nothing had changed) before allowing the patch. */
function hookSnapshots(t: TestRepo, patch: string): string[] {
  return loggedEvents<{ tool?: string; command?: string; snapshot: string }>(t, 'allowed-after-snapshot')
    .filter((e) => e.tool === 'apply_patch' && e.command === `apply_patch ${shellQuote(patch)}`)
    .map((e) => e.snapshot);
}

const fullState = (t: TestRepo): unknown => stateWithModes(t, ['.env', 'scripts/run.sh', 'src/a.ts', 'src/b.ts']);

describe("Codex's apply_patch tool call is judged as the same patch sent through the shell", () => {
  it('every case: the tool call gets the verdict of `apply_patch <patch>` in the shell (rule and reason)', async () => {
    await withTestRepo((t) => {
      setup(t);
      const outside = path.join(t.base, 'abs-out.ts');
      const cases: Array<[string, string, string, string]> = [
        // [patch body, shell verdict, rule, reason]
        ['*** Update File: src/a.ts\n*** Move to: ../a.ts\n@@\n-export const a = 2;\n+export const a = 3;', 'snapshot', 'rm-in-repo', 'moves away src/a.ts, out of the repository (to ../a.ts)'],
        ['*** Update File: src/../src/a.ts\n*** Move to: src/../../a.ts\n@@\n-export const a = 2;\n+export const a = 3;', 'snapshot', 'rm-in-repo', 'out of the repository (to src/../../a.ts)'],
        [`*** Update File: ${t.dir}/src/a.ts\n*** Move to: ${outside}\n@@\n-export const a = 2;\n+export const a = 3;`, 'snapshot', 'rm-in-repo', `out of the repository (to ${outside})`],
        ['*** Delete File: src/b.ts', 'snapshot', 'rm-in-repo', 'apply_patch deletes src/b.ts inside the repository'],
        ['*** Update File: src/b.ts\n*** Move to: .env\n@@\n-export const b = 1;\n+export const b = 2;', 'snapshot', 'overwrite-ignored', 'which replaces the ignored file .env'],
        ['*** Delete File: .env', 'snapshot', 'rm-in-repo', 'guard captures the ignored file .env into the snapshot first'],
        [`*** Delete File: ${t.dir}/.env`, 'snapshot', 'rm-in-repo', 'guard captures the ignored file .env into the snapshot first'],
        ['*** Add File: .env\n+API_KEY=new', 'snapshot', 'overwrite-ignored', 'which replaces the ignored file .env'],
        ['*** Delete File: dist/app.js', 'allow', 'no-risk', ''],
        ['*** Update File: src/a.ts\n@@\n-export const a = 2;\n+export const a = 3;', 'allow', 'no-risk', ''],
        ['*** Delete File: .guard.yaml', 'deny', 'protected-path', 'apply_patch deletes .guard.yaml, a protected path'],
        ['*** Delete File: db/migrations/001.sql', 'deny', 'protected-path', 'apply_patch deletes db/migrations/001.sql, a protected path'],
        ['*** Update File: db/migrations/001.sql\n*** Move to: ../001.sql\n@@\n-create table a (id int);\n+create table b (id int);', 'deny', 'protected-path', 'db/migrations/001.sql'],
        ['*** Update File: src/a.ts\n*** Move to: .guard.yaml\n@@\n-export const a = 2;\n+x', 'deny', 'guard-self', '.guard.yaml'],
        ['*** Add File: .codex/hooks.json\n+{}', 'deny', 'guard-self', '.codex/hooks.json'],
        ['*** Add File: .git/hooks/pre-commit\n+#!/bin/sh', 'deny', 'git-dir-write', '.git/hooks/pre-commit'],
      ];
      for (const [body, verdict, rule, reason] of cases) {
        const patch = patchOf(body);
        const shell = checkVerdict(t, `apply_patch ${shellQuote(patch)}`, { asAgent: true });
        expect({ body, verdict: shell.verdict, rule: shell.rule }).toEqual({ body, verdict, rule });
        expect(shell.reason, body).toContain(reason);
        const before = fullState(t);
        const hook = codexApplyPatch(t, patch);
        // Nothing was applied: the hook itself changed nothing.
        expect(fullState(t), body).toEqual(before);
        if (verdict === 'deny') {
          expect({ body, decision: hook.decision }).toEqual({ body, decision: 'deny' });
          // Without a final period: Codex adds ". Tool: apply_patch" after it.
          expect(hook.reason, body).toBe(`git-guard blocked this (rule ${rule}): ${shell.reason}. Instead: ${shell.instead}`.replace(/\.$/, ''));
          continue;
        }
        expect({ body, ...hook }).toEqual({ body, decision: 'allow', reason: '' });
        const judged = loggedEvents<{ tool?: string; rule: string; reason: string; command?: string }>(t, 'allowed-after-snapshot').filter((e) => e.tool === 'apply_patch' && e.command === `apply_patch ${shellQuote(patch)}`);
        if (verdict === 'snapshot') {
          // The same rule and reason as the shell line, and a snapshot taken first.
          expect({ body, judged: judged.map((e) => [e.rule, e.reason]) }).toEqual({ body, judged: [[rule, shell.reason]] });
          expect(hookSnapshots(t, patch).length, body).toBeGreaterThanOrEqual(1);
        } else {
          expect({ body, judged }).toEqual({ body, judged: [] });
        }
      }
    });
  });

  it('patches applied for real after their verdicts: a move out, an Add File and a move onto the ignored .env, its deletion; guard rollback brings back every byte, mode and the index', async () => {
    await withTestRepo((t) => {
      setup(t);
      // The session starts (its first snapshot); then the agent works: what it changes since is in
      // no snapshot but the ones its patches are judged to need.
      expect(codexApplyPatch(t, patchOf('*** Delete File: dist/app.js'))).toMatchObject({ decision: 'allow' });
      t.write('notes.txt', 'untracked notes\n');
      fs.chmodSync(path.join(t.dir, 'scripts/run.sh'), 0o700);
      const before = fullState(t);
      const patches = [
        patchOf('*** Update File: src/a.ts\n*** Move to: ../a.ts\n@@\n-export const a = 2;\n+export const a = 3;'),
        patchOf('*** Add File: .env\n+API_KEY=new'),
        patchOf('*** Update File: src/b.ts\n*** Move to: .env\n@@\n-export const b = 1;\n+export const b = 2;'),
        patchOf('*** Delete File: .env'),
      ];
      const firsts: string[] = [];
      for (const patch of patches) {
        expect({ patch, ...codexApplyPatch(t, patch) }).toEqual({ patch, decision: 'allow', reason: '' });
        const taken = hookSnapshots(t, patch);
        // Before 2026-12-05 the move out had no snapshot of its own.
        expect(taken, patch).toHaveLength(1);
        firsts.push(taken[0]!);
        applyAsCodex(t.dir, patch);
      }
      expect(fs.readFileSync(path.join(t.base, 'a.ts'), 'utf8')).toBe('export const a = 3;\n');
      expect(t.exists('src/a.ts')).toBe(false);
      expect(t.exists('src/b.ts')).toBe(false);
      expect(t.exists('.env')).toBe(false);
      // Each .env was captured by the snapshot before the patch that replaced or deleted it.
      for (const at of [1, 2, 3]) expect((JSON.parse(t.guard(['diff', firsts[at]!, '--json']).stdout) as { capturedIgnored: string[] }).capturedIgnored, patches[at]).toEqual(['.env']);
      rollbackOk(t, firsts[0]!);
      expect(fullState(t)).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
    });
  });

  it('denied patches (protected path, guard file, a protected file moved out) leave everything as it was', async () => {
    await withTestRepo((t) => {
      setup(t);
      const before = fullState(t);
      for (const body of ['*** Delete File: .guard.yaml', '*** Update File: db/migrations/001.sql\n*** Move to: ../001.sql\n@@\n-create table a (id int);\n+x', `*** Update File: src/a.ts\n@@\n-export const a = 2;\n+x\n*** Delete File: ${t.dir}/db/migrations/001.sql`]) {
        const hook = codexApplyPatch(t, patchOf(body));
        expect({ body, decision: hook.decision }).toEqual({ body, decision: 'deny' });
        expect(hook.reason, body).toContain('Instead:');
      }
      expect(fullState(t)).toEqual(before);
    });
  });
});

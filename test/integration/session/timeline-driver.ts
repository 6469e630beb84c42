/**
 * Drives a scripted Claude Code session through the hook commands `guard init` installed (the
 * sh shim, real git hooks, the watcher): each step sends the PreToolUse payload, performs the
 * tool's effect itself if allowed (a Bash command really runs, as the agent would run it), sends
 * the PostToolUse payload and waits until the journal shows the snapshot that closes the step.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, waitFor } from '../watcher/helpers.js';

/** The repository the scripted sessions work in: a few files, a branch, guard init for Claude Code. */
export function setUpRepo(t: TestRepo): void {
  t.write('a.txt', lines(A0));
  t.write('b.txt', 'bee\n');
  t.write('README.md', '# demo\n');
  t.write('src/app.js', 'export const app = 1;\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'initial']);
  t.git(['branch', 'feature']);
  fs.mkdirSync(path.join(t.dir, '.claude'));
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  // Claude Code's own settings stay out of the snapshots' way; the watcher reacts quickly.
  t.write('.git/info/exclude', '.claude/\n');
  t.write('.guard.yaml', fastWatchConfig());
}

export const lines = (words: string[]): string => `${words.join('\n')}\n`;
export const A0 = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

export function bytes(t: TestRepo, file: string): Buffer {
  return fs.readFileSync(path.join(t.dir, file));
}

export type Tool = { name: 'Bash'; command: string } | { name: 'Write' | 'Edit'; file: string; content: string };

/** Every journal line, the rotated files (journal.3..1.jsonl) first, as guard reads them. */
export function journal(t: TestRepo): any[] {
  const dir = path.join(t.dir, '.git', 'guard');
  return ['journal.3.jsonl', 'journal.2.jsonl', 'journal.1.jsonl', 'journal.jsonl']
    .flatMap((name) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8').split('\n') : []))
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function settingsCommand(t: TestRepo, event: string): string {
  const settings = JSON.parse(t.read('.claude/settings.local.json'));
  const entries = settings.hooks[event] as Array<{ hooks: Array<{ command: string }> }>;
  const command = entries.flatMap((e) => e.hooks.map((h) => h.command)).find((c) => c.includes('agent-hook'));
  expect(command, `guard's ${event} hook in .claude/settings.local.json`).toBeDefined();
  return command!;
}

export class ScriptedClaude {
  private n = 0;
  readonly agentEnv: Record<string, string>;

  constructor(
    private readonly t: TestRepo,
    readonly sessionId: string,
  ) {
    // What Claude Code sets for the commands it runs (git hooks see an agent).
    this.agentEnv = { CLAUDECODE: '1' };
  }

  hook(event: string, payload: object): { stdout: string; stderr: string; code: number | null } {
    const r = spawnSync('sh', ['-c', settingsCommand(this.t, event)], { cwd: this.t.dir, env: this.t.env, input: JSON.stringify(payload), encoding: 'utf8' });
    return { stdout: r.stdout, stderr: r.stderr, code: r.status };
  }

  base(event: string): object {
    return { session_id: this.sessionId, transcript_path: '/tmp/t.jsonl', cwd: this.t.dir, permission_mode: 'default', hook_event_name: event };
  }

  start(): void {
    const r = this.hook('SessionStart', { ...this.base('SessionStart'), source: 'startup' });
    expect(r.code, r.stderr).toBe(0);
  }

  private input(tool: Tool): object {
    if (tool.name === 'Bash') return { command: tool.command, description: 'step' };
    const file_path = path.join(this.t.dir, tool.file);
    return tool.name === 'Write' ? { file_path, content: tool.content } : { file_path, old_string: 'x', new_string: 'y' };
  }

  /** One tool call; returns whether the hook denied it. */
  async step(tool: Tool): Promise<{ denied: boolean; reason?: string }> {
    const id = `toolu_${String(++this.n).padStart(2, '0')}`;
    const pre = this.hook('PreToolUse', { ...this.base('PreToolUse'), tool_name: tool.name, tool_input: this.input(tool), tool_use_id: id });
    expect(pre.code, pre.stderr).toBe(0);
    if (pre.stdout.trim() !== '') {
      const answer = JSON.parse(pre.stdout).hookSpecificOutput;
      if (answer?.permissionDecision === 'deny') return { denied: true, reason: answer.permissionDecisionReason };
    }
    let response: object;
    if (tool.name === 'Bash') {
      const r = spawnSync('sh', ['-c', tool.command], { cwd: this.t.dir, env: { ...this.t.env, ...this.agentEnv }, encoding: 'utf8' });
      expect(r.status, `${tool.command}: ${r.stderr}`).toBe(0);
      // Output with escapes in the JSON (newlines, a backslash), as real tool output has.
      response = { stdout: `${r.stdout}\n\\done`, stderr: r.stderr, interrupted: false };
    } else {
      this.t.write(tool.file, tool.content);
      response = { filePath: path.join(this.t.dir, tool.file), success: true };
    }
    const before = journal(this.t).length;
    const post = this.hook('PostToolUse', { ...this.base('PostToolUse'), tool_name: tool.name, tool_input: this.input(tool), tool_response: response, tool_use_id: id });
    expect(post.code, post.stderr).toBe(0);
    expect(post.stdout).toBe('');
    const end = journal(this.t)
      .slice(before)
      .find((e) => e.type === 'step-end');
    expect(end, 'the post-tool hook journals a step-end').toBeDefined();
    await waitFor(`the snapshot that closes step ${id}`, () => journal(this.t).some((e) => e.type === 'step-snapshot' && e.marks.includes(end.mark)), 60_000, 50);
    return { denied: false };
  }
}

/**
 * `guard server install PATH [--config FILE] [--allow-snapshots]` and `guard server uninstall
 * PATH`: the server-side layer. Installs a pre-receive hook into a bare repository (chaining any
 * pre-receive already there) that enforces the same .guard.yaml rules on every push, so
 * `--no-verify` or a disabled local hook does not get through. Which .guard.yaml applies: a copy
 * pinned with --config, else the one on the default branch before the push (see
 * src/githooks/server-policy.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { GuardError } from '../../errors.js';
import { runGit } from '../../git/run.js';
import { hooksLocation } from '../../githooks/install/hooks-dir.js';
import { selfTest } from '../../githooks/install/inspect.js';
import { installShims } from '../../githooks/install/install.js';
import { SERVER_HOOKS } from '../../githooks/install/shim.js';
import { uninstallShims } from '../../githooks/install/uninstall.js';
import { policyFromText } from '../../githooks/policy-from-text.js';
import { ALLOW_SNAPSHOTS_FILE } from '../../githooks/pre-receive.js';
import { openBare, pinnedConfigPath } from '../../githooks/server-policy.js';
import type { CommandContext } from '../main.js';

interface InstallArgs {
  path: string;
  config?: string;
  allowSnapshots?: boolean;
  json?: boolean;
}

async function bareRepo(target: string, cwd: string) {
  const dir = path.resolve(cwd, target);
  const probe = await runGit(['rev-parse', '--is-bare-repository'], { cwd: dir, okCodes: [128] }).catch(() => null);
  if (!probe || probe.code !== 0) throw new GuardError('user', `${dir} is not a git repository`);
  if (probe.stdout.toString('utf8').trim() !== 'true') {
    throw new GuardError('user', `${dir} is not a bare repository`, { hints: ['`guard server install` is for the repository people push to; in a working repository use `guard init`.'] });
  }
  return openBare(dir);
}

export async function install(args: InstallArgs, { cwd, out }: CommandContext): Promise<number> {
  const repo = await bareRepo(args.path, cwd);
  const guardDir = path.join(repo.gitDir, 'guard');
  let pinned: string | null = null;
  if (args.config) {
    const text = await fs.readFile(path.resolve(cwd, args.config), 'utf8');
    const policy = await policyFromText(text, path.resolve(cwd, args.config));
    if (policy.error) throw new GuardError('config', policy.error, { hints: ['Fix the file (`guard config check` in a working copy) and install again.'] });
    pinned = pinnedConfigPath(repo.gitDir);
    await fs.mkdir(guardDir, { recursive: true });
    await fs.writeFile(pinned, text);
  }
  const allowFile = path.join(guardDir, ALLOW_SNAPSHOTS_FILE);
  await fs.mkdir(guardDir, { recursive: true });
  if (args.allowSnapshots) await fs.writeFile(allowFile, 'refs/guard/* may be added and fast-forwarded here (a backup), never deleted or rewritten\n');
  else await fs.rm(allowFile, { force: true });

  const location = await hooksLocation(repo);
  const result = await installShims({ guardDir, hooksDir: location.dir, inCommonDir: location.inCommonDir, hooksPath: location.hooksPath, hooks: SERVER_HOOKS });
  const test = await selfTest(repo, repo.gitDir, 'pre-receive');
  if (out.json) {
    out.data({ ok: test.result === 'alive', repository: repo.gitDir, hooks: result.changes, pinnedConfig: pinned, allowSnapshots: args.allowSnapshots === true, selfTest: test });
  } else {
    for (const change of result.changes) {
      out.line(`${change.action === 'unchanged' ? 'already installed' : change.action === 'updated' ? 'updated' : 'installed'}: ${change.path}${change.chained ? ' (runs the pre-receive that was there, kept as pre-receive.guard-chained)' : ''}`);
    }
    out.line(pinned ? `rules: ${pinned} (pinned; update it with --config again)` : 'rules: .guard.yaml on the default branch (HEAD) as it is before each push; the defaults when there is none');
    out.line(args.allowSnapshots ? 'refs/guard/*: may be added and fast-forwarded (a backup), never deleted or rewritten' : 'refs/guard/*: refused (snapshots stay on the machines that took them)');
    out.line(test.result === 'alive' ? 'self-test: git runs the hook' : `self-test FAILED: ${test.detail}`);
  }
  return test.result === 'alive' ? 0 : 1;
}

export async function uninstall(args: { path: string; json?: boolean }, { cwd, out }: CommandContext): Promise<number> {
  const repo = await bareRepo(args.path, cwd);
  const guardDir = path.join(repo.gitDir, 'guard');
  const result = await uninstallShims(guardDir);
  await fs.rm(pinnedConfigPath(repo.gitDir), { force: true });
  await fs.rm(path.join(guardDir, ALLOW_SNAPSHOTS_FILE), { force: true });
  if (out.json) out.data(result);
  else if (!result.installed) out.line('guard was not installed in this repository.');
  else for (const change of result.changes) out.line(`${change.path}: ${change.action}${change.note ? ` (${change.note})` : ''}`);
  return 0;
}

/**
 * An existing ignored file (`.env`, not regenerable output, so no snapshot holds it) replaced by
 * a tool that names its output file in an option or operand: `curl -o .env`, `wget -O .env`,
 * `sort -o .env`, `uniq in .env`, `openssl rand -out .env`, `gcc -o .env`, `git archive -o .env`,
 * `git bundle create .env`, `tar -cf .env`. Before 2026-12-05 these were "allow: no destructive
 * command found" (the redirection `> .env` was captured first, these were not), so the old bytes
 * were gone for good. Now each written path goes through the same judgment as a redirection
 * (src/policy/command/output-files.ts into targets.ts checkWriteTarget): rule overwrite-ignored,
 * the snapshot captures the file first, `guard rollback` puts the old bytes back. The agent's
 * step runs the hook as installed (launcher, sh fast path, Node), so the fast path must hand
 * these tools off. The commands that can run offline run for real; curl reads a file:// URL;
 * wget (network only) is judged and captured, then its write is done by hand.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { withGitCount } from '../../helpers/git-trace.js';

const OLD = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Built once (beforeAll) and copied for each test (test/helpers/repo-template.ts). */
function build(t: TestRepo): void {
  commitFiles(t, { '.gitignore': '.env\n*.log\ndist/\n', 'data.txt': 'b\na\na\n', 'hello.c': 'int main(void) { return 0; }\n', 'sub/keep.txt': 'k\n' });
  writeFiles(t, { '.env': [OLD, 0o600], 'dist/app.js': 'built\n', 'tpl/.env': 'FROM_TEMPLATE=1\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

const fullState = (t: TestRepo): unknown => stateWithModes(t, ['.env']);

/** Commands that replace .env and run here without a network (curl reads a file:// URL under the repository). */
const RUNS: Array<[string, (t: TestRepo) => string, string?]> = [
  ['sort -o', () => 'sort -o .env data.txt'],
  ['sort --output=', () => 'sort --output=.env data.txt'],
  ['uniq IN OUT', () => 'uniq data.txt .env'],
  ['openssl rand -out', () => 'openssl rand -out .env 16', 'openssl'],
  ['git archive -o', () => 'git archive -o .env HEAD'],
  ['git bundle create', () => 'git bundle create .env HEAD'],
  ['tar -cf', () => 'tar -cf .env data.txt'],
  ['tar czf (old style)', () => 'tar czf .env data.txt'],
  ['curl -o', (t) => `curl -s -o .env file://${t.dir}/data.txt`, 'curl'],
  ['curl -sSLo (attached)', (t) => `curl -sSLo.env file://${t.dir}/data.txt`, 'curl'],
  ['curl -O (the URL file name)', (t) => `curl -sO file://${t.dir}/tpl/.env`, 'curl'],
];

describe('an ignored file replaced through an output-file option is captured first and comes back', () => {
  it.each(RUNS.map(([label, make, tool]) => [label, make, tool] as const))('%s: overwrite-ignored, the hook captures .env, rollback gives the old bytes back', async (_label, make, tool) => {
    if (tool && !has(tool)) return; // not installed here: the verdict cases below still cover its text
    await template.withCopy(async (t) => {
      const command = make(t);
      const verdict = await evaluatedVerdict(t, command);
      expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(verdict.reason).toContain('replaces the ignored file .env');
      const before = fullState(t);
      // The hook's answer, and what it journaled (the snapshot's rule and the ignored file it captured).
      expect(hookWithVerdict(t, command)).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['.env'] });
      shellOk(t, command);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).not.toEqual(OLD);
      expect(rollbackOk(t)).toContain('.env');
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(OLD);
      expect(fullState(t)).toEqual(before);
    });
  });

  it('wget -O / -qO / --output-document= / -N (network: judged and captured, the write done by hand), and relative to where the command runs', async () => {
    await template.withCopy(async (t) => {
      // op (1Password): secrets written into the ignored file (realproj4's `op inject -o .envrc.secrets`).
      const op = ['op inject -i tpl/.env -o .env', 'op inject -f --in-file tpl/.env --out-file=.env', 'op read -o .env op://dev/api/key', 'op read op://dev/api/key -fo.env', 'op document get env-file --output .env'];
      for (const command of ['wget -O .env http://127.0.0.1:9/x', 'wget -qO.env http://127.0.0.1:9/x', 'wget --output-document=.env http://127.0.0.1:9/x', 'wget -N http://127.0.0.1:9/.env', 'curl -fsSL http://127.0.0.1:9/x -o .env', ...op]) {
        expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      }
      // From sub/: ../.env is the ignored file, .env there is a new path.
      const sub = path.join(t.dir, 'sub');
      expect(await evaluatedVerdict(t, 'sort -o ../.env ../data.txt', { cwd: sub })).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      const fromSub = checkVerdict(t, 'sort -o .env ../data.txt', { cwd: sub });
      expect(fromSub).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(fromSub).toEqual(await evaluatedVerdict(t, 'sort -o .env ../data.txt', { cwd: sub }));
      const before = fullState(t);
      expect(hookWithVerdict(t, 'wget -qO .env http://127.0.0.1:9/x')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['.env'] });
      fs.writeFileSync(path.join(t.dir, '.env'), '<html>downloaded</html>\n');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(OLD);
      expect(fullState(t)).toEqual(before);
      // The installed hook hands `op ... -o` to Node (the sh fast path would have allowed it).
      expect(hookWithVerdict(t, 'op inject -i tpl/.env -o .env')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['.env'] });
      fs.writeFileSync(path.join(t.dir, '.env'), 'API_KEY=from-1password\n');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(OLD);
    });
  });

  it('what replaces no ignored file stays a plain write: regenerable output, tracked and new files, stdout, no-clobber, wget without -O', async () => {
    await template.withCopy(async (t) => {
      const plain = [
        'sort -o dist/app.js data.txt', 'sort -o data.txt data.txt', 'sort -o new.txt data.txt', 'uniq data.txt', 'uniq data.txt -',
        'curl -o - http://127.0.0.1:9/x', 'curl --no-clobber -o .env http://127.0.0.1:9/x', 'curl -o dist/app.js http://127.0.0.1:9/x',
        'wget http://127.0.0.1:9/.env', 'wget -O - http://127.0.0.1:9/x', 'wget -a .env http://127.0.0.1:9/x', 'openssl rand -hex 16',
        'tar -tf .env', 'git archive HEAD', 'gcc -c hello.c', 'sort data.txt',
        'op read op://dev/api/key', 'op inject -i tpl/.env', 'op inject -i tpl/.env -o new.env', 'op item get api -o json', 'op run --env-file=.env -- npm start',
        // A compiler's output is the build's own (output-files.ts): no capture before each build.
        'gcc -o .env hello.c', 'g++ -o.env hello.c', 'go build -o .env ./cmd/x', 'go test -c -o .env ./pkg',
      ];
      for (const command of plain) expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      for (const command of ['sort -o dist/app.js data.txt', 'curl -s -o new.txt http://127.0.0.1:9/x']) {
        expect(hookWithVerdict(t, command), command).toMatchObject({ decision: 'allow', verdict: 'allow', rule: '', capturedIgnored: [] });
      }
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(OLD);
    });
  });

  it('costs what the redirection costs: the same git processes for `curl -o .env` as for `> .env`', async () => {
    await template.withCopy(async (t) => {
      const judged = (command: string): { verdict: string; processes: string } => {
        const { result, count } = withGitCount(t.base, command.replace(/[^a-z]+/g, '-'), (env) => t.guard(['check-command', '--json', command], { env }));
        return { verdict: (JSON.parse(result.stdout) as { rule: string }).rule, processes: JSON.stringify(count.byCommand) };
      };
      const redirect = judged('echo x > .env');
      expect(redirect.verdict).toBe('overwrite-ignored');
      for (const command of ['curl -o .env http://127.0.0.1:9/x', 'sort -o .env data.txt', 'git archive -o .env HEAD', 'tar -cf .env data.txt']) {
        expect(judged(command), command).toEqual(redirect);
      }
    });
  });
});


// hooks/agent-hook.sh under real sh (dash): the fast path on every agent's payload shapes, its
// equivalence with fastPathAllows (TypeScript) on the whole corpus, its soundness against the
// classifier, the hand-off to Node with the payload unchanged, and failing closed without Node.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_PATH_RISKY_PREFIXES, FAST_PATH_RISKY_WORDS, classifyCommand, fastPathAllows } from '../../../../src/policy/command/index.js';
import { PROJECT_ROOT } from '../../../helpers/git-repo.js';
import { AGENT_CONTEXT, AGENT_ROWS, HUMAN_CONTEXT, HUMAN_ROWS, NO_REPO_ROWS, NO_STASH_ROWS } from './corpus.js';

const SHIM = path.join(PROJECT_ROOT, 'hooks', 'agent-hook.sh');
const SH = fs.existsSync('/usr/bin/dash') ? '/usr/bin/dash' : '/bin/sh';

let tmp: string;
let fakeBin: string;
let noNodeBin: string;

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'guard-shim-')));
  fakeBin = path.join(tmp, 'bin');
  noNodeBin = path.join(tmp, 'empty');
  fs.mkdirSync(fakeBin);
  fs.mkdirSync(noNodeBin);
  // Everything the shim may use except node.
  for (const tool of ['cat', 'git', 'date']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) fs.symlinkSync(found, path.join(noNodeBin, tool));
  }
  // A stand-in for node: shows it was started, with which arguments, and what it got on stdin.
  fs.writeFileSync(path.join(fakeBin, 'node'), '#!/bin/sh\nprintf "HANDOFF %s\\n" "$*"\ncat\n', { mode: 0o755 });
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface ShimResult {
  stdout: string;
  stderr: string;
  code: number;
  handedOff: boolean;
}

function runShim(agent: string, event: string, payload: string, options: { noNode?: boolean; cwd?: string } = {}): ShimResult {
  const pathDirs = options.noNode ? [noNodeBin] : [fakeBin, '/usr/bin', '/bin'];
  const r = spawnSync(SH, [SHIM, agent, event], {
    input: payload,
    encoding: 'utf8',
    cwd: options.cwd ?? tmp,
    env: { PATH: pathDirs.join(':'), HOME: tmp },
  });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1, handedOff: r.stdout.startsWith('HANDOFF ') };
}

/**
 * The shim's fast-path decision for many payloads in one sh process: its own function
 * definitions (everything above the main marker) with each payload run in a subshell.
 */
function fastPathBatch(agent: string, payloads: string[]): boolean[] {
  const text = fs.readFileSync(SHIM, 'utf8');
  const marker = text.indexOf('# ---- main');
  expect(marker).toBeGreaterThan(0);
  const harness = path.join(tmp, `harness-${agent}.sh`);
  const input = path.join(tmp, `payloads-${agent}.txt`);
  fs.writeFileSync(harness, `${text.slice(0, marker).replace(/^guard_payload=\$\(cat\).*$/m, '')}\nguard_agent=${agent}\nguard_event=pre-tool\nwhile IFS= read -r guard_payload; do\n  if (guard_fast_allow); then echo 1; else echo 0; fi\ndone < '${input}'\n`);
  fs.writeFileSync(input, `${payloads.join('\n')}\n`);
  const r = spawnSync(SH, [harness], { encoding: 'utf8', input: '' });
  expect(r.stderr).toBe('');
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(payloads.length);
  return lines.map((l) => l === '1');
}

const claude = (command: string): string =>
  JSON.stringify({ session_id: 's1', transcript_path: '/home/dev/.claude/projects/x.jsonl', cwd: '/home/dev/project', permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command, description: 'Run it' }, tool_use_id: 'toolu_1' });

const PAYLOADS: Record<string, (command: string) => string> = {
  claude,
  codex: (command) => JSON.stringify({ session_id: 's', turn_id: 't', cwd: '/home/dev/project', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } }),
  gemini: (command) => JSON.stringify({ session_id: 's', cwd: '/home/dev/project', hook_event_name: 'BeforeTool', timestamp: '2026-01-01T00:00:00Z', tool_name: 'run_shell_command', tool_input: { command, description: 'x' } }),
  cursor: (command) => JSON.stringify({ conversation_id: 'c', generation_id: 'g', hook_event_name: 'beforeShellExecution', workspace_roots: ['/home/dev/project'], command, cwd: '/home/dev/project' }),
  copilot: (command) => JSON.stringify({ sessionId: 's', timestamp: 1, cwd: '/home/dev/project', toolName: 'bash', toolArgs: JSON.stringify({ command, description: 'x' }) }),
  opencode: (command) => JSON.stringify({ sessionID: 's', tool: 'bash', args: { command }, cwd: '/home/dev/project' }),
};

const ALLOW_OUTPUT: Record<string, string> = { claude: '', codex: '', gemini: '{}\n', cursor: '{"permission":"allow"}\n', copilot: '', opencode: '' };

describe('agent-hook.sh fast path', () => {
  it.each(Object.keys(PAYLOADS))('%s: answers benign commands itself, exactly as the agent module allows', (agent) => {
    const make = PAYLOADS[agent] as (c: string) => string;
    for (const command of ['ls -la', 'cargo test', 'cat README.md', 'cargo test 2>&1 | tail -n 40', "echo 'hello world'", 'mkdir -p build/out']) {
      const result = runShim(agent, 'pre-tool', make(command));
      expect({ command, ...result }).toEqual({ command, stdout: ALLOW_OUTPUT[agent], stderr: '', code: 0, handedOff: false });
    }
  });

  it.each(Object.keys(PAYLOADS))('%s: hands risky commands to Node with the payload unchanged', (agent) => {
    const make = PAYLOADS[agent] as (c: string) => string;
    for (const command of ['git push --force', 'rm -rf src', 'echo $(whoami)', 'curl x | sh', 'ls > out.txt', 'ls *.md', 'GIT_DIR=x ls', 'npm run nuke', 'pnpm db:reset', 'yarn clean']) {
      const payload = make(command);
      const result = runShim(agent, 'pre-tool', payload);
      expect(result.handedOff).toBe(true);
      expect(result.stdout).toBe(`HANDOFF ${PROJECT_ROOT}/hooks/../bin/guard.js agent-hook ${agent} pre-tool\n${payload}\n`);
    }
  });

  it('hands every other event and every non-shell tool to Node', () => {
    expect(runShim('claude', 'session-start', '{"session_id":"s","source":"startup"}').handedOff).toBe(true);
    expect(runShim('claude', 'stop', '{}').handedOff).toBe(true);
    expect(runShim('claude', 'post-tool', claude('ls')).handedOff).toBe(true);
    const write = JSON.stringify({ tool_name: 'Write', tool_input: { file_path: '/home/dev/project/a.txt', content: 'ls' } });
    expect(runShim('claude', 'pre-tool', write).handedOff).toBe(true);
    expect(runShim('cursor', 'pre-tool', JSON.stringify({ hook_event_name: 'preToolUse', tool_name: 'Write', tool_input: { file_path: 'a' } })).handedOff).toBe(true);
    expect(runShim('copilot', 'pre-tool', JSON.stringify({ toolName: 'powershell', toolArgs: { command: 'ls' } })).handedOff).toBe(true);
    expect(runShim('codex', 'pre-tool', JSON.stringify({ tool_name: 'apply_patch', tool_input: { command: 'ls' } })).handedOff).toBe(true);
    expect(runShim('unknown-agent', 'pre-tool', claude('ls')).handedOff).toBe(true);
    expect(runShim('claude', 'pre-tool', '').handedOff).toBe(true);
    expect(runShim('claude', 'pre-tool', 'not json').handedOff).toBe(true);
  });

  it('accepts Copilot toolArgs as an object and Codex commands under cmd', () => {
    expect(runShim('copilot', 'pre-tool', JSON.stringify({ toolName: 'bash', toolArgs: { command: 'ls -la' } })).stdout).toBe('');
    expect(runShim('codex', 'pre-tool', JSON.stringify({ tool_name: 'exec_command', tool_input: { cmd: 'cargo test' } })).stdout).toBe('');
    expect(runShim('codex', 'pre-tool', JSON.stringify({ tool_name: 'exec_command', tool_input: { cmd: 'rm -rf x' } })).handedOff).toBe(true);
    // Codex may send the command as an argv array: the shim does not parse arrays.
    expect(runShim('codex', 'pre-tool', JSON.stringify({ tool_name: 'shell', tool_input: { command: ['bash', '-lc', 'ls'] } })).handedOff).toBe(true);
  });

  it('answers curl, sort and uniq in sh unless an option or operand may write a file, and hands those to Node', () => {
    const fast = ['curl -s http://localhost:3000/api', 'curl -sS -X POST -H Content-Type:application/json localhost:8080', 'ls | sort', 'sort -rn counts.txt', 'cat a | sort | uniq -c | sort -rn | head', 'uniq -c data.txt', 'sort -u data.txt | uniq', 'op read op://dev/api/key', 'op whoami'];
    const handed = ['curl -o .env http://x', 'curl -sSLo .env http://x', 'curl -O http://x/.env', 'curl --output .env http://x', 'curl -c jar http://x', 'sort -o .env a', 'sort -uo .env a', "sort '-o' .env a", 'sort --output=.env a', 'uniq a .env', 'uniq -c a .env', 'cat a | uniq - .env', 'x;uniq a', 'uniq a|cat', 'ls | sort; sort -o .env a', 'op inject -i t -o .env', 'op read --out-file=.env op://x/y/z', 'OP read -fo.env op://x/y/z'];
    const decisions = fastPathBatch('claude', [...fast, ...handed].map(claude));
    fast.forEach((command, i) => expect({ command, fast: decisions[i] }).toEqual({ command, fast: true }));
    handed.forEach((command, i) => expect({ command, fast: decisions[fast.length + i] }).toEqual({ command, fast: false }));
    for (const command of [...fast, ...handed]) expect({ command, ts: fastPathAllows(command) }).toEqual({ command, ts: fast.includes(command) });
  });

  it('answers curl, httpie and xh in sh unless beside a DELETE/PATCH-like word or graphql (http-api.ts), and hands those to Node', () => {
    const fast = ['curl https://example.com | jq', 'curl -s https://api.example.com/v1/items | jq .', 'curl -X POST localhost:3000/api -d x=1', 'http localhost:3000/health', 'xh get example.com/api', 'curl -sS http://localhost:8080/patches/list'];
    const handed = ['curl -X DELETE https://gitlab.com/api/v4/projects/1', 'curl -X DELETE gitlab.example/api/v4/projects/1', 'curl -XDELETE https://gitlab.com/api/v4/projects/1', 'curl -X delete https://x/api/v4/projects/1', 'curl -sXPATCH https://ghe.corp/api/v3/repos/o/r/git/refs/heads/main', 'curl -sXdelete https://gitlab.example/api/v4/projects/1', 'curl -d x https://ghe.corp/api/graphql', 'http DELETE gitlab.com/api/v4/projects/1', 'xh delete gitlab.com/api/v4/projects/1', 'xhs PATCH x/y', 'https Delete gitlab.com/api/v4/projects/1'];
    const decisions = fastPathBatch('claude', [...fast, ...handed].map(claude));
    fast.forEach((command, i) => expect({ command, fast: decisions[i] }).toEqual({ command, fast: true }));
    handed.forEach((command, i) => expect({ command, fast: decisions[fast.length + i] }).toEqual({ command, fast: false }));
    for (const command of [...fast, ...handed]) expect({ command, ts: fastPathAllows(command) }).toEqual({ command, ts: fast.includes(command) });
  });

  it('answers sam, amplify, ampx, eksctl, kops, azd, eb and doctl in sh unless beside a delete-like word (infra-destroy.ts, doctl.ts), and hands those to Node', () => {
    const fast = ['sam build', 'sam deploy --guided', 'sam local invoke Fn -e events/e.json', 'amplify status', 'amplify push -y', 'npx ampx sandbox', 'eksctl get cluster', 'kops get clusters', 'azd up', 'azd deploy', 'eb status', 'eb deploy prod', 'kind delete cluster', 'minikube delete', 'doctl databases list', 'doctl k8s cluster kubeconfig save prod'];
    const handed = ['sam delete --no-prompts', 'SAM delete', 'amplify delete --force', 'amplify env remove dev', 'npx ampx sandbox delete', 'eksctl delete cluster --name prod', 'kops delete cluster --yes', 'azd down --purge', 'eb terminate --all', 'cd infra && sam delete', 'sam build && azd down', 'copilot svc deploy', 'doctl databases delete abc -f', 'doctl compute droplet d web-1'];
    const decisions = fastPathBatch('claude', [...fast, ...handed].map(claude));
    fast.forEach((command, i) => expect({ command, fast: decisions[i] }).toEqual({ command, fast: true }));
    handed.forEach((command, i) => expect({ command, fast: decisions[fast.length + i] }).toEqual({ command, fast: false }));
    for (const command of [...fast, ...handed]) expect({ command, ts: fastPathAllows(command) }).toEqual({ command, ts: fast.includes(command) });
  });

  it('answers medusa in sh unless beside --execute-* or a risky word (server-frameworks-js.ts medusa), and hands those to Node', () => {
    const fast = ['medusa develop', 'npx medusa start', 'npx medusa build'];
    const handed = ['npx medusa db:sync-links --execute-all', 'npx medusa db:sync-links --execute-safe', 'npx medusa db:rollback --modules product', 'MEDUSA db:sync-links --execute-all'];
    const decisions = fastPathBatch('claude', [...fast, ...handed].map(claude));
    fast.forEach((command, i) => expect({ command, fast: decisions[i] }).toEqual({ command, fast: true }));
    handed.forEach((command, i) => expect({ command, fast: decisions[fast.length + i] }).toEqual({ command, fast: false }));
    for (const command of [...fast, ...handed]) expect({ command, ts: fastPathAllows(command) }).toEqual({ command, ts: fast.includes(command) });
  });

  it('answers dvc in sh unless beside gc, destroy, -f/--force, --outs or apply (dvc.ts), and hands those to Node', () => {
    const fast = ['dvc status', 'dvc repro', 'dvc push', 'dvc pull', 'dvc add data/train.csv', 'dvc dag', 'dvc exp run', 'dvc metrics show', 'dvc checkout data/train.csv', 'dvc exp remove --all', 'dvc exp show', 'dvc exp branch exp-1a2b3 better'];
    const handed = ['dvc gc -w', 'dvc gc -aT -c -f', 'dvc destroy -f', 'dvc checkout -f', 'dvc checkout --force data/train.csv', 'dvc pull -f', 'dvc remove --outs data/train.csv.dvc', 'cd ml && dvc gc --workspace', 'DVC gc -w', 'dvc exp apply exp-1a2b3'];
    const decisions = fastPathBatch('claude', [...fast, ...handed].map(claude));
    fast.forEach((command, i) => expect({ command, fast: decisions[i] }).toEqual({ command, fast: true }));
    handed.forEach((command, i) => expect({ command, fast: decisions[fast.length + i] }).toEqual({ command, fast: false }));
    for (const command of [...fast, ...handed]) expect({ command, ts: fastPathAllows(command) }).toEqual({ command, ts: fast.includes(command) });
  });

  it('answers helmfile, skaffold and tilt in sh unless helmfile is beside destroy|delete or skaffold beside a delete-like word (cluster.ts), and hands those to Node', () => {
    const fast = ['helmfile apply', 'helmfile -e prod sync', 'helmfile diff', 'skaffold dev', 'skaffold run --tail', 'skaffold build', 'tilt up', 'tilt down', 'tilt down --delete-namespaces'];
    const handed = ['helmfile destroy', 'helmfile delete --purge', 'HELMFILE -e prod destroy', 'cd deploy && helmfile destroy', 'skaffold delete', 'skaffold delete --dry-run', 'Skaffold -p prod delete'];
    const decisions = fastPathBatch('claude', [...fast, ...handed].map(claude));
    fast.forEach((command, i) => expect({ command, fast: decisions[i] }).toEqual({ command, fast: true }));
    handed.forEach((command, i) => expect({ command, fast: decisions[fast.length + i] }).toEqual({ command, fast: false }));
    for (const command of [...fast, ...handed]) expect({ command, ts: fastPathAllows(command) }).toEqual({ command, ts: fast.includes(command) });
  });

  it('answers the word task in sh where only a program that runs no operand has it (grep task README.md), and hands task the program to Node', () => {
    const fast = ['grep task README.md', 'echo task', 'grep -rn "task" src | head', 'cat docs/task.md', 'ls taskfiles && grep -i Task notes.txt', 'echo task:db', "printf '%s' task; ls", 'grep "a;b" task.txt', 'wc -l task', 'grep "x;" task'];
    const handed = ['task', 'task build', 'TASK clean', 'ls && task db:reset', 'echo x; task clean', 'echo x | task', 'echo x&&task y', 'env task clean', 'timeout 60 task x', 'FOO=1 task x', '>/dev/null task clean', '! task x', '"task" clean', "ta'sk' clean", '/usr/local/bin/task clean', './bin/task x', 'xargs task <list', "xargs -d ';echo' task", 'go test ./internal/task/...', "echo 'task", 'grep x|task', 'rg --pre task x', "env 'a;task'"];
    const decisions = fastPathBatch('claude', [...fast, ...handed].map(claude));
    fast.forEach((command, i) => expect({ command, fast: decisions[i] }).toEqual({ command, fast: true }));
    handed.forEach((command, i) => expect({ command, fast: decisions[fast.length + i] }).toEqual({ command, fast: false }));
    for (const command of [...fast, ...handed]) expect({ command, ts: fastPathAllows(command) }).toEqual({ command, ts: fast.includes(command) });
    // The answers of a real sh run: no Node for grep, Node for task.
    expect(runShim('claude', 'pre-tool', claude('grep task README.md'))).toMatchObject({ stdout: '', handedOff: false });
    expect(runShim('claude', 'pre-tool', claude('ls && task db:reset')).handedOff).toBe(true);
  });

  it("answers an installer's install in sh (pip install -e ., bundle install), and hands install the program to Node", () => {
    // friction9 (2026-12-08): `bundle install`, `poetry install`, `pip install -e .`, `gem install bundler`,
    // `pre-commit install` started Node in textualize/rich and jekyll/minima for the word install alone.
    const fast = ['pip install -e .', 'pip3 install requests', 'poetry install --with dev', 'bundle install', 'gem install bundler', 'pre-commit install', 'cargo install cargo-insta', 'go install ./cmd/x', 'brew install jq', 'pipx install black', 'bundle install && rspec', 'cargo build; cargo install --path .', '"pip" install x'];
    const handed = ['install -m 755 bin/x /usr/local/bin/x', 'INSTALL a b', 'make install', 'pip install ./install.whl', 'pip install --install-option=x y', 'poetry run install a b', 'env pip install x', 'sudo pip install x', 'FOO=1 pip install x', 'pip -q install x', 'pip INSTALL x', 'pip install x && install a b', 'pip install x; install a b', 'pip install x | install a', 'xargs install <list', "pip install 'x;install' a", 'adb install -r app.apk', 'helm install x ./chart', 'uv pip install ruff', '/usr/bin/pip install x', "pip install 'x", 'go test ./internal/install/...'];
    const decisions = fastPathBatch('claude', [...fast, ...handed].map(claude));
    fast.forEach((command, i) => expect({ command, fast: decisions[i] }).toEqual({ command, fast: true }));
    handed.forEach((command, i) => expect({ command, fast: decisions[fast.length + i] }).toEqual({ command, fast: false }));
    for (const command of [...fast, ...handed]) expect({ command, ts: fastPathAllows(command) }).toEqual({ command, ts: fast.includes(command) });
    // What sh answers, the full check allows; install the program still writes by name there.
    for (const command of fast) expect({ command, verdict: classifyCommand(command, AGENT_CONTEXT).verdict }).toEqual({ command, verdict: 'allow' });
    // The answers of a real sh run: no Node for bundle install, Node for install.
    expect(runShim('claude', 'pre-tool', claude('bundle install'))).toMatchObject({ stdout: '', handedOff: false });
    expect(runShim('claude', 'pre-tool', claude('pip install x && install -m 644 a /etc/a')).handedOff).toBe(true);
  });

  it('treats every escape but \\" as risky, and escaped quotes correctly', () => {
    expect(runShim('claude', 'pre-tool', claude('echo "hi there"')).stdout).toBe('');
    for (const command of ['ls\nrm -rf /', 'echo \\x', 'echo "a\\"b"', 'r\u00e9sum\u00e9', 'ls\t-la']) {
      expect(runShim('claude', 'pre-tool', claude(command)).handedOff, command).toBe(command === 'ls\t-la' ? true : true);
    }
    // A hand-written \u escape spelling rm, and a JSON escape of a slash.
    expect(runShim('claude', 'pre-tool', '{"tool_name":"Bash","tool_input":{"command":"\\u0072m -rf /"}}').handedOff).toBe(true);
    expect(runShim('claude', 'pre-tool', '{"tool_name":"Bash","tool_input":{"command":"ls \\/tmp"}}').handedOff).toBe(true);
  });

  it('cannot be fooled by look-alike keys, duplicate keys or unusual JSON spacing', () => {
    // The real command is risky; a description holding an escaped "command" must not hide it.
    const spoof = '{"tool_name":"Bash","tool_input":{"description":"{\\"command\\":\\"ls\\"}","command":"rm -rf /"}}';
    expect(runShim('claude', 'pre-tool', spoof).handedOff).toBe(true);
    // Two tool names: every one must be the shell tool.
    expect(runShim('claude', 'pre-tool', '{"tool_name":"Bash","tool_name":"Write","tool_input":{"command":"ls"}}').handedOff).toBe(true);
    // Two commands: both are checked.
    expect(runShim('claude', 'pre-tool', '{"tool_name":"Bash","tool_input":{"command":"ls","command":"git push -f"}}').handedOff).toBe(true);
    // A key written with a space before the colon is not read, so the shim does not decide.
    expect(runShim('claude', 'pre-tool', '{"tool_name":"Bash","tool_input":{"command" : "rm -rf /"}}').handedOff).toBe(true);
    expect(runShim('claude', 'pre-tool', '{"tool_name":"Bash","tool_input":{"command": "ls -la"}}').stdout).toBe('');
    // No command at all.
    expect(runShim('claude', 'pre-tool', '{"tool_name":"Bash","tool_input":{}}').handedOff).toBe(true);
    // Copilot's toolArgs string with a double escape inside.
    expect(runShim('copilot', 'pre-tool', JSON.stringify({ toolName: 'bash', toolArgs: JSON.stringify({ command: 'echo "x"' }) })).handedOff).toBe(true);
  });

  it('agrees with fastPathAllows on every corpus command, and only ever allows what the classifier allows', () => {
    const commands = [...new Set([...AGENT_ROWS, ...HUMAN_ROWS, ...NO_REPO_ROWS, ...NO_STASH_ROWS].map((row) => row[0]))];
    const decisions = fastPathBatch('claude', commands.map(claude));
    let fast = 0;
    commands.forEach((command, index) => {
      const shimAllows = decisions[index] as boolean;
      expect({ command, shimAllows }).toEqual({ command, shimAllows: fastPathAllows(command) });
      if (shimAllows) {
        fast++;
        expect({ command, verdict: classifyCommand(command, AGENT_CONTEXT).verdict }).toEqual({ command, verdict: 'allow' });
        expect({ command, verdict: classifyCommand(command, HUMAN_CONTEXT).verdict }).toEqual({ command, verdict: 'allow' });
      }
    });
    console.log(`agent-hook.sh fast path: ${fast} of ${commands.length} corpus commands answered without Node`);
    // tar and unzip go to the full check since 2026-12-04 (an extraction may replace ignored files: archives.ts),
    // wget and openssl since 2026-12-05 (output-file options: output-files.ts); curl, sort and uniq only
    // with an option or operand that writes (FAST_PATH_OPTION_RISKY, uniqMayWrite); npm, pnpm and yarn
    // since 2026-12-05 (they run package.json scripts: package-scripts.ts).
    expect(fast).toBeGreaterThan(30);
  });

  it('agrees with fastPathAllows on generated commands, and stays sound on them', () => {
    const pieces = ['ls', '-la', 'npm', 'test', 'rm', 'git', 'push', '-f', '>', '/dev/null', '2>&1', '|', '&&', ';', "'", '"', 'x', 'src/app.ts', 'GIT_DIR=x', 'node_modules', 'R""M', '.git', 'echo', '#', '~', 'ca', 't', '>>', '2>', 'cp', 'a.txt', 'python3', 'pythonic', 'sort', 'curl', 'uniq', 'UNIQ', 'Sort', '-o', '-uo', '-rn', '--output=x', '-sSLo', '-sS', '-c', '-', 'data.txt', '.env', '|', ';uniq', '-a-o', '--fail', 'task', 'TASK', 'grep', 'db:reset', 'env', ';echo', '&', '-X', 'DELETE', '-sXpatch', 'xh', 'http://x/graphql', 'install', 'INSTALL', 'pip', 'bundle', 'pre-commit'];
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const commands: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const words: string[] = [];
      const n = 1 + Math.floor(rnd() * 6);
      for (let j = 0; j < n; j++) words.push((pieces[Math.floor(rnd() * pieces.length)] as string) + (rnd() < 0.15 ? '' : ' '));
      commands.push(words.join('').trim());
    }
    for (const agent of Object.keys(PAYLOADS)) {
      const make = PAYLOADS[agent] as (c: string) => string;
      const sample = agent === 'claude' ? commands : commands.slice(0, 300);
      const decisions = fastPathBatch(agent, sample.map(make));
      sample.forEach((command, index) => {
        const shimAllows = decisions[index] as boolean;
        // Copilot's string toolArgs double-escapes quotes, which the shim hands off.
        const expected = fastPathAllows(command) && !(agent === 'copilot' && command.includes('"'));
        expect({ agent, command, shimAllows }).toEqual({ agent, command, shimAllows: expected });
        if (shimAllows) expect({ command, verdict: classifyCommand(command, AGENT_CONTEXT).verdict }).toEqual({ command, verdict: 'allow' });
      });
    }
    // 3,500 shim runs: about 20 s on an idle 2-core machine, over the default 60 s at load 20.
  }, 300_000);

  it('keeps its risky-word patterns identical to FAST_PATH_RISKY_WORDS and _PREFIXES', () => {
    const text = fs.readFileSync(SHIM, 'utf8');
    const block = /# BEGIN risky words[^\n]*\n([\s\S]*?)\) return 1 ;;\n\s*# END risky words/.exec(text);
    expect(block).not.toBeNull();
    const patterns = (block?.[1] as string).replace(/\\\n/g, '').split('|').map((p) => p.trim());
    const ci = (word: string): string => [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');
    expect(patterns).toEqual([...FAST_PATH_RISKY_WORDS.map(ci), ...FAST_PATH_RISKY_PREFIXES.map((p) => `${ci(p)}*`)]);
  });
});

describe('agent-hook.sh fast path: script files (script-files.ts reads them)', () => {
  it('hands a line to Node when a word names a file the full check reads as a shell script', () => {
    // Not under tmp, whose name holds the risky word guard (an absolute path would go to Node for that alone).
    const project = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'shim-scripts-')));
    const files: Record<string, [string | Buffer, number]> = {
      reset: ['#!/bin/sh\ngit clean -fdx\n', 0o755],
      'scripts/clean': ['git clean -fdx\n', 0o755],
      'bin/setup': ['#!/usr/bin/env -S bash -e\nrm -f .env\n', 0o755],
      'bin/spaced': ['#! /bin/dash\nrm -f .env\n', 0o755],
      'sub/go': ['#!/bin/sh\nrm -f .env\n', 0o755],
      'my dir/re set': ['#!/bin/sh\nrm -f .env\n', 0o755],
      envfile: ['export A=1\n', 0o644],
      'plain': ['#!/bin/sh\nrm -f .env\n', 0o644],
      'tool.py': ['#!/usr/bin/env python3\nprint(1)\n', 0o755],
      'bin/cli.js': ['#!/usr/bin/env node\nrequire("fs")\n', 0o755],
      'tool.tcl': ['#!/usr/bin/env tclsh\nputs 1\n', 0o755],
      'env-u': ['#!/usr/bin/env -u X bash\n', 0o755],
      empty: ['', 0o755],
      'bin/app': [Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1'), Buffer.alloc(64)]), 0o755],
      'bin/macho': [Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), Buffer.alloc(64)]), 0o755],
      'bin/data': [Buffer.from([1, 2, 3, 10]), 0o755],
    };
    for (const [file, [text, mode]] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), text, { mode });
      fs.chmodSync(path.join(project, file), mode);
    }
    const node = ['./reset', './reset --force', 'scripts/clean', './scripts/clean', 'bin/setup', 'bin/spaced', 'timeout 5 ./reset', 'x;./reset', 'echo a && ./reset 2>/dev/null', `${project}/reset`, 'cd sub && ./go', `cd ${project}/sub && ./go`, 'cd - && ./go', 'env -C sub ./go', '"./my dir/re set"', "'./my dir/re set' x", '. envfile', '. ./envfile', 'cat ./reset', 'bin/data', './tool.py', 'bin/cli.js --help'];
    const fast = ['./tool.tcl', './env-u', './empty', './bin/app --version', 'bin/macho', './plain', './missing', 'ls scripts/ sub', 'ls . src', 'cd sub; ls', 'cd && ./go', './my dir/re set', 'cat tool.py'];
    const payload = (command: string, cwd: string | null = project): string => JSON.stringify({ session_id: 's', ...(cwd ? { cwd } : {}), hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } });
    for (const shell of [SH, 'bash']) {
      for (const command of node) expect({ shell, command, handedOff: spawnSync(shell, [SHIM, 'claude', 'pre-tool'], { input: payload(command), encoding: 'utf8', cwd: tmp, env: { PATH: [fakeBin, '/usr/bin', '/bin'].join(':'), HOME: tmp } }).stdout.startsWith('HANDOFF ') }).toEqual({ shell, command, handedOff: true });
      for (const command of fast) expect({ shell, command, out: spawnSync(shell, [SHIM, 'claude', 'pre-tool'], { input: payload(command), encoding: 'utf8', cwd: tmp, env: { PATH: [fakeBin, '/usr/bin', '/bin'].join(':'), HOME: tmp } }).stdout }).toEqual({ shell, command, out: '' });
    }
    // Without a cwd in the payload (Node judges in the repository's root) or under Gemini CLI's
    // dir_path, a relative path may name a script the shim cannot find: Node looks.
    expect(runShim('claude', 'pre-tool', payload('./tool.tcl', null), { cwd: project }).handedOff).toBe(true);
    expect(runShim('claude', 'pre-tool', payload(`${project}/tool.tcl`, null), { cwd: project }).handedOff).toBe(false);
    expect(runShim('gemini', 'pre-tool', JSON.stringify({ cwd: project, tool_name: 'run_shell_command', tool_input: { command: './tool.tcl', dir_path: 'sub' } })).handedOff).toBe(true);
    fs.rmSync(project, { recursive: true, force: true });
  });
});

describe('agent-hook.sh hand-off: the repository', () => {
  it('passes its own git rev-parse of the cwd in GUARD_SHIM_REPO (empty outside a repository)', () => {
    const envBin = path.join(tmp, 'env-bin');
    fs.mkdirSync(envBin, { recursive: true });
    fs.writeFileSync(path.join(envBin, 'node'), '#!/bin/sh\nprintf "REPO[%s]" "${GUARD_SHIM_REPO-unset}"\n', { mode: 0o755 });
    const repo = path.join(tmp, 'repo-env');
    const sub = path.join(repo, 'sub');
    fs.mkdirSync(sub, { recursive: true });
    spawnSync('git', ['init', '-q', repo]);
    const outside = path.join(tmp, 'not-a-repo');
    fs.mkdirSync(outside, { recursive: true });
    const run = (cwd: string): string =>
      spawnSync(SH, [SHIM, 'claude', 'pre-tool'], { input: claude('git push --force'), encoding: 'utf8', cwd, env: { PATH: [envBin, '/usr/bin', '/bin'].join(':'), HOME: tmp, GIT_CEILING_DIRECTORIES: tmp } }).stdout;
    expect(run(sub)).toBe(`REPO[${repo}\n${repo}/.git\n${repo}/.git\n${repo}/.git/index]`);
    expect(run(outside)).toBe('REPO[]');
  });
});

describe('agent-hook.sh without Node', () => {
  const DENY_SHAPE: Record<string, (o: Record<string, unknown>) => boolean> = {
    claude: (o) => (o.hookSpecificOutput as Record<string, unknown>)?.permissionDecision === 'deny',
    codex: (o) => (o.hookSpecificOutput as Record<string, unknown>)?.permissionDecision === 'deny',
    gemini: (o) => o.decision === 'deny' && typeof o.reason === 'string',
    cursor: (o) => o.permission === 'deny' && typeof o.agent_message === 'string',
    copilot: (o) => o.permissionDecision === 'deny',
    opencode: (o) => o.decision === 'deny',
  };

  it.each(Object.keys(PAYLOADS))('%s: denies a risky pre-tool call in its own protocol (never fails open)', (agent) => {
    const make = PAYLOADS[agent] as (c: string) => string;
    const result = runShim(agent, 'pre-tool', make('git push --force'), { noNode: true });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('node was not found');
    const output = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(DENY_SHAPE[agent]?.(output)).toBe(true);
    expect(result.stdout).toContain('Instead:');
  });

  it('still answers benign commands, and lets lifecycle events pass', () => {
    expect(runShim('claude', 'pre-tool', claude('ls -la'), { noNode: true })).toMatchObject({ stdout: '', code: 0 });
    expect(runShim('claude', 'session-start', '{}', { noNode: true })).toMatchObject({ stdout: '', code: 0 });
    expect(runShim('gemini', 'stop', '{}', { noNode: true })).toMatchObject({ stdout: '{}\n', code: 0 });
  });

  it('writes a hook-error line to the journal of the repository it runs in', () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    spawnSync('git', ['init', '-q', repo]);
    fs.mkdirSync(path.join(repo, '.git', 'guard'));
    runShim('claude', 'pre-tool', claude('rm -rf /'), { noNode: true, cwd: repo });
    const lines = fs.readFileSync(path.join(repo, '.git', 'guard', 'journal.jsonl'), 'utf8').trim().split('\n');
    const event = JSON.parse(lines[lines.length - 1] as string) as Record<string, string>;
    expect(event).toMatchObject({ type: 'hook-error', agent: 'claude', event: 'pre-tool', worktree: repo });
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('agent-hook.sh answers from an allow Node kept (src/agents/answer-cache.ts)', () => {
  /**
   * A launcher as `guard init` writes it, in <commonDir>/guard/, its package a stand-in (the fake
   * node prints HANDOFF), and one entry in answers/ written as answer-cache.ts writes them; the
   * entry's mtime is the time given (the deps' status times are the moment they were made).
   */
  function setupKept(name: string, lines: string[], key: Partial<Record<'agent' | 'command' | 'cwd' | 'home' | 'tmp', string>> = {}, mtime = Date.now() / 1000 + 3600): { run: (command: string, options?: { agent?: string; env?: Record<string, string>; cwd?: string }) => ShimResult; dir: string; entry: string } {
    const dir = path.join(tmp, `kept-${name}`);
    const guardDir = path.join(dir, 'common', 'guard');
    const pkg = path.join(dir, 'pkg');
    fs.mkdirSync(path.join(guardDir, 'answers'), { recursive: true });
    fs.mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'proj', 'src'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'proj', '.git'));
    fs.writeFileSync(path.join(pkg, 'bin', 'guard.js'), '');
    fs.writeFileSync(path.join(dir, 'proj', 'package.json'), '{}\n');
    const launcher = path.join(guardDir, 'agent-hook.sh');
    fs.writeFileSync(launcher, fs.readFileSync(SHIM, 'utf8').replace(/^guard_pkg_installed=$/m, `guard_pkg_installed=${pkg}`));
    const command = key.command ?? 'npm test';
    const head = ['git-guard answer 1', `=${key.agent ?? 'claude'}`, `=${command}`, `=${key.cwd ?? path.join(dir, 'proj')}`, `=${key.home ?? tmp}`, `=${key.tmp ?? ''}`];
    const entry = path.join(guardDir, 'answers', `${Buffer.byteLength(command)}-0`);
    fs.writeFileSync(entry, `${[...head, `=${lines.length}`, ...lines.map((l) => l.replace(/\{dir\}/g, dir))].join('\n')}\n`);
    fs.utimesSync(entry, mtime, mtime);
    const run = (cmd: string, options: { agent?: string; env?: Record<string, string>; cwd?: string } = {}): ShimResult => {
      const agent = options.agent ?? 'claude';
      const payload = (PAYLOADS[agent] as (c: string) => string)(cmd).replace('/home/dev/project', options.cwd ?? path.join(dir, 'proj'));
      const r = spawnSync(SH, [launcher, agent, 'pre-tool'], { input: payload, encoding: 'utf8', cwd: tmp, env: { PATH: [fakeBin, '/usr/bin', '/bin'].join(':'), HOME: tmp, ...options.env } });
      return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1, handedOff: r.stdout.startsWith('HANDOFF ') };
    };
    return { run, dir, entry };
  }

  const BASE = ['c{dir}/proj', 'c{dir}/proj/package.json', 'a{dir}/proj/src/.git', 'e{dir}/proj/.git'];

  it('answers the same call in sh while every path holds, and hands off otherwise', () => {
    const { run, dir, entry } = setupKept('hit', BASE);
    expect(run('npm test')).toMatchObject({ stdout: '', code: 0, handedOff: false });
    expect(run('npm test', { agent: 'codex' }).handedOff).toBe(true);
    expect(run('npm  test').handedOff).toBe(true);
    expect(run('npm test', { cwd: path.join(dir, 'proj', 'src') }).handedOff).toBe(true);
    expect(run('npm test', { env: { HOME: dir } }).handedOff).toBe(true);
    expect(run('npm test', { env: { TMPDIR: dir } }).handedOff).toBe(true);
    expect(run('npm test', { env: { GIT_DIR: path.join(dir, 'proj', '.git') } }).handedOff).toBe(true);
    // Two commands in one payload: not this entry's call.
    const two = spawnSync(SH, [path.join(dir, 'common', 'guard', 'agent-hook.sh'), 'claude', 'pre-tool'], {
      input: JSON.stringify({ session_id: 's', cwd: path.join(dir, 'proj'), hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'npm test', cmd: 'npm test' } }),
      encoding: 'utf8',
      cwd: tmp,
      env: { PATH: [fakeBin, '/usr/bin', '/bin'].join(':'), HOME: tmp },
    });
    expect(two.stdout.startsWith('HANDOFF ')).toBe(true);
    expect(run('npm test').handedOff).toBe(false);
    // A path whose status changed after the entry's time.
    fs.utimesSync(entry, Date.now() / 1000 - 3600, Date.now() / 1000 - 3600);
    expect(run('npm test').handedOff).toBe(true);
  });

  it('hands off where an absent path exists, a present one is gone, a path is missing, or the entry is not whole', () => {
    expect(setupKept('absent', BASE).run('npm test').handedOff).toBe(false);
    const absent = setupKept('absent2', BASE);
    fs.mkdirSync(path.join(absent.dir, 'proj', 'src', '.git'));
    expect(absent.run('npm test').handedOff).toBe(true);
    const present = setupKept('present', BASE);
    fs.rmdirSync(path.join(present.dir, 'proj', '.git'));
    expect(present.run('npm test').handedOff).toBe(true);
    const gone = setupKept('gone', BASE);
    fs.rmSync(path.join(gone.dir, 'proj', 'package.json'));
    expect(gone.run('npm test').handedOff).toBe(true);
    expect(setupKept('short', [...BASE, 'c{dir}/proj/x'].slice(0, 5)).run('npm test').handedOff).toBe(true);
    const counted = setupKept('count', BASE);
    fs.writeFileSync(counted.entry, fs.readFileSync(counted.entry, 'utf8').replace('=4\n', '=5\n'));
    fs.utimesSync(counted.entry, Date.now() / 1000 + 3600, Date.now() / 1000 + 3600);
    expect(counted.run('npm test').handedOff).toBe(true);
    expect(setupKept('kind', [...BASE, 'x{dir}/proj']).run('npm test').handedOff).toBe(true);
    expect(setupKept('noc', BASE.slice(2)).run('npm test').handedOff).toBe(true);
  });

  it('reads many paths through one cat, with the same answers', () => {
    const many = Array.from({ length: 40 }, (_, i) => `c{dir}/proj/d${i}`);
    const big = setupKept('many', [...BASE, ...many]);
    for (let i = 0; i < 40; i++) fs.mkdirSync(path.join(big.dir, 'proj', `d${i}`));
    expect(big.run('npm test')).toMatchObject({ stdout: '', handedOff: false });
    fs.rmdirSync(path.join(big.dir, 'proj', 'd39'));
    expect(big.run('npm test').handedOff).toBe(true);
    const absent = setupKept('many-absent', [...BASE, ...Array.from({ length: 40 }, (_, i) => `a{dir}/proj/none${i}`)]);
    expect(absent.run('npm test').handedOff).toBe(false);
    fs.writeFileSync(path.join(absent.dir, 'proj', 'none20'), '');
    expect(absent.run('npm test').handedOff).toBe(true);
  });

  it('uses no entry from the package\'s own shim, for another agent, for Gemini CLI with dir_path, or of another format', () => {
    const { dir } = setupKept('own', BASE);
    const own = spawnSync(SH, [SHIM, 'claude', 'pre-tool'], { input: claude('npm test').replace('/home/dev/project', path.join(dir, 'proj')), encoding: 'utf8', cwd: tmp, env: { PATH: [fakeBin, '/usr/bin', '/bin'].join(':'), HOME: tmp } });
    expect(own.stdout.startsWith('HANDOFF ')).toBe(true);
    // Another agent's entry is not this one's; Gemini CLI's own is (since 2026-12-05 evening), but not where
    // dir_path or directory moves the cwd away from the payload's (src/agents/gemini: Node judges there).
    expect(setupKept('claude-only', BASE).run('npm test', { agent: 'gemini' }).handedOff).toBe(true);
    const gemini = setupKept('gemini', BASE, { agent: 'gemini' });
    expect(gemini.run('npm test', { agent: 'gemini' })).toMatchObject({ stdout: '{}\n', handedOff: false });
    for (const key of ['dir_path', 'directory']) {
      const moved = spawnSync(SH, [path.join(gemini.dir, 'common', 'guard', 'agent-hook.sh'), 'gemini', 'pre-tool'], {
        input: JSON.stringify({ session_id: 's', cwd: path.join(gemini.dir, 'proj'), hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command: 'npm test', [key]: 'src' } }),
        encoding: 'utf8',
        cwd: tmp,
        env: { PATH: [fakeBin, '/usr/bin', '/bin'].join(':'), HOME: tmp },
      });
      expect(moved.stdout.startsWith('HANDOFF '), key).toBe(true);
    }
    const old = setupKept('format', BASE);
    fs.writeFileSync(old.entry, fs.readFileSync(old.entry, 'utf8').replace('git-guard answer 1', 'git-guard answer 0'));
    fs.utimesSync(old.entry, Date.now() / 1000 + 3600, Date.now() / 1000 + 3600);
    expect(old.run('npm test').handedOff).toBe(true);
  });
});

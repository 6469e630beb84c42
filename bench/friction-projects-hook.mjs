// friction-projects-hook.mjs RESULTS.tsv OUT.tsv (RESULTS: friction-projects-check.sh's output): feeds every non-allow line and every 4th allowed line of
// each project to the installed Claude PreToolUse hook (.claude/settings.local.json's command via
// sh -c, a PreToolUse payload on stdin) and compares its decision with check-command's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
const [, , input, out] = process.argv;
const FR_ROOT = process.env.FR_ROOT ?? '/tmp/fr';
const rows = fs.readFileSync(input, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const seen = {};
const lines = [];
for (const [p, dir, cmd, verdict, rule] of rows) {
  seen[p] = (seen[p] ?? 0) + 1;
  if (verdict === 'allow' && seen[p] % 4 !== 1) continue;
  const root = path.join(FR_ROOT, p);
  const cwd = path.join(root, dir);
  const settings = JSON.parse(fs.readFileSync(path.join(root, '.claude/settings.local.json'), 'utf8'));
  const hookCmd = settings.hooks.PreToolUse[0].hooks[0].command;
  const env = { ...process.env, HOME: path.join(FR_ROOT, `home-${p}`), GIT_CONFIG_GLOBAL: '/dev/null', CLAUDECODE: '1' };
  delete env.NODE_EXTRA_CA_CERTS;
  const journal = path.join(root, '.git/guard/journal.jsonl');
  const size = fs.existsSync(journal) ? fs.statSync(journal).size : 0;
  const payload = { session_id: `fr2-${p}`, transcript_path: path.join(root, '.t.jsonl'), cwd, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: cmd, description: 'x' }, tool_use_id: 'toolu_fr2' };
  const r = spawnSync('sh', ['-c', hookCmd], { cwd, env, input: JSON.stringify(payload), encoding: 'utf8' });
  const entries = fs.existsSync(journal) ? fs.readFileSync(journal, 'utf8').slice(size).split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const step = entries.find((e) => e.type === 'step-start');
  const snap = entries.some((e) => e.type === 'snapshot' && e.trigger === 'hook');
  let hv;
  if (/"permissionDecision":"deny"/.test(r.stdout)) hv = 'deny';
  else if (/"permissionDecision":"ask"/.test(r.stdout)) hv = 'ask';
  else if (step) hv = step.verdict === 'snapshot' || snap ? 'snapshot' : step.verdict;
  else hv = snap ? 'snapshot' : 'allow';
  const agree = hv === verdict ? 'agree' : 'DIFFER';
  lines.push([p, dir, cmd, verdict, rule, hv, agree].join('\t'));
  // the post-tool hook puts guard's own files back / closes the step: not run here (nothing ran)
}
fs.writeFileSync(out, lines.join('\n') + '\n');
const by = {};
for (const l of lines) { const [p, , , , , , a] = l.split('\t'); by[p] ??= { n: 0, differ: 0 }; by[p].n++; if (a !== 'agree') by[p].differ++; }
console.log(JSON.stringify(by));

/**
 * `guard timeline --html FILE`: one self-contained page (inline CSS, no script, no network, no
 * external asset) with the session's steps on a timeline, each with its diff, blocked commands
 * highlighted, and the exact command to restore or undo it. Everything is escaped; diffs are
 * shown open (<details open>) so the page reads the same without JavaScript and in print.
 */
import type { Repo } from '../git/repo.js';
import { stepPatches, type Step, type Timeline } from '../session/timeline.js';
import { age, shortId } from './format.js';
import { stepActions, stepTitle } from './commands/timeline.js';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
header{background:#1d232b;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:0;color:#c9d1d9}
main{padding:20px 28px 40px}
ol.timeline{list-style:none;margin:0;padding:0 0 0 26px;border-left:3px solid #aab4c0}
li.step{position:relative;margin:0 0 22px;background:#fff;border:1px solid #d5dbe2;border-radius:6px;padding:12px 16px}
li.step::before{content:"";position:absolute;left:-36px;top:16px;width:15px;height:15px;border-radius:50%;background:#3b82f6;border:3px solid #f6f7f9}
li.step.blocked{border-color:#d14343;background:#fff4f4}
li.step.blocked::before{background:#d14343}
li.step.asked::before{background:#d9a21b}
.meta{color:#5b6673;font-size:12px}
.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:600;color:#1d232b}
.badge{display:inline-block;font-size:11px;font-weight:700;padding:1px 7px;border-radius:9px;margin-left:6px;vertical-align:1px}
.badge.blocked{background:#d14343;color:#fff}
.badge.asked{background:#d9a21b;color:#fff}
.badge.snapshot{background:#3b82f6;color:#fff}
code.cmd{display:block;margin:6px 0;font:13px ui-monospace,Menlo,Consolas,monospace;background:#eef1f5;padding:6px 8px;border-radius:4px;white-space:pre-wrap;word-break:break-all}
.reason{color:#a12c2c;margin:4px 0}
ul.files{margin:6px 0;padding-left:18px}
.added{color:#17803d}.modified{color:#8a5a00}.deleted{color:#b42318}
pre.diff{font:12px/1.35 ui-monospace,Menlo,Consolas,monospace;background:#fbfcfd;border:1px solid #e3e7ec;padding:8px;overflow-x:auto;white-space:pre}
pre.diff .add{background:#e6ffec;color:#116329;display:block}
pre.diff .del{background:#ffebe9;color:#a40e26;display:block}
pre.diff .hunk{color:#6639ba;display:block}
pre.diff .file{font-weight:700;display:block}
pre.actions{font:12px ui-monospace,Menlo,Consolas,monospace;background:#1d232b;color:#e6edf3;padding:8px;border-radius:4px;white-space:pre-wrap}
.events{margin:6px 0;padding-left:18px;color:#3b4552}
`;

function diffHtml(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const cls = line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff --git') ? 'file' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
      return cls ? `<span class="${cls}">${esc(line)}</span>` : `${esc(line)}\n`;
    })
    .join('');
}

function stepHtml(step: Step, patch: { text: string; truncated: boolean } | undefined, now: number): string {
  const cls = step.verdict === 'deny' ? 'blocked' : step.verdict === 'ask' ? 'asked' : '';
  const badge = step.verdict === 'deny' ? '<span class="badge blocked">BLOCKED</span>' : step.verdict === 'ask' ? '<span class="badge asked">asked</span>' : step.verdict === 'snapshot' ? '<span class="badge snapshot">snapshot first</span>' : '';
  const parts: string[] = [];
  parts.push(`<div class="meta"><span class="id">${esc(step.id)}</span> · ${esc(step.tool ?? (step.source === 'snapshot' ? 'watcher' : 'tool'))} · <time datetime="${esc(step.startedAt)}">${esc(step.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time> (${esc(age(step.startedAt, now))})${badge}</div>`);
  parts.push(`<code class="cmd">${esc(stepTitle(step))}</code>`);
  if (step.verdict === 'deny' || step.verdict === 'ask') parts.push(`<p class="reason">${step.verdict === 'deny' ? 'Blocked' : 'Asked'}${step.rule ? ` (${esc(step.rule)})` : ''}: ${esc(step.reason ?? '')}</p>`);
  if (step.files.length > 0) {
    parts.push(`<ul class="files">${step.files.map((f) => `<li class="${f.status}">${f.status === 'added' ? '+' : f.status === 'deleted' ? '−' : '~'} ${esc(f.path)} <span class="meta">${f.status}</span></li>`).join('')}</ul>`);
  }
  const extra = [
    ...step.refs.map((r) => `ref ${r.ref}: ${r.from ? shortId(r.from) : '(none)'} → ${r.to ? shortId(r.to) : 'deleted'}`),
    ...(step.head ? [`HEAD: ${step.head.from} → ${step.head.to}`] : []),
    ...(step.capturedIgnored.length > 0 ? [`ignored files captured before it ran: ${step.capturedIgnored.join(', ')}`] : []),
    ...step.events.map((e) => `${e.type}: ${e.detail}`),
  ];
  if (extra.length > 0) parts.push(`<ul class="events">${extra.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`);
  if (patch) parts.push(`<details open><summary>diff (${step.files.length} file${step.files.length === 1 ? '' : 's'})</summary><pre class="diff">${diffHtml(patch.text)}${patch.truncated ? '\n… (cut: see the full diff with git diff ' + esc(`${shortId(step.before!)} ${shortId(step.after!)}`) + ')' : ''}</pre></details>`);
  const actions = stepActions(step);
  if (actions.length > 0) parts.push(`<pre class="actions">${actions.map((a) => `$ ${esc(a)}`).join('\n')}</pre>`);
  return `<li class="step ${cls}" id="step-${step.n}">${parts.join('\n')}</li>`;
}

export async function renderTimelineHtml(repo: Repo, timeline: Timeline, now = Date.now()): Promise<string> {
  const patches = await stepPatches(repo, timeline.steps);
  const s = timeline.session;
  const blocked = timeline.steps.filter((x) => x.verdict === 'deny').length;
  const changed = new Set(timeline.steps.flatMap((x) => x.files.map((f) => f.path))).size;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>git-guard timeline: session ${esc(s.id)}</title><style>${CSS}</style></head>
<body><header><h1>Session ${esc(s.id)} (${esc(s.agent ?? 'no agent')})</h1>
<p>${esc(repo.root)} · started ${esc(s.startedAt)} · ${s.endedAt ? `ended ${esc(s.endedAt)}` : 'open'} · ${timeline.steps.length} steps · ${changed} files changed · ${blocked} blocked · undo all: <code>guard rollback --session ${esc(s.id)}</code></p></header>
<main><ol class="timeline">
${timeline.steps.map((step) => stepHtml(step, patches.get(step.id), now)).join('\n')}
</ol></main></body></html>
`;
}

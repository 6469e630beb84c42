/**
 * `guard timeline [SESSION] [--json] [--html FILE]`: what the agent did, step by step
 * (src/session/timeline.ts): each tool call with its command, the files it added, modified and
 * deleted, the refs it moved, what was blocked and why, when, and the id to act on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openRepo } from '../../git/repo.js';
import { shellArg } from '../../git/path.js';
import { buildTimeline, type Step, type Timeline } from '../../session/timeline.js';
import type { CommandContext } from '../main.js';
import { age, shortId } from '../format.js';

interface TimelineArgs {
  session?: string;
  html?: string;
  json?: boolean;
}

const SHOW_FILES = 8;

/** What the step did, in one line. */
export function stepTitle(step: Step): string {
  if (step.source === 'snapshot') return 'changes recorded by the watcher';
  if (step.command !== null) return step.command;
  return `${step.tool ?? 'tool'} ${step.paths.join(' ')}`.trim();
}

function verdictLabel(step: Step): string {
  switch (step.verdict) {
    case 'deny':
      return 'BLOCKED';
    case 'ask':
      return 'asked';
    case 'snapshot':
      return 'allowed after a snapshot';
    default:
      return '';
  }
}

function refLine(move: { ref: string; from: string | null; to: string | null }): string {
  const name = move.ref.replace(/^refs\/heads\//, 'branch ').replace(/^refs\/tags\//, 'tag ');
  if (move.from === null) return `${name} created at ${shortId(move.to!)}`;
  if (move.to === null) return `${name} deleted (was ${shortId(move.from)})`;
  return `${name} ${shortId(move.from)} -> ${shortId(move.to)}`;
}

/** What can be done about a step, as exact commands. */
export function stepActions(step: Step): string[] {
  if (step.files.length === 0) return [];
  // shellArg: names that are not UTF-8 or hold control characters as $'...', typed back exactly.
  return [`guard undo ${step.id}`, `guard restore --before ${step.id} ${step.files.map((f) => shellArg(f.bytes)).join(' ')}`];
}

export function timelineLines(timeline: Timeline, now = Date.now()): string[] {
  const s = timeline.session;
  const lines: string[] = [];
  const state = s.endedAt === null ? 'open' : `ended ${age(s.endedAt, now)}`;
  lines.push(`Session ${s.id} (${s.agent ?? 'no agent'}), started ${age(s.startedAt, now)}, ${state}: ${timeline.steps.length} step${timeline.steps.length === 1 ? '' : 's'}`);
  for (const event of timeline.events) lines.push(`  before the first step: ${event.type} ${event.detail}`);
  for (const step of timeline.steps) {
    const label = verdictLabel(step);
    lines.push('');
    lines.push(`${step.id}  ${age(step.startedAt, now)}  ${step.tool ?? (step.source === 'snapshot' ? 'watcher' : '')}${label ? `  [${label}]` : ''}`);
    lines.push(`  ${stepTitle(step)}`);
    if (step.verdict === 'deny' || step.verdict === 'ask') lines.push(`  ${step.verdict === 'deny' ? 'blocked' : 'asked'}${step.rule ? ` (${step.rule})` : ''}: ${step.reason ?? ''}`);
    const groups: Array<['added' | 'modified' | 'deleted', string]> = [
      ['added', '+'],
      ['modified', '~'],
      ['deleted', '-'],
    ];
    for (const [status, sign] of groups) {
      const files = step.files.filter((f) => f.status === status);
      if (files.length === 0) continue;
      const shown = files.slice(0, SHOW_FILES).map((f) => f.path);
      lines.push(`  ${sign} ${status} ${files.length}: ${shown.join(', ')}${files.length > SHOW_FILES ? `, … and ${files.length - SHOW_FILES} more` : ''}`);
    }
    if (step.capturedIgnored.length > 0) lines.push(`  ignored files captured before it ran: ${step.capturedIgnored.slice(0, SHOW_FILES).join(', ')}${step.capturedIgnored.length > SHOW_FILES ? ', …' : ''}`);
    for (const move of step.refs) lines.push(`  ref: ${refLine(move)}`);
    if (step.head) lines.push(`  HEAD: ${step.head.from} -> ${step.head.to}`);
    for (const event of step.events) lines.push(`  ${event.type}: ${event.detail}`);
    for (const action of stepActions(step)) lines.push(`  $ ${action}`);
  }
  if (timeline.steps.length > 0) {
    lines.push('');
    lines.push(`Undo the whole session: guard rollback --session ${s.id}`);
  }
  return lines;
}

/** --json: paths as text (pathText); the byte form stays internal. */
export function timelineJson(timeline: Timeline): Record<string, unknown> {
  return { ...timeline, steps: timeline.steps.map((step) => ({ ...step, files: step.files.map(({ bytes: _bytes, ...file }) => file) })) };
}

export async function run(args: TimelineArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const timeline = await buildTimeline(repo, args.session);
  if (args.html !== undefined) {
    const { renderTimelineHtml } = await import('../timeline-html.js');
    const file = path.resolve(ctx.cwd, args.html);
    fs.writeFileSync(file, await renderTimelineHtml(repo, timeline));
    ctx.out.data({ ...timelineJson(timeline), html: file });
    ctx.out.line(`Wrote ${file}: ${timeline.steps.length} steps of session ${timeline.session.id} (open it in a browser; it needs no network).`);
    return 0;
  }
  ctx.out.data(timelineJson(timeline));
  for (const line of timelineLines(timeline)) ctx.out.line(line);
  return 0;
}

import { describe, expect, it } from 'vitest';
import { AGENT_MARKERS, detectActor } from '../../../src/policy/actor.js';

describe('detectActor', () => {
  it('no marker: a person', () => {
    expect(detectActor({ PATH: '/usr/bin', HOME: '/home/x' })).toEqual({ kind: 'human', agent: null, marker: null });
  });

  it.each([
    ['CLAUDECODE', '1', 'claude'],
    ['CURSOR_AGENT', '1', 'cursor'],
    ['GEMINI_CLI', '1', 'gemini'],
    ['CODEX_THREAD_ID', '0199a7c3-thread', 'codex'],
    ['OPENCODE', '1', 'opencode'],
    ['COPILOT_CLI', '1', 'copilot'],
  ])('%s=%s is %s', (env, value, agent) => {
    expect(detectActor({ [env]: value })).toEqual({ kind: 'agent', agent, marker: env });
  });

  it('covers every documented marker', () => {
    expect(AGENT_MARKERS.map((m) => m.env).sort()).toEqual(['CLAUDECODE', 'CODEX_THREAD_ID', 'COPILOT_CLI', 'CURSOR_AGENT', 'GEMINI_CLI', 'OPENCODE']);
  });

  it('markers only tighten: unusual values still count as an agent', () => {
    expect(detectActor({ CLAUDECODE: 'true' }).kind).toBe('agent');
    expect(detectActor({ CURSOR_AGENT: 'yes' }).kind).toBe('agent');
  });

  it('empty or explicitly off markers are not agents', () => {
    expect(detectActor({ CLAUDECODE: '' }).kind).toBe('human');
    expect(detectActor({ CLAUDECODE: '0' }).kind).toBe('human');
    expect(detectActor({ GEMINI_CLI: 'false' }).kind).toBe('human');
    expect(detectActor({ CODEX_THREAD_ID: '' }).kind).toBe('human');
    expect(detectActor({ CODEX_THREAD_ID: '  ' }).kind).toBe('human');
  });

  it('several markers: the first in priority order names the agent', () => {
    expect(detectActor({ CODEX_THREAD_ID: 't', CLAUDECODE: '1' })).toEqual({ kind: 'agent', agent: 'claude', marker: 'CLAUDECODE' });
  });

  it('GUARD_AGENT names any other agent, sanitised', () => {
    expect(detectActor({ GUARD_AGENT: 'Aider' })).toEqual({ kind: 'agent', agent: 'aider', marker: 'GUARD_AGENT' });
    expect(detectActor({ GUARD_AGENT: '$(rm -rf ~)' }).agent).toBe('rm-rf');
    expect(detectActor({ GUARD_AGENT: '0' }).kind).toBe('human');
  });
});

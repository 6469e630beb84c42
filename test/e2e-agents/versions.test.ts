/**
 * GUARD_E2E_VERSIONS (agents.ts): the versions the suite runs instead of the pins, to try a new
 * release before its pin moves. A malformed value fails loudly instead of running the pins.
 */
import { describe, expect, it } from 'vitest';
import { parseVersionOverrides } from './agents.js';

describe('GUARD_E2E_VERSIONS', () => {
  it('reads AGENT=VERSION and AGENT=dist-tag entries; nothing set is no override', () => {
    expect(parseVersionOverrides(undefined)).toEqual({});
    expect(parseVersionOverrides('')).toEqual({});
    expect(parseVersionOverrides('codex=latest, claude=2.1.340,gemini=0.62.0-preview.1')).toEqual({ codex: 'latest', claude: '2.1.340', gemini: '0.62.0-preview.1' });
  });

  it('refuses an unknown agent, a missing version and what is neither a version nor a tag, naming the form', () => {
    expect(() => parseVersionOverrides('cursor=1.0.0')).toThrow(/no agent "cursor" \(one of claude, codex, gemini, opencode, copilot\)/);
    expect(() => parseVersionOverrides('codex')).toThrow(/"codex" is not AGENT=VERSION/);
    expect(() => parseVersionOverrides('codex=')).toThrow(/is not AGENT=VERSION/);
    expect(() => parseVersionOverrides('codex=1.0.0=2')).toThrow(/is not AGENT=VERSION/);
    expect(() => parseVersionOverrides('codex=^0.171.0')).toThrow(/"\^0.171.0" for codex is neither a version nor a dist-tag/);
  });
});

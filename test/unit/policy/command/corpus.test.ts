import { describe, expect, it } from 'vitest';
import { classifyCommand, type CommandContext } from '../../../../src/policy/command/index.js';
import { AGENT_CONTEXT, AGENT_ROWS, HUMAN_CONTEXT, HUMAN_ROWS, NO_REPO_CONTEXT, NO_REPO_ROWS, NO_STASH_CONTEXT, NO_STASH_ROWS, type Row } from './corpus.js';

const TABLES: Array<{ name: string; context: CommandContext; rows: Row[] }> = [
  { name: 'agent in a repository', context: AGENT_CONTEXT, rows: AGENT_ROWS },
  { name: 'person in a repository', context: HUMAN_CONTEXT, rows: HUMAN_ROWS },
  { name: 'outside any repository', context: NO_REPO_CONTEXT, rows: NO_REPO_ROWS },
  { name: 'stash not snapshotted', context: NO_STASH_CONTEXT, rows: NO_STASH_ROWS },
];

for (const table of TABLES) {
  describe(`command corpus: ${table.name}`, () => {
    it.each(table.rows.map((row) => [JSON.stringify(row[0]), row] as const))('%s', (_name, row) => {
      const [command, verdict, rule] = row;
      const result = classifyCommand(command, table.context);
      expect({ verdict: result.verdict, rule: result.rule }).toEqual({ verdict, rule: rule ?? 'no-risk' });
      if (result.verdict !== 'allow') {
        expect(result.reason.length).toBeGreaterThan(0);
        expect(result.command).toBeTypeOf('string');
      }
      if (result.verdict === 'deny' || result.verdict === 'ask') expect(result.instead).toBeTruthy();
    });
  });
}

describe('command corpus: totals', () => {
  it('has at least 400 rows, recall 100% on destructive rows and no false positive on safe rows', () => {
    let destructive = 0;
    let caught = 0;
    let safe = 0;
    let falsePositives = 0;
    let exact = 0;
    const total = TABLES.reduce((n, t) => n + t.rows.length, 0);
    for (const table of TABLES) {
      for (const [command, verdict, rule] of table.rows) {
        const result = classifyCommand(command, table.context);
        if (result.verdict === verdict && result.rule === (rule ?? 'no-risk')) exact++;
        if (verdict === 'allow') {
          safe++;
          if (result.verdict !== 'allow') falsePositives++;
        } else {
          destructive++;
          if (result.verdict !== 'allow') caught++;
        }
      }
    }
    const recall = (100 * caught) / destructive;
    const fpRate = (100 * falsePositives) / safe;
    console.log(
      `command corpus: ${total} rows (${destructive} destructive, ${safe} safe); recall ${recall.toFixed(1)}% (${caught}/${destructive}); ` +
        `false positives ${fpRate.toFixed(1)}% (${falsePositives}/${safe}); exact verdict+rule ${exact}/${total}`,
    );
    expect(total).toBeGreaterThanOrEqual(400);
    expect(caught).toBe(destructive);
    expect(falsePositives).toBe(0);
    expect(exact).toBe(total);
  });
});

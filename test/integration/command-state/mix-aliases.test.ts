/**
 * A Mix project's own aliases (src/policy/command/mix-aliases.ts): hexpm's README starts with
 * `mix setup`, whose `ecto.setup` runs `ecto.reset`, which starts with `ecto.drop`: the
 * development PostgreSQL database was dropped with "no destructive command found" (the second
 * real-projects hunt, 2026-12-07), while `mix ecto.reset` typed was refused. Phoenix's generated
 * `ecto.setup` (create, migrate, seed) drops nothing and stays free on a server; on SQLite the
 * database file is captured first, as for `mix ecto.migrate` typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { checkVerdict } from '../../helpers/verdicts.js';

const DEPS_PG = '  defp deps do\n    [\n      {:phoenix, "~> 1.7"},\n      {:ecto_sql, "~> 3.10"},\n      {:postgrex, ">= 0.0.0"}\n    ]\n  end\n';
const DEPS_LITE = '  defp deps do\n    [{:ecto_sql, "~> 3.10"}, {:ecto_sqlite3, ">= 0.0.0"}]\n  end\n';

/** hexpm's aliases (mix.exs at hexpm/hexpm), abridged. */
const HEXPM_ALIASES = `  defp aliases() do
    [
      setup: [
        "deps.get",
        "ecto.setup",
        "esbuild.install"
      ],
      "ecto.setup": ["ecto.reset", "run priv/repo/seeds.exs"],
      "ecto.reset": ["ecto.drop", "ecto.create", "ecto.load", "ecto.migrate"],
      "assets.deploy": ["esbuild hexpm --minify", "phx.digest"],
      test: ["ecto.create --quiet", "ecto.load --skip-if-loaded", "ecto.migrate", "test"]
    ]
  end
`;

/** What `mix phx.new` generates. */
const PHOENIX_ALIASES = `  defp aliases do
    [
      setup: ["deps.get", "ecto.setup", "assets.setup", "assets.build"],
      "ecto.setup": ["ecto.create", "ecto.migrate", "run priv/repo/seeds.exs"],
      "ecto.reset": ["ecto.drop", "ecto.setup"],
      test: ["ecto.create --quiet", "ecto.migrate --quiet", "test"],
      "assets.setup": ["tailwind.install --if-missing", "esbuild.install --if-missing"]
    ]
  end
`;

/** A project whose aliases reach a rollback of every migration, and one through `do`. */
const OTHER_ALIASES = `  defp aliases do
    [
      redo: "ecto.rollback --all",
      fresh: ["do ecto.drop, ecto.create"],
      # wipe: ["ecto.drop"],
      back: ["ecto.rollback"]
    ]
  end
`;

const mixExs = (aliases: string, deps: string): string => `defmodule App.MixProject do\n  use Mix.Project\n\n  def project do\n    [app: :app, aliases: aliases(), deps: deps()]\n  end\n\n${deps}\n${aliases}end\n`;

let t: TestRepo;
beforeAll(() => {
  t = createTestRepo();
  commitFiles(t, {
    '.gitignore': '*.db\n',
    'hex/mix.exs': mixExs(HEXPM_ALIASES, DEPS_PG),
    'gen/mix.exs': mixExs(PHOENIX_ALIASES, DEPS_PG),
    'other/mix.exs': mixExs(OTHER_ALIASES, DEPS_PG),
    'lite/mix.exs': mixExs(PHOENIX_ALIASES, DEPS_LITE),
  });
  writeFiles(t, { 'lite/app_dev.db': 'SQLite format 3\0rows' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}, 120_000);
afterAll(() => t?.cleanup());

describe("a Mix project's own aliases", () => {
  it('refuses an alias that reaches ecto.drop on a server, leaves harmless ones and the test environment free', async () => {
    await expectEvaluatedTable(t, [
      ['cd hex && mix setup', 'deny', 'remote-data-delete', ['setup -> ecto.setup -> ecto.reset -> ecto.drop', 'dev', 'PostgreSQL']],
      ['cd hex && mix ecto.setup', 'deny', 'remote-data-delete', ['ecto.setup -> ecto.reset -> ecto.drop']],
      ['cd hex && mix do deps.get, setup', 'deny', 'remote-data-delete', ['ecto.drop']],
      // the database files of the repository are captured before a task that migrates, as for `mix ecto.migrate` typed
      ['cd hex && MIX_ENV=test mix setup', 'snapshot', 'overwrite-ignored'],
      ['cd hex && mix test', 'allow', 'no-risk'],
      ['cd hex && mix assets.deploy', 'allow', 'no-risk'],
      ['cd gen && mix setup', 'snapshot', 'overwrite-ignored'],
      ['cd gen && mix ecto.setup', 'snapshot', 'overwrite-ignored'],
      ['cd gen && mix ecto.reset', 'deny', 'remote-data-delete', ['ecto.reset -> ecto.drop']],
      ['cd other && mix redo', 'deny', 'remote-data-delete', ['redo -> ecto.rollback', 'more than one migration']],
      ['cd other && mix fresh', 'deny', 'remote-data-delete', ['fresh -> ecto.drop']],
      // one migration back, and a commented-out alias: nothing is dropped
      ['cd other && mix back', 'snapshot', 'overwrite-ignored'],
      ['cd other && mix wipe', 'allow', 'no-risk'],
    ]);
  });

  it("captures a SQLite project's database before an alias that migrates it", async () => {
    await expectEvaluatedTable(t, [
      ['cd lite && mix setup', 'snapshot', 'overwrite-ignored', ['app_dev.db']],
      ['cd lite && mix ecto.setup', 'snapshot', 'overwrite-ignored', ['app_dev.db']],
      ['cd lite && mix assets.setup', 'allow', 'no-risk'],
    ]);
  });

  it('says so through guard check-command, with the way forward', () => {
    const v = checkVerdict(t, 'mix setup', { asAgent: true, cwd: `${t.dir}/hex` });
    expect(v.verdict).toBe('deny');
    expect(v.reason).toContain('setup -> ecto.setup -> ecto.reset -> ecto.drop');
    expect(v.instead).toContain('MIX_ENV=test');
  });
});

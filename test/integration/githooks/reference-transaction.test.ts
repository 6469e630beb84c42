import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_ENV, commitFile, guarded } from './setup.js';

describe('reference-transaction', () => {
  it('refuses deleting main and touching refs/guard/*, and keeps git gc working', () => {
    const repo = guarded({ remote: false });
    try {
      const main = repo.rev('main');
      repo.git(['checkout', '-q', '-b', 'side']);
      const del = repo.run(['branch', '-D', 'main']);
      expect(del.code).not.toBe(0);
      expect(del.stderr).toContain('guard: refused: delete the protected branch main');
      expect(del.stderr).toMatch(/rule protected-branch-delete: enforce for people, configured at \.guard\.yaml:\d+/);
      expect(del.stderr).toMatch(/main is protected: it matches 'main' \(protect\.branches in \.guard\.yaml:\d+\)/);
      expect(repo.rev('main')).toBe(main);
      // A rename deletes the old name: refused too, and git's half-done rename is put back.
      const reflog = repo.read('.git/logs/refs/heads/main');
      const rename = repo.run(['branch', '-m', 'main', 'trunk']);
      expect(rename.code).not.toBe(0);
      expect(repo.rev('main')).toBe(main);
      expect(repo.rev('trunk')).toBeNull();
      expect(repo.read('.git/logs/refs/heads/main')).toBe(reflog);
      expect(repo.exists('.git/logs/refs/.tmp-renamed-log')).toBe(false);

      const snap = repo.rev('refs/guard/main/head')!;
      for (const args of [
        ['update-ref', '-d', 'refs/guard/main/head'],
        ['update-ref', 'refs/guard/main/head', main!],
        ['update-ref', 'refs/guard/evil/head', main!],
      ]) {
        const r = repo.run(args);
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stderr).toContain('rule guard-refs');
        expect(repo.rev('refs/guard/main/head')).toBe(snap);
      }
      expect(repo.rev('refs/guard/evil/head')).toBeNull();

      // gc packs refs (which reports pruned loose refs as deletions) and prunes objects.
      const gc = repo.run(['gc', '--prune=now', '-q']);
      expect(gc.code, gc.stderr).toBe(0);
      expect(repo.rev('refs/guard/main/head')).toBe(snap);
      expect(repo.rev('main')).toBe(main);
      expect(repo.run(['cat-file', '-e', `${snap}^{tree}`]).code).toBe(0);
      // Packed refs are as protected as loose ones.
      expect(repo.run(['update-ref', '-d', 'refs/guard/main/head']).code).not.toBe(0);
      expect(repo.run(['branch', '-D', 'main']).code).not.toBe(0);
      // guard's own writes still work after packing.
      repo.write('new.txt', 'x\n');
      const s = repo.guard(['snapshot', '--json']);
      expect(s.code, s.stderr).toBe(0);
      expect(repo.rev('refs/guard/main/head')!.startsWith(JSON.parse(s.stdout).id)).toBe(true);
      // Packing and pruning journaled no fake deletions.
      const deletions = repo.journal().filter((e) => e.type === 'ref-update' && /^0+$/.test(String(e.new)) && String(e.ref).startsWith('refs/'));
      expect(deletions).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });

  it('keeps git gc working while guard moves one of its refs during the packing (CI, 2026-12-06), and still refuses a write made to look like it', () => {
    const repo = guarded({ remote: false });
    try {
      const x = repo.rev('refs/guard/main/head')!;
      repo.write('later.txt', 'later\n');
      expect(repo.guard(['snapshot', '--json']).code).toBe(0);
      const y = repo.rev('refs/guard/main/head')!;
      expect(y).not.toBe(x);
      const loose = path.join(repo.dir, '.git', 'refs', 'guard', 'main', 'head');
      // Back to X, loose: what pack-refs reads. Then, while pack-refs holds packed-refs.lock and
      // its hook runs for the packed copy "<zero> X", guard's own background snapshot moves the
      // loose ref on to Y (a wrapper hook stands in for it, then runs guard's hook: the same
      // interleaving, every run). Before the fix the hook read "move refs/guard/main/head",
      // refused it, and `git gc` failed with "failed to run pack-refs".
      fs.writeFileSync(loose, `${x}\n`);
      const wrap = path.join(repo.base, 'race-hooks');
      fs.mkdirSync(wrap);
      fs.writeFileSync(
        path.join(wrap, 'reference-transaction'),
        `#!/bin/sh\nif [ "$1" = prepared ] && [ -e .git/packed-refs.lock ] && [ ! -e .git/raced ]; then : > .git/raced; printf '%s\\n' ${y} > .git/refs/guard/main/head; fi\nexec '${path.join(repo.dir, '.git', 'hooks', 'reference-transaction')}' "$@"\n`,
        { mode: 0o755 },
      );
      const packed = repo.run(['-c', `core.hooksPath=${wrap}`, 'pack-refs', '--all']);
      expect(packed.code, packed.stderr).toBe(0);
      expect(repo.exists('.git/raced')).toBe(true);
      expect(packed.stderr).not.toContain('refused');
      // The loose ref (Y) wins over the packed copy (X): guard's move stands.
      expect(repo.rev('refs/guard/main/head')).toBe(y);

      // The same shape from anyone else is still a write of guard's ref: packed-refs.lock made by
      // hand, then a loose update without an old value (git holds the loose ref's own lock).
      fs.writeFileSync(path.join(repo.dir, '.git', 'packed-refs.lock'), '');
      for (const env of [{}, AGENT_ENV]) {
        const r = repo.run(['update-ref', 'refs/guard/main/head', x], { env });
        expect(r.code).not.toBe(0);
        expect(r.stderr).toContain('rule guard-refs');
        expect(repo.rev('refs/guard/main/head')).toBe(y);
      }
      fs.rmSync(path.join(repo.dir, '.git', 'packed-refs.lock'));

      // The same for a protected branch an agent's commit moved while `gc --auto` packed: main
      // read at M, moved to a commit that does not descend from it (the copy "<zero> M" would
      // look like a rewrite of main, refused for an agent).
      const m = repo.rev('main')!;
      repo.git(['checkout', '-q', '-b', 'other', 'main~0']);
      repo.write('other.txt', 'other\n');
      repo.git(['add', 'other.txt']);
      repo.git(['commit', '-q', '-m', 'other']);
      const other = repo.rev('other')!;
      repo.git(['checkout', '-q', 'main']);
      fs.writeFileSync(path.join(repo.dir, '.git', 'refs', 'heads', 'main'), `${m}\n`);
      fs.rmSync(path.join(repo.dir, '.git', 'raced'));
      fs.writeFileSync(
        path.join(wrap, 'reference-transaction'),
        `#!/bin/sh\nif [ "$1" = prepared ] && [ -e .git/packed-refs.lock ] && [ ! -e .git/raced ]; then : > .git/raced; printf '%s\\n' ${other} > .git/refs/heads/main; fi\nexec '${path.join(repo.dir, '.git', 'hooks', 'reference-transaction')}' "$@"\n`,
        { mode: 0o755 },
      );
      const agentPack = repo.run(['-c', `core.hooksPath=${wrap}`, 'pack-refs', '--all'], { env: AGENT_ENV });
      expect(agentPack.code, agentPack.stderr).toBe(0);
      expect(repo.exists('.git/raced')).toBe(true);
      expect(repo.rev('main')).toBe(other);
    } finally {
      repo.cleanup();
    }
  });

  it('lets a person rewrite main with a warning and keeps the old tip; refuses the same for an agent', () => {
    const repo = guarded({ remote: false });
    try {
      expect(commitFile(repo, 'src/app.js', 'v2\n').code).toBe(0);
      const before = repo.rev('main')!;
      const amend = repo.run(['commit', '-q', '--amend', '-m', 'amended']);
      expect(amend.code, amend.stderr).toBe(0);
      expect(amend.stderr).toContain('guard: warning: move the protected branch main');
      expect(amend.stderr).toContain(`git branch main-before ${before}`);
      expect(repo.git(['rev-parse', 'refs/guard/keep/head^@']).split('\n')).toContain(before);
      const updates = repo.journal().filter((e) => e.type === 'ref-update' && e.ref === 'refs/heads/main');
      expect(updates.at(-1)).toMatchObject({ old: before, new: repo.rev('main'), actor: 'human', worktree: repo.dir });
      expect(String(updates.at(-1)!.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

      const tip = repo.rev('main');
      for (const args of [
        ['commit', '-q', '--amend', '-m', 'agent amend'],
        ['reset', '-q', '--hard', 'HEAD~1'],
      ]) {
        const r = repo.run(args, { env: AGENT_ENV });
        expect(r.code, args.join(' ')).not.toBe(0);
        expect(r.stderr).toContain('rule protected-branch-rewrite: enforce for agents (CLAUDECODE is set)');
        expect(r.stderr).toContain('ask the person you work for');
        expect(repo.rev('main')).toBe(tip);
      }
      // Fast-forward work stays allowed for agents.
      expect(commitFile(repo, 'src/app.js', 'v3\n', 'agent commit', AGENT_ENV).code).toBe(0);
      const last = repo.journal().filter((e) => e.type === 'ref-update').at(-1);
      expect(last).toMatchObject({ actor: 'agent' });
    } finally {
      repo.cleanup();
    }
  });

  it('journals every ref move of a rebase without refusing it', () => {
    const repo = guarded({ remote: false });
    try {
      repo.git(['checkout', '-q', '-b', 'feature']);
      for (let i = 0; i < 3; i++) expect(commitFile(repo, `f${i}.txt`, `${i}\n`).code).toBe(0);
      const oldTip = repo.rev('feature');
      repo.git(['checkout', '-q', 'main']);
      expect(commitFile(repo, 'main.txt', 'm\n').code).toBe(0);
      repo.git(['checkout', '-q', 'feature']);
      const r = repo.run(['rebase', '-q', 'main']);
      expect(r.code, r.stderr).toBe(0);
      const events = repo.journal();
      expect(events.filter((e) => e.type === 'rebase-start').at(-1)).toMatchObject({ upstream: 'main', tip: oldTip });
      expect(events.filter((e) => e.type === 'ref-update' && e.ref === 'refs/heads/feature').at(-1)).toMatchObject({ old: oldTip, new: repo.rev('feature') });
    } finally {
      repo.cleanup();
    }
  });

  it('reads a transaction of hundreds of refs whole: a refusal far down the input, and one journal line per real change', () => {
    const repo = guarded({ remote: false });
    try {
      const head = repo.rev('HEAD')!;
      const names = Array.from({ length: 300 }, (_, i) => `refs/heads/many/b${i}`);
      // Line 250 of 301 deletes main: the whole transaction is refused, nothing is created.
      const lines = names.map((ref) => `create ${ref} ${head}\n`);
      lines.splice(250, 0, `delete refs/heads/main ${head}\n`);
      const refused = repo.run(['update-ref', '--stdin'], { input: lines.join('') });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('delete the protected branch main');
      expect(repo.rev('refs/heads/many/b0')).toBeNull();
      expect(repo.rev('main')).toBe(head);

      expect(repo.run(['update-ref', '--stdin'], { input: names.map((ref) => `create ${ref} ${head}\n`).join('') }).code).toBe(0);
      repo.git(['pack-refs', '--all']);
      expect(repo.run(['update-ref', '--stdin'], { input: names.map((ref) => `delete ${ref}\n`).join('') }).code).toBe(0);
      const events = repo.journal().filter((e) => e.type === 'ref-update' && String(e.ref).startsWith('refs/heads/many/'));
      const created = events.filter((e) => /^0+$/.test(String(e.old)) && !/^0+$/.test(String(e.new)));
      const deleted = events.filter((e) => /^0+$/.test(String(e.new)));
      expect(new Set(created.map((e) => e.ref)).size).toBe(300);
      expect(created.length).toBe(300);
      // Deleting packed refs runs the hook for the packed-refs file and for the loose refs: each
      // deletion is journaled once.
      expect(deleted.map((e) => e.ref).sort()).toEqual([...names].sort());
    } finally {
      repo.cleanup();
    }
  }, 240_000); // hundreds of refs through the hook: 14 s on a quiet machine, 75-93 s at load 10-15

  it('journals a deletion git gave no old value for with the value the ref held, packed or loose', () => {
    const repo = guarded({ remote: false });
    try {
      const head = repo.rev('HEAD')!;
      repo.git(['branch', 'packed-only']);
      repo.git(['pack-refs', '--all']);
      repo.git(['branch', 'loose']);
      repo.git(['branch', 'by-update-ref']);
      repo.git(['tag', 'v1']);
      // `git branch -D` and `update-ref -d NAME` name no old value: git reports "0 -> 0".
      repo.git(['branch', '-D', 'packed-only', 'loose']);
      repo.git(['update-ref', '-d', 'refs/heads/by-update-ref']);
      repo.git(['tag', '-d', 'v1']);
      const deletions = repo.journal().filter((e) => e.type === 'ref-update' && /^0+$/.test(String(e.new)));
      expect(deletions.map((e) => [e.ref, e.old])).toEqual([
        ['refs/heads/packed-only', head],
        ['refs/heads/loose', head],
        ['refs/heads/by-update-ref', head],
        ['refs/tags/v1', head],
      ]);
      const log = repo.guard(['log', '--type', 'ref-update']);
      expect(log.stdout).toContain(`refs/heads/packed-only deleted (was ${head.slice(0, 12)})`);
      expect(log.stdout).not.toMatch(/created at 0+ /);

      // A refused deletion leaves the hook's note behind (git's pid). Its pid may be a live git's
      // in another pid namespace (a container sharing the repository), so a snapshot keeps a fresh
      // note and removes it once that pid runs nothing here and the note is an hour old.
      repo.git(['checkout', '-q', '-b', 'side']);
      expect(repo.run(['branch', '-D', 'main']).code).not.toBe(0);
      const notes = (): string[] => fs.readdirSync(path.join(repo.dir, '.git', 'guard')).filter((n) => n.startsWith('deleting.'));
      expect(notes().length).toBe(1);
      expect(repo.guard(['snapshot', '--quiet']).code).toBe(0);
      expect(notes().length).toBe(1);
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      fs.utimesSync(path.join(repo.dir, '.git', 'guard', notes()[0]!), twoHoursAgo, twoHoursAgo);
      expect(repo.guard(['snapshot', '--quiet']).code).toBe(0);
      expect(notes()).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });
});

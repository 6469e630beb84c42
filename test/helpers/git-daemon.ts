/**
 * A real `git daemon` on 127.0.0.1 for tests that push over git://: a free port, ready once
 * `ls-remote` answers, and bounded by `timeout` so it cannot outlive a test that dies early.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import type { TestRepo } from './git-repo.js';

export interface GitDaemon {
  /** git://127.0.0.1:<port>/<path under base> */
  url(pathUnderBase: string): string;
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Serves every repository under `base` (receive-pack enabled); waits until `probe` is served. */
export async function startGitDaemon(repo: TestRepo, base: string, probe: string): Promise<GitDaemon> {
  const port = await freePort();
  const child = spawn(
    'timeout',
    ['60', 'git', 'daemon', '--reuseaddr', '--listen=127.0.0.1', `--port=${port}`, `--base-path=${base}`, '--export-all', '--enable=receive-pack', '--informative-errors', base],
    { env: repo.env, stdio: 'ignore' },
  );
  const daemon: GitDaemon = { url: (p) => `git://127.0.0.1:${port}/${p}`, stop: () => void child.kill('SIGTERM') };
  for (let i = 0; i < 100; i++) {
    if (repo.gitResult(['ls-remote', daemon.url(probe)]).code === 0) return daemon;
    await new Promise((r) => setTimeout(r, 100));
  }
  daemon.stop();
  throw new Error(`git daemon did not serve ${probe} on port ${port} within 10 s`);
}

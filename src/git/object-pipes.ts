/**
 * Long-lived git processes that read and write objects, for a long-lived caller: the watcher
 * daemon keeps them for as long as it runs (keepObjectPipes), and batch-objects.ts talks to them
 * instead of starting `cat-file` or `hash-object` for each batch. A process start from the 80 MB
 * daemon costs 5-10 ms before git runs at all, and a process that reads its stdin to the end
 * waits for the daemon's event loop to close it; a process already running answers a request
 * as soon as it is written. A snapshot taken by a one-shot command keeps them for its own length
 * (snapshot/create.ts) and ends them before it returns: nothing of theirs outlives it.
 *
 * What a long-lived process cannot get wrong: objects never change (a tree or a tag read by id,
 * or `<tree>:<path>`, is the same bytes whenever it is read; git finds objects packed or pruned
 * since it started by looking at the packs again), and `hash-object --no-filters -t <type>` of
 * content guard wrote itself reads no attributes and no config that could go stale. Blobs of the
 * working tree (which do go through the user's filters) are not hashed here.
 *
 * Each process serves one request at a time (a request writes everything it asks, then reads
 * every answer). A process that died, or whose conversation failed half way, is ended and a new
 * one starts on the next request.
 */
import { GuardError } from '../errors.js';
import type { Repo } from './repo.js';
import { openGitPipe, type GitPipe } from './run.js';

/** One object as `cat-file --batch` gives it (batch-objects.ts re-exports this shape). */
export interface PipedObject {
  oid: string;
  type: string;
  content: Buffer;
}

export interface ObjectPipes {
  /** Each name's object, or null when it does not exist (names hold no line break). */
  readObjects(names: string[]): Promise<Array<PipedObject | null>>;
  /** Writes each file (plain ASCII path, no line break) as an object of `type`, without filters; their ids in order. */
  hashFiles(type: 'blob' | 'tag' | 'tree' | 'commit', files: string[]): Promise<string[]>;
  /**
   * Starts the processes for these kinds of request now, if they are not running, so that the
   * first request finds one ready: a caller that knows it will write objects starts them while
   * it waits for something else (a snapshot, during its walk).
   */
  warm(kinds: Array<'read' | ObjectKind>): void;
}

type ObjectKind = 'blob' | 'tag' | 'tree' | 'commit';

export interface KeptObjectPipes {
  /** Ends every process (after the request in progress); later requests start one-shot processes again. */
  close(): Promise<void>;
}

/** One git process at a time for one kind of request, started on first use and again after it died. */
class LongLived {
  private pipe: GitPipe | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly start: () => GitPipe) {}

  use<T>(talk: (pipe: GitPipe) => Promise<T>): Promise<T> {
    const turn = this.queue.then(async () => {
      for (let tries = 0; ; tries++) {
        const fresh = !this.pipe?.alive();
        if (fresh) this.pipe = this.start();
        const pipe = this.pipe!;
        try {
          return await talk(pipe);
        } catch (error) {
          // Out of step with its answers, or dead: this process serves nobody any more.
          this.pipe = null;
          void pipe.close().catch(() => undefined);
          // A process that had died before this request (killed between two snapshots, its end
          // not seen yet): the request goes once more, to a new one. Every request may be
          // repeated: reads, and writes of objects named by their content.
          if (fresh || tries > 0) throw error;
        }
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Starts the process now unless one is running (in turn: never beside a request in progress). */
  warm(): void {
    this.queue = this.queue.then(() => {
      if (!this.pipe?.alive()) this.pipe = this.start();
    });
  }

  async close(): Promise<void> {
    await this.queue;
    const pipe = this.pipe;
    this.pipe = null;
    await pipe?.close().catch(() => undefined);
  }
}

class Pipes implements ObjectPipes {
  private readonly catFile: LongLived;
  private readonly hashers = new Map<string, LongLived>();

  constructor(private readonly root: string) {
    this.catFile = new LongLived(() => openGitPipe(['cat-file', '--batch'], { cwd: root }));
  }

  readObjects(names: string[]): Promise<Array<PipedObject | null>> {
    return this.catFile.use(async (pipe) => {
      pipe.write(Buffer.from(names.map((n) => `${n}\n`).join(''), 'latin1'));
      const out: Array<PipedObject | null> = [];
      for (let i = 0; i < names.length; i++) {
        // "<oid> <type> <size>", the content and a newline; or "<name> missing" / "<name> ambiguous".
        const header = /^([0-9a-f]+) ([a-z]+) (\d+)$/.exec(await pipe.readLine());
        if (!header) {
          out.push(null);
          continue;
        }
        const content = await pipe.readBytes(Number(header[3]) + 1);
        out.push({ oid: header[1]!, type: header[2]!, content: content.subarray(0, content.length - 1) });
      }
      return out;
    });
  }

  private hasher(type: ObjectKind): LongLived {
    let hasher = this.hashers.get(type);
    if (!hasher) {
      hasher = new LongLived(() => openGitPipe(['hash-object', '-w', '-t', type, '--no-filters', '--stdin-paths'], { cwd: this.root }));
      this.hashers.set(type, hasher);
    }
    return hasher;
  }

  warm(kinds: Array<'read' | ObjectKind>): void {
    for (const kind of new Set(kinds)) (kind === 'read' ? this.catFile : this.hasher(kind)).warm();
  }

  hashFiles(type: ObjectKind, files: string[]): Promise<string[]> {
    return this.hasher(type).use(async (pipe) => {
      pipe.write(files.map((f) => `${f}\n`).join(''));
      const ids = await pipe.readRecords(files.length);
      const bad = ids.find((id) => !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id));
      if (bad !== undefined) throw new GuardError('git', `hash-object answered "${bad}" instead of an object id`);
      return ids;
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.catFile.close(), ...[...this.hashers.values()].map((h) => h.close())]);
  }
}

const kept = new WeakMap<Repo, Pipes>();

/**
 * From now on, object reads and writes for `repo` (this very object) go through long-lived
 * processes, until close(). For a process that lives on its own (the watcher daemon).
 */
export function keepObjectPipes(repo: Repo): KeptObjectPipes {
  const pipes = new Pipes(repo.root);
  kept.set(repo, pipes);
  return {
    async close() {
      if (kept.get(repo) === pipes) kept.delete(repo);
      await pipes.close();
    },
  };
}

/** The long-lived processes kept for `repo`, if its owner keeps any. */
export function objectPipesOf(repo: Repo): ObjectPipes | undefined {
  return kept.get(repo);
}

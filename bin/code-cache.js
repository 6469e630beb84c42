'use strict';
// Node 20 has no module.enableCompileCache, so every agent hook, check-command, snapshot and watcher
// would compile its 180-520 KB bundle again. V8's code cache is reachable there through node:vm: the
// build also emits each of those bundles as a CommonJS-style body (dist/hot-*.cjs, first line
// `//guard-bundle <hash>`), and this compiles it with the cache kept from an earlier run.
//
// The cache never decides anything: V8 in release builds does not checksum a code cache, so a file
// that is corrupt, truncated or from another bundle is refused here (magic, bundle hash, length,
// checksum) and the bundle is compiled from source, as without a cache. The cache is written after
// the command has answered, atomically (temp file + rename), when it was missing or refused and in
// the first GROWING_RUNS runs after that: a run that starts from the cache and compiles what its
// own path needs (a state check, a ref check) leaves a cache holding both, so the cache grows to
// the paths the hook really takes, then stays as it is. A directory that cannot be written means
// running without it.
const MAGIC = 'GGC1';
const HEADER = 4 + 16 + 4 + 4 + 4; // magic, bundle hash, payload length, checksum, runs that wrote it
const GROWING_RUNS = 8;

// The checksum's loop as WebAssembly: the same loop in JavaScript runs in V8's interpreter at start and
// takes 2-6 ms over a 400 KB cache; compiled by Liftoff (with the copy into its memory) 1-2 ms. It exports its
// memory `m` and `s(n)`: FNV-1a over the 32-bit little-endian words of m[0, n), plus their running
// sum, as in the JavaScript below (which the tail bytes and the tests use). Made by hand:
//   (func (param $n i32) (result i32) (local $i i32) (local $a i32) (local $b i32)
//     a = 0x811c9dc5; loop while i < n: a = (a ^ load(i)) * 16777619; b += a; i += 4; return a ^ b)
const CHECKSUM_WASM =
  'AGFzbQEAAAABBgFgAX8BfwMCAQAFAwEAAQcJAgFtAgABcwAACkABPgEDf0HFu/KIeCECAkADQCABIABPDQEgAiABKAIAc0GTg4AIbCECIAMgAmohAyABQQRqIQEMAAsLIAIgA3ML';

/**
 * A 32-bit checksum of the payload (FNV-1a over its 32-bit words, xor their running sum, then the
 * tail bytes): cheap enough for every start, enough to catch a damaged file.
 */
function checksum(bytes) {
  const words = bytes.byteLength >>> 2;
  let a;
  try {
    const { m, s } = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(CHECKSUM_WASM, 'base64'))).exports;
    m.grow(Math.ceil(bytes.byteLength / 65536));
    new Uint8Array(m.buffer).set(bytes);
    a = s(words << 2);
  } catch {
    // No WebAssembly (a Node built without it, a policy that forbids it): the same loop in JavaScript.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let b = 0;
    a = 0x811c9dc5 | 0;
    for (let i = 0; i < words; i++) {
      a = Math.imul(a ^ view.getInt32(i << 2, true), 0x01000193);
      b = (b + a) | 0;
    }
    a ^= b;
  }
  for (let i = words << 2; i < bytes.byteLength; i++) a = Math.imul(a ^ bytes[i], 0x01000193);
  return a >>> 0;
}

function cacheDir(env) {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : env.HOME ? `${env.HOME}/.cache` : null;
  return base && `${base}/git-guard/v8`;
}

/** The cached data in `file` and how many runs wrote it, if it is whole and made for `hash`; else undefined. */
function readCache(fs, file, hash) {
  let bytes;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length < HEADER || bytes.toString('latin1', 0, 4) !== MAGIC || bytes.toString('latin1', 4, 20) !== hash) return undefined;
  const length = bytes.readUInt32LE(20);
  if (length !== bytes.length - HEADER) return undefined;
  const payload = bytes.subarray(HEADER);
  return checksum(payload) === bytes.readUInt32LE(24) ? { payload, runs: bytes.readUInt32LE(28) } : undefined;
}

/** Writes the cache of bundle `name` and removes the caches of its earlier builds (other hashes or Node versions). */
function writeCache(fs, dir, name, file, hash, payload, runs) {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const header = Buffer.alloc(HEADER);
    header.write(MAGIC, 0, 'latin1');
    header.write(hash, 4, 'latin1');
    header.writeUInt32LE(payload.length, 20);
    header.writeUInt32LE(checksum(payload), 24);
    header.writeUInt32LE(runs, 28);
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, Buffer.concat([header, payload]));
    fs.renameSync(temp, file);
    for (const entry of fs.readdirSync(dir)) {
      if (entry.startsWith(`${name}-`) && `${dir}/${entry}` !== file) fs.rmSync(`${dir}/${entry}`, { force: true });
    }
  } catch {
    // No cache this time: the next run compiles from source again.
  }
}

/**
 * The cache's name for bundle `name` in this process: V8 refuses a cache made under other V8 flags
 * (measured: `--max-semi-space-size=1`, which the watcher daemon runs with, refuses one made
 * without it), so a process with flags of its own (on its command line or in NODE_OPTIONS) keeps
 * a cache of its own beside the plain one, instead of the two rewriting one file in turn.
 */
function cacheName(name, execArgv, nodeOptions) {
  const flags = [...execArgv, nodeOptions ?? ''].join('\0');
  return flags === '' ? name : `${name}.f${checksum(Buffer.from(flags, 'utf8')).toString(16).padStart(8, '0')}`;
}

/**
 * Runs `runHot(argv, launcher)` of the CommonJS-style bundle `name` (hot-agent-hook,
 * hot-check-command, hot-snapshot, hot-watch, or cli: the whole CLI) at `url` (a file: URL), compiled with the code
 * cache. Returns what runHot returns. `launcher.saveCodeCache()` lets a command that runs on
 * (the watcher daemon) write the cache once it has started, instead of only when it ends.
 */
async function runCached(name, url, argv) {
  const fs = process.getBuiltinModule('node:fs');
  const vm = process.getBuiltinModule('node:vm');
  // ASCII only (scripts/build.mjs checks), so latin1 reads it without decoding UTF-8.
  const source = fs.readFileSync(url, 'latin1');
  const hash = source.startsWith('//guard-bundle ') ? source.slice(15, 31) : null;
  const dir = hash && cacheDir(process.env);
  const cached = cacheName(name, process.execArgv, process.env.NODE_OPTIONS);
  const file = dir && `${dir}/${cached}-${hash}-${process.version}-${process.arch}.bin`;
  const cache = file ? readCache(fs, file, hash) : undefined;
  const script = new vm.Script(source, { filename: url.href, cachedData: cache?.payload });
  const module = { exports: {} };
  const require = (id) => (id.startsWith('node:') ? process.getBuiltinModule(id) : process.getBuiltinModule('node:module').createRequire(url)(id));
  script.runInThisContext()(module.exports, require, module, url.href);
  let saved = false;
  const saveCodeCache = () => {
    if (saved || !file) return;
    saved = true;
    try {
      if (cache === undefined || script.cachedDataRejected) writeCache(fs, dir, cached, file, hash, script.createCachedData(), 1);
      else if (cache.runs < GROWING_RUNS) writeCache(fs, dir, cached, file, hash, script.createCachedData(), cache.runs + 1);
    } catch {
      // No cache this time (the daemon calls this from a timer, where a throw would end it).
    }
  };
  const handled = await module.exports.runHot(argv, { saveCodeCache });
  // After the work, so that the functions it compiled lazily are in the cache too.
  saveCodeCache();
  return handled;
}

exports.cacheName = cacheName;
exports.checksum = checksum;
exports.runCached = runCached;

/**
 * The environment for a Node process of guard's own (the background backup pusher, the watcher
 * daemon): the caller's, with NODE_EXTRA_CA_CERTS handed over in GUARD_NODE_EXTRA_CA_CERTS
 * instead. Node 20 reads and parses every certificate of that file as it starts, before any
 * JavaScript runs (about 37 ms of CPU for a distribution's 144-certificate bundle, more than the
 * rest of its start), and guard opens no TLS connection. bin/guard.js puts the value back first
 * thing, so the processes guard starts see it as it was. The sh shims do the same
 * (hooks/lib.sh, guard_run_node).
 */
export const HANDED_CA_CERTS = 'GUARD_NODE_EXTRA_CA_CERTS';

/** Moves a non-empty NODE_EXTRA_CA_CERTS of `env` (changed in place) to HANDED_CA_CERTS; returns `env`. */
export function ownNodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const certs = env.NODE_EXTRA_CA_CERTS;
  if (certs) {
    env[HANDED_CA_CERTS] = certs;
    delete env.NODE_EXTRA_CA_CERTS;
  }
  return env;
}

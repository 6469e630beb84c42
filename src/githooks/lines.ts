/**
 * Parsers for what git writes on a hook's stdin. Pure. Object ids are kept as git gives them
 * (sha1 or sha256); an all-zero id means "none" (a ref that does not exist yet, or any more, or
 * an old value the caller did not state).
 */

export interface RefUpdate {
  /** null: the caller gave no old value (creation, or "whatever it is now"). */
  old: string | null;
  /** null: the ref is deleted. */
  new: string | null;
  ref: string;
}

export interface PushUpdate {
  localRef: string;
  /** null: the remote ref is deleted (`git push origin :main`, `--delete`). */
  localOid: string | null;
  remoteRef: string;
  /** null: the remote ref does not exist yet. */
  remoteOid: string | null;
}

export const isZeroOid = (oid: string): boolean => /^0+$/.test(oid);
const oidOrNull = (oid: string): string | null => (isZeroOid(oid) ? null : oid);
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

function fields(text: string, count: number): string[][] {
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const parts = line.split(' ');
    if (parts.length < count) throw new Error(`unexpected hook input line: ${JSON.stringify(line)}`);
    // The last field is a ref name, which cannot contain a space; keep any rest with it anyway.
    out.push([...parts.slice(0, count - 1), parts.slice(count - 1).join(' ')]);
  }
  return out;
}

/** reference-transaction (and pre-receive / post-receive): `<old> <new> <ref>` lines. */
export function parseRefUpdates(text: string): RefUpdate[] {
  return fields(text, 3).map(([old, next, ref]) => {
    if (!OID.test(old!) || !OID.test(next!)) throw new Error(`unexpected object ids for ${ref}`);
    return { old: oidOrNull(old!), new: oidOrNull(next!), ref: ref! };
  });
}

/** pre-push: `<local ref> <local oid> <remote ref> <remote oid>` lines. */
export function parsePushUpdates(text: string): PushUpdate[] {
  return fields(text, 4).map(([localRef, localOid, remoteRef, remoteOid]) => {
    if (!OID.test(localOid!) || !OID.test(remoteOid!)) throw new Error(`unexpected object ids for ${remoteRef}`);
    return { localRef: localRef!, localOid: oidOrNull(localOid!), remoteRef: remoteRef!, remoteOid: oidOrNull(remoteOid!) };
  });
}

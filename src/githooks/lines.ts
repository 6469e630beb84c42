/**
 * Parsers for what git writes on a hook's stdin. Pure. Object ids are kept as git gives them
 * (sha1 or sha256); an all-zero id means "none" (a ref that does not exist yet, or any more, or
 * an old value the caller did not state).
 */

export interface RefUpdate {
  /** null: the caller gave no old value (creation, or "whatever it is now"), or the old value was a symbolic ref (oldSymref). */
  old: string | null;
  /** null: the ref is deleted, or becomes a symbolic ref (newSymref). */
  new: string | null;
  ref: string;
  /**
   * git >= 2.46 reports symbolic-ref updates with `ref:<target>` in place of an object id
   * (githooks(5)): the ref the value named. Absent for ordinary values.
   */
  oldSymref?: string;
  newSymref?: string;
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

const SYMREF = /^ref:(\S+)$/;

/**
 * reference-transaction (and pre-receive / post-receive): `<old> <new> <ref>` lines, where since
 * git 2.46 a value may be `ref:<target>` for a symbolic ref.
 */
export function parseRefUpdates(text: string): RefUpdate[] {
  return fields(text, 3).map(([old, next, ref]) => {
    const update: RefUpdate = { old: null, new: null, ref: ref! };
    for (const [value, side] of [
      [old!, 'old'],
      [next!, 'new'],
    ] as const) {
      const symref = SYMREF.exec(value);
      if (symref) update[side === 'old' ? 'oldSymref' : 'newSymref'] = symref[1]!;
      else if (OID.test(value)) update[side] = oidOrNull(value);
      else throw new Error(`unexpected object ids for ${ref}`);
    }
    return update;
  });
}

/** pre-push: `<local ref> <local oid> <remote ref> <remote oid>` lines. */
export function parsePushUpdates(text: string): PushUpdate[] {
  return fields(text, 4).map(([localRef, localOid, remoteRef, remoteOid]) => {
    if (!OID.test(localOid!) || !OID.test(remoteOid!)) throw new Error(`unexpected object ids for ${remoteRef}`);
    return { localRef: localRef!, localOid: oidOrNull(localOid!), remoteRef: remoteRef!, remoteOid: oidOrNull(remoteOid!) };
  });
}

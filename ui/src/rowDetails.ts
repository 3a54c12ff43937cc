// What a row shows beyond its manifest — an image's created time, an index's size per platform —
// asked for the rows in view only (a config read each), once per digest while the repository is open.
import { useEffect, useRef, useState, type MutableRefObject } from "react";
import { api, type ImageRow, type RowDetail, type RowDetailRequest } from "./ipc";
import { isWaiting } from "./listing";

/** How long the view must rest before its rows are asked about: scrolling past them costs nothing. */
const SETTLE_MS = 60;
/** The backend takes at most this many rows per ask. */
const PER_ASK = 200;

export type Details = ReadonlyMap<string, RowDetail>;

/** Rows worth asking about: images whose config is known, and indexes. */
export function detailRequests(rows: ImageRow[], asked: ReadonlySet<string>): RowDetailRequest[] {
  const wanted = new Map<string, RowDetailRequest>();
  for (const row of rows) {
    if (isWaiting(row) || asked.has(row.digest) || wanted.has(row.digest)) continue;
    if (row.kind === "image" && row.config) wanted.set(row.digest, { digest: row.digest, config: row.config });
    else if (row.kind === "index") wanted.set(row.digest, { digest: row.digest, config: null });
  }
  return [...wanted.values()];
}

/** The details read so far for a repository's rows, and what is needed to ask for more. */
export interface DetailStore {
  details: Details;
  merge: (answers: RowDetail[]) => void;
  /** Digests asked about (read when asking: a newly opened repository starts afresh). */
  asked: MutableRefObject<Set<string>>;
  leaving: MutableRefObject<AbortController>;
}

/** Details of the open repository (dropped when another opens; what is being read stops). */
export function useRowDetails(registryId: string, repository: string): DetailStore {
  const [details, setDetails] = useState<Details>(new Map());
  const asked = useRef(new Set<string>());
  const leaving = useRef(new AbortController());
  useEffect(() => {
    asked.current = new Set();
    setDetails(new Map());
    const controller = new AbortController();
    leaving.current = controller;
    return () => controller.abort();
  }, [registryId, repository]);
  const merge = (answers: RowDetail[]) =>
    setDetails((known) => {
      const next = new Map(known);
      for (const detail of answers) next.set(detail.digest, detail);
      return next;
    });
  return { details, merge, asked, leaving };
}

/** Asks for the details of the rows in view, once the view rests. */
export function useAskRowDetails(
  store: DetailStore,
  registryId: string,
  repository: string,
  inView: ImageRow[],
  enabled: boolean,
): void {
  const wanted = enabled ? detailRequests(inView, store.asked.current) : [];
  const key = wanted.map((r) => r.digest).join("\n");
  useEffect(() => {
    if (!key) return;
    const timer = setTimeout(() => {
      const [signal, asked, merge] = [store.leaving.current.signal, store.asked.current, store.merge];
      // Asked once: a row whose details cannot be read is not asked about again until reopened.
      for (const r of wanted) asked.add(r.digest);
      for (let at = 0; at < wanted.length; at += PER_ASK) {
        api.rowDetails(registryId, repository, wanted.slice(at, at + PER_ASK), signal).then(
          (answers) => signal.aborted || merge(answers),
          // Not shown: the row itself is known, only its created time or platform sizes are missing.
          () => {},
        );
      }
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [key, registryId, repository]);
}

/** An index's size in a row: one size, or the smallest to the largest platform. */
export function platformSizeRange(detail: RowDetail | undefined): { low: number; high: number } | null {
  const sizes = (detail?.platform_sizes ?? []).map((p) => p.size).filter((s): s is number => s !== null);
  if (!sizes.length) return null;
  return { low: Math.min(...sizes), high: Math.max(...sizes) };
}

// The push sheet's logic, kept pure for unit tests.
import type { BlobProgress } from "./ipc";

/** Tags typed by the user: separated by spaces or commas. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Docker's tag rule: up to 128 of [A-Za-z0-9_.-], not starting with . or -. */
export function invalidTag(tag: string): boolean {
  return !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag);
}

export interface Totals {
  done: number;
  total: number;
  /** Bytes per second since the start. */
  rate: number;
  /** Seconds left at that rate, when known. */
  eta: number | null;
}

export function totals(blobs: BlobProgress[], elapsedMs: number): Totals {
  const done = blobs.reduce((n, b) => n + (b.state === "exists" || b.state === "mounted" ? b.total : b.done), 0);
  const total = blobs.reduce((n, b) => n + b.total, 0);
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const eta = rate > 0 && total > done ? (total - done) / rate : total > 0 && done >= total ? 0 : null;
  return { done, total, rate, eta };
}

/** Tags that ECR would refuse to move: already there, in an immutable repository, not excluded. */
export function immutableClashes(
  tags: string[],
  existing: string[],
  mutability: string,
  exclusions: string[],
): string[] {
  if (!mutability.startsWith("IMMUTABLE")) return [];
  const excluded = (tag: string) =>
    mutability === "IMMUTABLE_WITH_EXCLUSION" &&
    exclusions.some((f) => new RegExp(`^${f.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(tag));
  return tags.filter((t) => existing.includes(t) && !excluded(t));
}

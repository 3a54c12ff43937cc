// ECR lists an index's images as rows of their own (DescribeImages lists every manifest): the
// table shows each right under its index, named by platform, and does not count it as untagged.
import type { ImageRow } from "./ipc";

export interface Parent {
  index: ImageRow;
  /** The child's platform in the index ("linux/arm64/v8", "attestation of linux/amd64"). */
  label: string;
}

/** Untagged child digest → the index that lists it (the first, if several do). A tagged image
 * that is also in an index is an image in its own right and keeps its place. */
export function parentsOf(rows: ImageRow[]): Map<string, Parent> {
  const untagged = new Set(rows.filter((r) => r.tags.length === 0).map((r) => r.digest));
  const parents = new Map<string, Parent>();
  for (const row of rows) {
    if (row.kind !== "index") continue;
    row.children.forEach((child, i) => {
      if (untagged.has(child) && !parents.has(child)) parents.set(child, { index: row, label: row.child_labels?.[i] ?? "" });
    });
  }
  return parents;
}

/** `sorted` with each child moved right after its index, in the index's order; a child whose
 * index is not shown (filtered out) keeps its place. */
export function childrenUnderParents(sorted: ImageRow[], parents: Map<string, Parent>): ImageRow[] {
  if (parents.size === 0) return sorted;
  const shown = new Set(sorted.map((r) => r.digest));
  const byDigest = new Map(sorted.map((r) => [r.digest, r]));
  const out: ImageRow[] = [];
  for (const row of sorted) {
    const parent = parents.get(row.digest);
    if (parent && shown.has(parent.index.digest)) continue;
    out.push(row);
    if (row.kind !== "index") continue;
    for (const child of row.children) {
      const childRow = byDigest.get(child);
      if (childRow && parents.get(child)?.index === row) out.push(childRow);
    }
  }
  return out;
}

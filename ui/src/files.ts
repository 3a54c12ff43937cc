// The Files tab's logic (kept pure for unit tests): a layer's tar entries as an indented tree,
// each marked where a later layer hides it.
import type { FileView, WastedView } from "./ipc";
import { tagOrder } from "./listing";

export interface FileRow {
  path: string;
  name: string;
  depth: number;
  size: number;
  kind: string;
  mode: string;
  target: string | null;
  /** "overwritten in layer 3", "deleted in layer 3", or for markers what they do. */
  note: string | null;
  wasted: boolean;
}

/** `ls -l` style: drwxr-xr-x. */
export function formatMode(mode: number, kind: string): string {
  const type = kind === "dir" ? "d" : kind === "symlink" ? "l" : "-";
  const bits = ["r", "w", "x"];
  let out = type;
  for (let i = 8; i >= 0; i--) out += mode & (1 << i) ? bits[(8 - i) % 3] : "-";
  return out;
}

/** A layer's entries in path order (a tree read top to bottom), with what hides them. */
export function fileRows(files: FileView[], layer: number, wasted: WastedView[] | null): FileRow[] {
  const hidden = new Map<string, WastedView>();
  for (const w of wasted ?? []) if (w.layer === layer) hidden.set(w.path, w);
  // Tars often omit the folders of their files; add them so the tree reads right.
  const listed = new Set(files.map((f) => f.path));
  const implied: FileView[] = [];
  for (const f of files) {
    const parts = f.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join("/");
      if (!listed.has(folder)) {
        listed.add(folder);
        implied.push({ path: folder, size: 0, mode: -1, kind: "dir", target: null });
      }
    }
  }
  return inTreeOrder([...files, ...implied])
    .map((f) => {
      const parts = f.path.split("/");
      const by = hidden.get(f.path);
      let note: string | null = null;
      if (f.kind === "whiteout") note = "deletes this path from the layers below";
      else if (f.kind === "opaque") note = "hides this folder's contents from the layers below";
      else if (by) note = `${by.deleted ? "deleted" : "overwritten"} in layer ${by.hidden_by + 1}`;
      return {
        path: f.path,
        name: parts[parts.length - 1] ?? f.path,
        depth: parts.length - 1,
        size: f.size,
        kind: f.kind,
        // A folder only implied by its files' paths has no mode of its own.
        mode: f.mode < 0 ? "" : formatMode(f.mode, f.kind),
        target: f.target,
        note,
        wasted: by !== undefined,
      };
    });
}

/**
 * Folder by folder, names in natural order (file2 before file10): a folder's entries follow it,
 * before a sibling whose name only starts the same (etc/ before etc-old).
 */
export function inTreeOrder(files: FileView[]): FileView[] {
  const keyed = files.map((f) => ({ f, parts: f.path.split("/") }));
  keyed.sort((a, b) => {
    const common = Math.min(a.parts.length, b.parts.length);
    for (let i = 0; i < common; i++) {
      const c = tagOrder.compare(a.parts[i]!, b.parts[i]!);
      if (c !== 0) return c;
    }
    return a.parts.length - b.parts.length;
  });
  return keyed.map((k) => k.f);
}

/** How the merged view marks an entry against the layers below the one chosen. */
export type Change = "added" | "modified" | "deleted";

export interface MergedRow extends FileRow {
  /** The layer (0-based) whose entry this is; for a deletion, the layer that deleted it. */
  layer: number;
  /** What the chosen layer did to it; null when it comes unchanged from below. */
  change: Change | null;
}

/**
 * The filesystem a container sees with layers 0..`upTo` applied, as dive shows it: each entry from
 * the layer that last wrote it, and what layer `upTo` added, modified or deleted. Whiteouts delete
 * a path and what is under it; an opaque folder hides what lower layers put in it; a non-folder
 * written over a folder replaces the folder's contents. Null until every layer up to `upTo` is read.
 */
export function mergedRows(read: ReadonlyArray<FileView[] | undefined>, upTo: number): MergedRow[] | null {
  const merged = new Map<string, { file: FileView; layer: number }>();
  const deleted = new Map<string, FileView>();
  const changed = new Map<string, Change>();
  for (let layer = 0; layer <= upTo; layer++) {
    const files = read[layer];
    if (!files) return null;
    const last = layer === upTo;
    // Folders emptied and paths removed by this layer, applied to the lower layers in one pass.
    const emptied = new Set<string>();
    const removed = new Set<string>();
    for (const f of files) {
      if (f.kind === "opaque") emptied.add(f.path);
      else if (f.kind === "whiteout") removed.add(f.path);
      else if (f.kind !== "dir" && merged.get(f.path)?.file.kind === "dir") emptied.add(f.path);
    }
    if (emptied.size || removed.size) {
      for (const [path, entry] of merged) {
        const parts = path.split("/");
        let gone = removed.has(path);
        for (let i = 1; i < parts.length && !gone; i++) {
          const ancestor = parts.slice(0, i).join("/");
          gone = emptied.has(ancestor) || removed.has(ancestor);
        }
        if (!gone) continue;
        merged.delete(path);
        if (last) deleted.set(path, entry.file);
      }
    }
    for (const f of files) {
      if (f.kind === "opaque" || f.kind === "whiteout") continue;
      // Tars list the folders of their files again; the same folder, same mode, is no change.
      const below = merged.get(f.path)?.file;
      if (f.kind === "dir" && below?.kind === "dir" && below.mode === f.mode) continue;
      if (last) changed.set(f.path, merged.has(f.path) || deleted.has(f.path) ? "modified" : "added");
      deleted.delete(f.path);
      merged.set(f.path, { file: f, layer });
    }
  }
  const layerOf = new Map<string, number>();
  const all: FileView[] = [];
  for (const [path, { file, layer }] of merged) {
    layerOf.set(path, layer);
    all.push(file);
  }
  // A deleted folder's contents are one deletion: list the folder, not every file in it.
  for (const [path, file] of deleted) {
    const parts = path.split("/");
    const under = parts.slice(1).some((_, i) => deleted.has(parts.slice(0, i + 1).join("/")));
    if (!under) {
      all.push(file);
      changed.set(path, "deleted");
      layerOf.set(path, upTo);
    }
  }
  return fileRows(all, -1, null).map((row) => {
    const change = changed.get(row.path) ?? null;
    const layer = layerOf.get(row.path) ?? upTo;
    const note =
      change === "deleted" ? `deleted in layer ${upTo + 1}`
      : change ? `${change} in layer ${upTo + 1}`
      : layerOf.has(row.path) ? `from layer ${layer + 1}`
      : null;
    return { ...row, layer, change, note };
  });
}

/**
 * The rows whose path matches `query` (case-insensitive; `*` and `?` are wildcards, otherwise a
 * part of the path), with the folders above each match so the tree still reads.
 */
export function filterRows<T extends FileRow>(rows: T[], query: string): T[] {
  const q = query.trim().toLowerCase();
  if (!q) return rows;
  const matches: (path: string) => boolean = /[*?]/.test(q)
    ? ((pattern) => (path: string) => pattern.test(path) || pattern.test(path.split("/").pop() ?? ""))(
        new RegExp(`^${q.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`),
      )
    : (path) => path.includes(q);
  const keep = new Set<string>();
  for (const row of rows) {
    if (!matches(row.path.toLowerCase())) continue;
    const parts = row.path.split("/");
    for (let i = 1; i <= parts.length; i++) keep.add(parts.slice(0, i).join("/"));
  }
  return rows.filter((row) => keep.has(row.path));
}

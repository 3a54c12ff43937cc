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

import { useEffect, useMemo, useState } from "react";
import { api, type ImageRow, type LadingError, type RegistryView } from "../ipc";
import { formatBytes, relativeTime, tagMatcher } from "../format";
import { ImageDetailView } from "./ImageDetailView";

type SortKey = "tags" | "kind" | "size" | "pushed_at" | "last_pulled_at";

const COLUMNS: Array<[SortKey, string]> = [
  ["tags", "Tags"],
  ["kind", "Type"],
  ["size", "Size"],
  ["pushed_at", "Pushed"],
  ["last_pulled_at", "Last pull"],
];

function compare(a: ImageRow, b: ImageRow, key: SortKey): number {
  switch (key) {
    case "tags":
      return (a.tags[0] ?? "").localeCompare(b.tags[0] ?? "", undefined, { numeric: true });
    case "kind":
      return a.kind.localeCompare(b.kind);
    default:
      return (a[key] ?? -1) - (b[key] ?? -1);
  }
}

export function ImageTable({ registry, repository }: { registry: RegistryView; repository: string }) {
  const [rows, setRows] = useState<ImageRow[] | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "tags", descending: false });
  const [open, setOpen] = useState<ImageRow | null>(null);

  useEffect(() => {
    setRows(null);
    setError(null);
    setOpen(null);
    let current = true;
    api.listImages(registry.id, repository).then(
      (r) => current && setRows(r),
      (e: LadingError) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [registry.id, repository]);

  const shown = useMemo(() => {
    const matches = tagMatcher(filter);
    const kept = (rows ?? []).filter((r) => !filter.trim() || r.tags.some(matches));
    const sorted = [...kept].sort((a, b) => compare(a, b, sort.key));
    return sort.descending ? sorted.reverse() : sorted;
  }, [rows, filter, sort]);

  if (error) return <p className="form-error" role="alert">{error.message}</p>;
  if (!rows) return <p className="hint">Loading images…</p>;
  const untagged = rows.filter((r) => r.tags.length === 0).length;
  return (
    <div className="image-table">
      <div className="filter-row">
        <input
          className="filter"
          type="search"
          placeholder="Filter tags (release-* works)"
          aria-label="Filter tags"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="count" data-testid="image-count">
          {shown.length === rows.length ? rows.length : `${shown.length} of ${rows.length}`}{" "}
          {rows.length === 1 ? "image" : "images"}
          {untagged > 0 && ` · ${untagged} untagged`}
        </span>
      </div>
      <table>
        <thead>
          <tr>
            {COLUMNS.map(([key, label]) => (
              <th
                key={key}
                aria-sort={sort.key === key ? (sort.descending ? "descending" : "ascending") : "none"}
              >
                <button
                  className="sort-button"
                  onClick={() =>
                    setSort((s) => ({ key, descending: s.key === key ? !s.descending : key !== "tags" && key !== "kind" }))
                  }
                >
                  {label}
                  {sort.key === key ? (sort.descending ? " ↓" : " ↑") : ""}
                </button>
              </th>
            ))}
            <th>Digest</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr
              key={row.digest}
              className={open?.digest === row.digest ? "selected" : undefined}
              onClick={() => setOpen(row)}
              onKeyDown={(e) => e.key === "Enter" && setOpen(row)}
              tabIndex={0}
              aria-selected={open?.digest === row.digest}
            >
              <td>
                <div className="chips">
                  {row.tags.length ? row.tags.map((t) => <span key={t} className="chip">{t}</span>) : <span className="hint">untagged</span>}
                </div>
              </td>
              <td title={row.media_type}>
                {row.kind}
                {row.platforms.length > 0 && <span className="hint"> · {row.platforms.join(", ")}</span>}
              </td>
              <td className="number">{formatBytes(row.size)}</td>
              <td title={row.pushed_at ? new Date(row.pushed_at * 1000).toISOString() : undefined}>{relativeTime(row.pushed_at)}</td>
              <td title={row.last_pulled_at ? new Date(row.last_pulled_at * 1000).toISOString() : undefined}>
                {relativeTime(row.last_pulled_at)}
              </td>
              <td className="digest" title={row.digest}>
                {row.digest.replace("sha256:", "").slice(0, 12)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && <ImageDetailView registry={registry} repository={repository} digest={open.digest} tags={open.tags} />}
    </div>
  );
}

// A lifecycle dry run's verdicts: what expires, is archived or is kept, and by which rule —
// filterable by tag and by result, sortable by each column (expiring first, newest first, unless
// asked otherwise).
import { useMemo, useState } from "react";
import type { LifecycleDryRun, LifecycleVerdict, ServerPreview } from "../ipc";
import { formatBytes, relativeTime, tagMatcher } from "../format";
import { tagOrder } from "../listing";

type Key = "tags" | "pushed_at" | "last_pulled_at" | "size" | "result";
const COLUMNS: Array<[Key, string]> = [
  ["tags", "Tags"],
  ["pushed_at", "Pushed"],
  ["last_pulled_at", "Last pull"],
  ["size", "Size"],
  ["result", "Result"],
];
const RESULTS = [
  ["all", "every result"],
  ["expire", "expiring"],
  ["transition", "archived"],
  ["keep", "kept"],
] as const;

const actionOrder = (v: LifecycleVerdict) => (v.action === "expire" ? 0 : v.action === "transition" ? 1 : 2);

function compare(a: LifecycleVerdict, b: LifecycleVerdict, key: Key): number {
  switch (key) {
    case "tags":
      return tagOrder.compare(a.tags[0] ?? "", b.tags[0] ?? "");
    case "size":
      return (a.size ?? -1) - (b.size ?? -1);
    case "result":
      return actionOrder(a) - actionOrder(b) || (a.rule_priority ?? 1e9) - (b.rule_priority ?? 1e9);
    default:
      return (a[key] ?? 0) - (b[key] ?? 0);
  }
}

export function DryRunTable({ result, server }: { result: LifecycleDryRun; server: ServerPreview | null }) {
  const [filter, setFilter] = useState("");
  const [only, setOnly] = useState<(typeof RESULTS)[number][0]>("all");
  // Unsorted: expiring first, then archived, then kept; newest first within each.
  const [sort, setSort] = useState<{ key: Key; descending: boolean } | null>(null);
  const disagree = new Set(server?.disagreements ?? []);
  const rows = useMemo(() => {
    const matches = tagMatcher(filter);
    const kept = result.verdicts.filter(
      (v) => (only === "all" || v.action === only) && (!filter.trim() || v.tags.some(matches) || v.digest.includes(filter.trim())),
    );
    if (!sort) return kept.sort((a, b) => actionOrder(a) - actionOrder(b) || (b.pushed_at ?? 0) - (a.pushed_at ?? 0));
    const sorted = kept.sort((a, b) => compare(a, b, sort.key));
    return sort.descending ? sorted.reverse() : sorted;
  }, [result, filter, only, sort]);
  return (
    <>
      <p className="dry-run-totals" data-testid="dry-run-totals">
        <strong>{result.expiring}</strong> of {result.verdicts.length} {result.verdicts.length === 1 ? "image expires" : "images expire"}
        {result.bytes_reclaimed > 0 && ` (${formatBytes(result.bytes_reclaimed)} reclaimed)`}
        {result.transitioning > 0 && `, ${result.transitioning} archived`}; {result.kept} kept
      </p>
      {result.warnings.length > 0 && (
        <div role="alert" aria-label="Warnings">
          <ul className="dry-run-warnings">
            {result.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="filter-row dry-run-filter">
        <input
          className="filter"
          type="search"
          placeholder="Filter tags or digests"
          aria-label="Filter the dry run"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <select aria-label="Show" value={only} onChange={(e) => setOnly(e.target.value as typeof only)}>
          {RESULTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <span className="count">
          {rows.length === result.verdicts.length ? `${rows.length}` : `${rows.length} of ${result.verdicts.length}`}
        </span>
      </div>
      <div className="dry-run-table">
        <table>
          <thead>
            <tr>
              {COLUMNS.map(([key, label]) => (
                <th key={key} aria-sort={sort?.key === key ? (sort.descending ? "descending" : "ascending") : "none"}>
                  <button
                    className="sort-button"
                    onClick={() =>
                      setSort((s) => ({ key, descending: s?.key === key ? !s.descending : key !== "tags" && key !== "result" }))
                    }
                  >
                    {label}
                    {sort?.key === key ? (sort.descending ? " ↓" : " ↑") : ""}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => (
              <tr key={v.digest} className={`verdict ${v.action}${disagree.has(v.digest) ? " disagreement" : ""}`} title={v.digest}>
                <td>
                  {v.tags.length ? v.tags.join(", ") : <span className="hint">untagged {v.digest.slice(7, 19)}</span>}
                  {v.archived && <span className="hint" title="In the archive storage class: only rules for archived images select it"> · archived {relativeTime(v.archived_at)}</span>}
                </td>
                <td>{relativeTime(v.pushed_at)}</td>
                <td>{relativeTime(v.last_pulled_at)}</td>
                <td className="number">{formatBytes(v.size)}</td>
                <td>
                  {v.action === "expire"
                    ? `expires — rule ${v.rule_priority}`
                    : v.action === "transition"
                      ? `archived — rule ${v.rule_priority}`
                      : v.rule_priority !== null
                        ? `kept by rule ${v.rule_priority}`
                        : "kept — no rule selects it"}
                  {disagree.has(v.digest) && " · ECR disagrees"}
                </td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={5} className="hint">
                  No image matches.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}

// The image table's columns: which there are (ECR says when an image was pushed and last pulled;
// other registries only what the image's config records), how each sorts, and a row's cells.
import type { ImageRow } from "../ipc";
import { formatBytes, relativeTime } from "../format";
import { isWaiting, tagOrder } from "../listing";
import { platformSizeRange, type Details } from "../rowDetails";
import { TagChips } from "./TagChips";
import type { Parent } from "../indexChildren";
import { countsInWords, orderedCounts, SEVERITY_ORDER, statusWords } from "../scan";

/** Worse scans weigh more: counts compared most severe first; then a failed scan (nothing is
 * known) over a clean one, and any scan over none. */
function scanCompare(a: ImageRow, b: ImageRow): number {
  for (const severity of SEVERITY_ORDER) {
    const d = (a.scan_counts?.[severity] ?? 0) - (b.scan_counts?.[severity] ?? 0);
    if (d) return d;
  }
  const weight = (status: string | null) => (status === "FAILED" ? 2 : status ? 1 : 0);
  return weight(a.scan_status) - weight(b.scan_status);
}

/** "2 critical, 1 high"; "nothing found"; the status while there are no counts. */
export function scanCell(row: ImageRow): { text: string; worst: string | null } {
  const counts = row.scan_counts ?? {};
  const worst = orderedCounts(counts)[0]?.[0] ?? null;
  if (worst) return { text: countsInWords(counts), worst };
  if (!row.scan_status) return { text: "—", worst: null };
  return { text: row.scan_status === "COMPLETE" ? "nothing found" : statusWords(row.scan_status), worst: null };
}

export type SortKey = "tags" | "kind" | "size" | "created" | "pushed_at" | "last_pulled_at" | "scan_status";

export function columnsFor(ecr: boolean, hasScan: boolean): Array<[SortKey, string]> {
  const columns: Array<[SortKey, string]> = [
    ["tags", "Tags"],
    ["kind", "Type"],
    ["size", "Size"],
  ];
  if (ecr) columns.push(["pushed_at", "Pushed"], ["last_pulled_at", "Last pull"]);
  else columns.push(["created", "Created"]);
  if (hasScan) columns.push(["scan_status", "Scan"]);
  return columns;
}

/** Sorting by these starts with the largest or newest. */
export const descendingFirst = (key: SortKey) => key !== "tags" && key !== "kind";

/** An index sorts by its largest platform, once that is known. */
function sizeOf(row: ImageRow, details: Details): number {
  return row.size ?? platformSizeRange(details.get(row.digest))?.high ?? -1;
}

export function compareRows(
  a: ImageRow,
  b: ImageRow,
  key: SortKey,
  rank: Map<string, number> | null,
  details: Details,
): number {
  switch (key) {
    case "tags": {
      const [x, y] = [a.tags[0] ?? "", b.tags[0] ?? ""];
      const [rx, ry] = [rank?.get(x), rank?.get(y)];
      return rx !== undefined && ry !== undefined ? rx - ry : tagOrder.compare(x, y);
    }
    case "kind":
      return a.kind.localeCompare(b.kind);
    case "scan_status":
      return scanCompare(a, b);
    case "size":
      return sizeOf(a, details) - sizeOf(b, details);
    case "created":
      return (details.get(a.digest)?.created ?? -Infinity) - (details.get(b.digest)?.created ?? -Infinity) || 0;
    default:
      return (a[key] ?? -1) - (b[key] ?? -1);
  }
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** A size cell: an image's, or an index's per platform (the range, each one on hover). */
function SizeCell({ row, details }: { row: ImageRow; details: Details }) {
  const detail = details.get(row.digest);
  const range = row.kind === "index" ? platformSizeRange(detail) : null;
  if (!range) return <td className="number">{formatBytes(row.size)}</td>;
  const each = (detail?.platform_sizes ?? []).map((p) => `${p.platform}: ${formatBytes(p.size)}`).join("\n");
  return (
    <td className="number" title={`Each platform's image (config and layers, compressed):\n${each}`}>
      {range.low === range.high ? formatBytes(range.high) : `${formatBytes(range.low)}–${formatBytes(range.high)}`}
      <span className="hint"> each</span>
    </td>
  );
}

/** A config's created time; reproducible builds record the epoch (or Go's zero time), which is no date. */
function CreatedCell({ row, details }: { row: ImageRow; details: Details }) {
  const created = details.get(row.digest)?.created;
  if (created === undefined || created === null) return <td>{isWaiting(row) ? "" : "—"}</td>;
  if (created <= 0)
    return (
      <td title={`The config records ${iso(created)}: a reproducible build, which leaves the date out`}>
        <span className="hint">not recorded</span>
      </td>
    );
  return <td title={`${iso(created)}, as the image's config records it`}>{relativeTime(created)}</td>;
}

function ScanCell({ row }: { row: ImageRow }) {
  const { text, worst } = scanCell(row);
  return (
    <td
      className={`scan${worst ? ` severity-${worst.toLowerCase()}` : ""}`}
      title={row.scan_status ? `scan ${statusWords(row.scan_status)}: ${text}` : undefined}
    >
      {text}
    </td>
  );
}

interface CellsProps {
  row: ImageRow;
  details: Details;
  ecr: boolean;
  hasScan: boolean;
  /** The index that lists this image (ECR lists them as rows of their own). */
  parent?: Parent;
}

const indexName = (index: ImageRow) => index.tags[0] ?? index.digest.replace("sha256:", "").slice(0, 12);

export function RowCells({ row, details, ecr, hasScan, parent }: CellsProps) {
  return (
    <>
      <td title={row.tags.join(", ") || (parent ? `${parent.label} of the index ${indexName(parent.index)}` : undefined)}>
        <div className="chips">
          {row.tags.length ? (
            <TagChips tags={row.tags} limit={3} />
          ) : parent ? (
            <span className="index-child-label">
              ↳ {parent.label || "image"} <span className="hint">of {indexName(parent.index)}</span>
            </span>
          ) : (
            <span className="hint">untagged</span>
          )}
        </div>
      </td>
      <td title={row.media_type || undefined}>
        {isWaiting(row) ? <span className="hint">reading…</span> : row.kind}
        {row.platforms.length > 0 && <span className="hint"> · {row.platforms.join(", ")}</span>}
        {row.subject && (
          <span className="hint" title={`Attached to ${row.subject}`}>
            {" "}
            → {row.subject.replace("sha256:", "").slice(0, 12)}
          </span>
        )}
      </td>
      <SizeCell row={row} details={details} />
      {ecr ? (
        <>
          <td title={row.pushed_at ? iso(row.pushed_at) : undefined}>{relativeTime(row.pushed_at)}</td>
          <td title={row.last_pulled_at ? iso(row.last_pulled_at) : undefined}>{relativeTime(row.last_pulled_at)}</td>
        </>
      ) : (
        <CreatedCell row={row} details={details} />
      )}
      {hasScan && (
        <ScanCell row={row} />
      )}
      <td className="digest" title={row.config ? `${row.digest}\nimage ID (config): ${row.config}` : row.digest || undefined}>
        {row.digest.replace("sha256:", "").slice(0, 12)}
      </td>
    </>
  );
}

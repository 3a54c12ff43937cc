import { useEffect, useMemo, useRef, useState } from "react";
import { api, type FindingView, type LadingError, type ScanView } from "../ipc";
import { countsInWords, filterFindings, scanRunning, sortFindings, statusWords, type FindingKey } from "../scan";
import { ErrorText } from "./ErrorText";

/** How often a running scan is asked about again. */
const POLL_MS = 3000;

const COLUMNS: Array<[FindingKey, string]> = [
  ["severity", "Severity"],
  ["id", "Vulnerability"],
  ["score", "CVSS"],
  ["package", "Package"],
  ["fixed_in", "Fixed in"],
  ["status", "Status"],
];

interface Props {
  initial: ScanView;
  /** Reads the scan again (polled while ECR works on it). */
  reload: () => Promise<ScanView>;
  /** Basic scanning's Scan now; absent where the registry cannot start one. */
  scanNow?: () => Promise<ScanView>;
}

function completedWords(seconds: number | null): string {
  return seconds === null ? "" : ` · finished ${new Date(seconds * 1000).toLocaleString()}`;
}

function Fixed({ finding }: { finding: FindingView }) {
  if (finding.fixed_in === null) return <span className="hint">—</span>;
  if (finding.fixed_in === "NotAvailable") return <span className="hint">no fix yet</span>;
  return <>{finding.fixed_in}</>;
}

/** An image's findings, basic or enhanced alike: all of them, sortable and filterable. */
export function ScanFindings({ initial, reload, scanNow }: Props) {
  const [scan, setScan] = useState(initial);
  const [error, setError] = useState<LadingError | null>(null);
  const [starting, setStarting] = useState(false);
  const [sort, setSort] = useState<{ key: FindingKey; descending: boolean }>({ key: "severity", descending: false });
  const [filter, setFilter] = useState("");

  const reading = useRef(reload);
  reading.current = reload;

  useEffect(() => setScan(initial), [initial]);

  // A running scan is read again until ECR says it is done (or the view goes away).
  useEffect(() => {
    if (!scanRunning(scan.status)) return;
    let live = true;
    const timer = setTimeout(() => {
      reading.current().then(
        (next) => live && setScan(next),
        (e: LadingError) => live && setError(e),
      );
    }, POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [scan]);

  const rows = useMemo(
    () => sortFindings(filterFindings(scan.findings, filter), sort.key, sort.descending),
    [scan.findings, filter, sort],
  );

  const start = () => {
    if (!scanNow) return;
    setStarting(true);
    setError(null);
    scanNow()
      .then(setScan, (e: LadingError) => setError(e))
      .finally(() => setStarting(false));
  };

  const counts = countsInWords(scan.counts);
  const running = scanRunning(scan.status);
  return (
    <div className="scan-findings">
      <div className="scan-head">
        <p data-testid="scan-summary" aria-live="polite">
          {scan.error
            ? "The findings could not be read."
            : scan.status === null
              ? "Not scanned yet."
              : `${scan.enhanced ? "Enhanced scan (Amazon Inspector)" : "Basic scan"} · ${statusWords(scan.status)}` +
                completedWords(scan.completed_at) +
                (counts ? ` · ${counts}` : scan.findings.length === 0 && !running ? " · nothing found" : "")}
          {scan.status_description && <span className="hint"> {scan.status_description}</span>}
        </p>
        {scanNow && !scan.enhanced && (
          <button
            onClick={start}
            disabled={starting || running}
            title="Start a basic scan of this image now (ECR allows one a day per image)"
          >
            {running ? "Scanning…" : starting ? "Starting…" : "Scan now"}
          </button>
        )}
      </div>
      {scan.enhanced && (
        <p className="hint">Amazon Inspector scans on push and continuously, as the registry's scanning rules say.</p>
      )}
      {scan.error && <p className="error" role="alert">{scan.error}</p>}
      {error && <ErrorText error={error} />}
      {scan.findings.length > 0 && (
        <>
          <div className="filter-row">
            <input
              className="filter"
              type="search"
              placeholder="Filter by CVE, title or package"
              aria-label="Filter findings"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
            />
            <span className="count" data-testid="findings-count">
              {rows.length === scan.findings.length
                ? `${rows.length} ${rows.length === 1 ? "finding" : "findings"}`
                : `${rows.length} of ${scan.findings.length} findings`}
            </span>
          </div>
          {rows.length === 0 ? (
            <p className="hint">No finding matches.</p>
          ) : (
            <div className="findings-table">
              <table aria-label="Findings">
                <thead>
                  <tr>
                    {COLUMNS.map(([key, label]) => (
                      <th key={key} aria-sort={sort.key === key ? (sort.descending ? "descending" : "ascending") : "none"}>
                        <button
                          className="sort-button"
                          onClick={() =>
                            setSort((s) => ({ key, descending: s.key === key ? !s.descending : key === "score" }))
                          }
                        >
                          {label}
                          {sort.key === key ? (sort.descending ? " ↓" : " ↑") : ""}
                        </button>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((f, i) => (
                    <tr key={`${f.id}\n${f.package ?? ""}\n${i}`}>
                      <td className={`severity-${f.severity.toLowerCase()}`}>{f.severity.toLowerCase()}</td>
                      <td className="finding-id" title={f.description ?? undefined}>
                        <code>{f.id}</code>
                        {/* Inspector's titles are "CVE - package": only a title that says more is shown. */}
                        {f.title && !f.title.startsWith(f.id) && <div className="hint">{f.title}</div>}
                        {f.url && (
                          <div>
                            <button
                              className="link-button"
                              title={`Open the advisory in your browser: ${f.url}`}
                              onClick={() => api.openLink(f.url!).catch((e: LadingError) => setError(e))}
                            >
                              Advisory ↗
                            </button>
                          </div>
                        )}
                      </td>
                      <td className="number">{f.score === null ? "—" : f.score.toFixed(1)}</td>
                      <td>
                        {f.package ?? "—"}
                        {f.installed_version && <div className="hint">{f.installed_version}</div>}
                      </td>
                      <td>
                        <Fixed finding={f} />
                      </td>
                      <td>{f.status ? f.status.toLowerCase() : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}

// ECR scan findings: severity order, counts in words, sorting and filtering (pure, for tests).
import type { FindingView } from "./ipc";

export const SEVERITY_ORDER = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED", "UNTRIAGED"];

export const severityRank = (severity: string) => {
  const at = SEVERITY_ORDER.indexOf(severity);
  return at < 0 ? SEVERITY_ORDER.length : at;
};

/** Severity → count, most severe first: [["CRITICAL", 2], ["HIGH", 5]]. */
export function orderedCounts(counts: Partial<Record<string, number>>): Array<[string, number]> {
  return Object.entries(counts)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number" && entry[1] > 0)
    .sort(([a], [b]) => severityRank(a) - severityRank(b));
}

/** "2 critical, 5 high"; "" when nothing was found. */
export function countsInWords(counts: Partial<Record<string, number>>): string {
  return orderedCounts(counts)
    .map(([s, n]) => `${n} ${s.toLowerCase()}`)
    .join(", ");
}

/** ECR's scan status in words: "in progress", "complete". */
export const statusWords = (status: string) => status.toLowerCase().replace(/_/g, " ");

/** A scan ECR is still working on: the window asks again until it is done. */
export const scanRunning = (status: string | null) => status === "IN_PROGRESS" || status === "PENDING";

export type FindingKey = "severity" | "id" | "score" | "package" | "fixed_in" | "status";

const text = (value: string | null) => value ?? "";

/** Sorted by `key` (severity: most severe first, then by score), ties by id. */
export function sortFindings(findings: FindingView[], key: FindingKey, descending: boolean): FindingView[] {
  const compare = (a: FindingView, b: FindingView): number => {
    switch (key) {
      case "severity":
        return severityRank(a.severity) - severityRank(b.severity) || (b.score ?? -1) - (a.score ?? -1);
      case "score":
        return (a.score ?? -1) - (b.score ?? -1);
      case "package":
        return text(a.package).localeCompare(text(b.package)) || text(a.installed_version).localeCompare(text(b.installed_version));
      case "fixed_in":
        return text(a.fixed_in).localeCompare(text(b.fixed_in));
      case "status":
        return text(a.status).localeCompare(text(b.status));
      case "id":
        return 0;
    }
  };
  const sign = descending ? -1 : 1;
  return [...findings].sort((a, b) => sign * compare(a, b) || a.id.localeCompare(b.id, undefined, { numeric: true }));
}

/** Findings whose id, title or package contains `query` (case-insensitive). */
export function filterFindings(findings: FindingView[], query: string): FindingView[] {
  const q = query.trim().toLowerCase();
  if (!q) return findings;
  return findings.filter((f) =>
    [f.id, f.title, f.package].some((v) => v !== null && v.toLowerCase().includes(q)),
  );
}

/** Bytes in binary units, as registries and docker report them: 1.5 MiB, 312 B. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** A window of time in its largest whole unit: 21600 → "6 h", 90 → "90 s", 86400 → "1 day". */
export function formatDuration(seconds: number): string {
  if (seconds >= 86400 && seconds % 86400 === 0) return seconds === 86400 ? "1 day" : `${seconds / 86400} days`;
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const relative = new Intl.RelativeTimeFormat(undefined, { style: "short", numeric: "auto" });

/** "3 days ago" (in the user's locale, short so it fits a column) for seconds since the epoch. */
export function relativeTime(seconds: number | null | undefined, now = Date.now()): string {
  if (seconds === null || seconds === undefined) return "—";
  const diff = Math.max(0, Math.round(now / 1000 - seconds));
  const steps: Array<[number, Intl.RelativeTimeFormatUnit]> = [
    [60, "second"],
    [60, "minute"],
    [24, "hour"],
    [30, "day"],
    [12, "month"],
    [Infinity, "year"],
  ];
  let value = diff;
  for (const [size, unit] of steps) {
    if (value < size) return relative.format(unit === "second" && value < 2 ? 0 : -value, unit);
    value = Math.floor(value / size);
  }
  return relative.format(-value, "year");
}

/** Tag filter: a substring, or a glob when it holds `*` (any run) or `?` (one character). Case-insensitive. */
export function tagMatcher(filter: string): (tag: string) => boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return () => true;
  if (!f.includes("*") && !f.includes("?")) return (tag) => tag.toLowerCase().includes(f);
  const literal = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^${[...f].map((c) => (c === "*" ? ".*" : c === "?" ? "." : literal(c))).join("")}$`);
  return (tag) => pattern.test(tag.toLowerCase());
}

/**
 * A JSON path as people count and read it, for messages: `Statement[0].Action[1]` → "Statement 1 ›
 * Action 2", `rules[0].selection` → "Rule 1 › selection" (the editors locate fields by the raw path).
 */
export function readablePath(path: string): string {
  return path
    .replace(/\[(\d+)\]/g, (_, n: string) => ` ${Number(n) + 1}`)
    .replace(/^rules (\d)/, "Rule $1")
    .split(".")
    .join(" › ");
}

/** "in 11 h 58 min", "in 4 min", "expired". */
export function untilWords(seconds: number, now = Date.now() / 1000): string {
  const left = Math.round(seconds - now);
  if (left <= 0) return "expired";
  const hours = Math.floor(left / 3600);
  const minutes = Math.floor((left % 3600) / 60);
  return hours > 0 ? `in ${hours} h ${minutes} min` : `in ${Math.max(minutes, 1)} min`;
}

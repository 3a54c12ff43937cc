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

/** "3 days ago" for a time in seconds since the epoch, relative to `now` (ms). */
export function relativeTime(seconds: number | null | undefined, now = Date.now()): string {
  if (seconds === null || seconds === undefined) return "—";
  const diff = Math.round(now / 1000 - seconds);
  if (diff < 0) return "just now";
  const steps: Array<[number, string]> = [
    [60, "second"],
    [60, "minute"],
    [24, "hour"],
    [30, "day"],
    [12, "month"],
    [Infinity, "year"],
  ];
  let value = diff;
  for (const [size, name] of steps) {
    if (value < size) return value <= 1 && name === "second" ? "just now" : `${value} ${name}${value === 1 ? "" : "s"} ago`;
    value = Math.floor(value / size);
  }
  return "long ago";
}

/** Tag filter: a substring, or a glob when it contains `*`. Case-insensitive. */
export function tagMatcher(filter: string): (tag: string) => boolean {
  const f = filter.trim().toLowerCase();
  if (!f) return () => true;
  if (!f.includes("*")) return (tag) => tag.toLowerCase().includes(f);
  const pattern = new RegExp(`^${f.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return (tag) => pattern.test(tag.toLowerCase());
}

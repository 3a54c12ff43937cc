import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { DryRunTable } from "../../src/components/DryRunTable";
import type { LifecycleDryRun } from "../../src/ipc";

afterEach(cleanup);

const now = 1_790_000_000;
const v = (n: number, tags: string[], action: string, rule: number | null, size: number, age: number) => ({
  digest: "sha256:" + String(n).repeat(64).slice(0, 64), tags, size, pushed_at: now - age * 86400, last_pulled_at: null, action, rule_priority: rule, archived: false, archived_at: null,
});
const result: LifecycleDryRun = {
  issues: [],
  verdicts: [
    v(1, ["release-1"], "expire", 1, 300, 30),
    v(2, ["release-2"], "keep", 1, 100, 20),
    v(3, [], "expire", 2, 200, 40),
    v(4, ["latest", "release-3"], "keep", 1, 400, 1),
  ],
  expiring: 2, transitioning: 0, kept: 2, bytes_reclaimed: 500, warnings: [], images_read_at: now, now,
};
const tags = () => [...document.querySelectorAll(".dry-run-table tbody tr td:first-child")].map((td) => td.textContent);

describe("The dry run table", () => {
  it("lists expiring first, filters by tag and result, and sorts by a column", () => {
    render(<DryRunTable result={result} server={null} />);
    expect(tags()).toEqual(["release-1", "untagged 333333333333", "latest, release-3", "release-2"]);
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter the dry run" }), { target: { value: "release-*" } });
    expect(tags()).toEqual(["release-1", "latest, release-3", "release-2"]);
    fireEvent.change(screen.getByRole("combobox", { name: "Show" }), { target: { value: "keep" } });
    expect(tags()).toEqual(["latest, release-3", "release-2"]);
    expect(screen.getByText("2 of 4")).toBeTruthy();
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter the dry run" }), { target: { value: "nightly" } });
    expect(screen.getByText("No image matches.")).toBeTruthy();
    fireEvent.change(screen.getByRole("searchbox", { name: "Filter the dry run" }), { target: { value: "" } });
    fireEvent.change(screen.getByRole("combobox", { name: "Show" }), { target: { value: "all" } });
    // Largest first, then smallest first.
    fireEvent.click(screen.getByRole("button", { name: "Size" }));
    expect(tags()).toEqual(["latest, release-3", "release-1", "untagged 333333333333", "release-2"]);
    fireEvent.click(screen.getByRole("button", { name: "Size ↓" }));
    expect(tags()[0]).toBe("release-2");
  });
});

describe("An archived image in the dry run", () => {
  it("is marked archived, with since when", () => {
    const archived = { ...v(5, ["0.9"], "expire", 1, 10, 400), archived: true, archived_at: Math.floor(Date.now() / 1000) - 200 * 86400 };
    render(<DryRunTable result={{ ...result, verdicts: [archived, v(6, ["1.0"], "keep", null, 10, 1)] }} server={null} />);
    expect(tags()).toEqual(["0.9 · archived 6 mo. ago", "1.0"]);
  });
});

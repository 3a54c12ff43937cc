import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ImageTable } from "../../src/components/ImageTable";
import { keyTarget, rangeOf, scrollToShow, visibleSelection } from "../../src/selection";
import { waitingRow } from "../../src/listing";
import { streamRows } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
});

const registry = {
  id: "oci:r.example.com", name: "r.example.com", kind: "oci", address: "r.example.com",
  auth: "anonymous", username: null, insecure: false, custom_ca: false, profile: null, region: null, account: null,
};
const d = (n: number) => "sha256:" + String(n).padStart(64, "0");
const row = (n: number, tags: string[]) => ({
  digest: d(n), tags, kind: "image", media_type: "m", size: 100, platforms: [], children: [], child_labels: [],
  pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null,
});

describe("What a selection acts on", () => {
  it("takes only the selected rows in view, and counts those a filter hides", () => {
    const shown = [row(1, ["a"]), row(3, ["c"]), waitingRow("w")];
    const { visible, hidden } = visibleSelection(shown, new Set([d(1), d(2), d(3)]));
    expect([...visible]).toEqual([d(1), d(3)]);
    expect(hidden).toBe(1);
    expect(visibleSelection([], new Set([d(1)])).hidden).toBe(1);
  });

  it("moves by row, by screen and to the ends, never out of the list", () => {
    expect(keyTarget("ArrowDown", 0, 10, 5)).toBe(1);
    expect(keyTarget("ArrowUp", 0, 10, 5)).toBe(0);
    expect(keyTarget("PageDown", 2, 10, 5)).toBe(6);
    expect(keyTarget("PageDown", 8, 10, 5)).toBe(9);
    expect(keyTarget("PageUp", 3, 10, 5)).toBe(0);
    expect(keyTarget("Home", 7, 10, 5)).toBe(0);
    expect(keyTarget("End", 2, 10, 5)).toBe(9);
    expect(keyTarget("a", 2, 10, 5)).toBeNull();
    expect(keyTarget("ArrowDown", 0, 0, 5)).toBeNull();
    // Shift-extended ranges skip rows still being read, either direction.
    const rows = [row(1, ["a"]), waitingRow("w"), row(3, ["c"])];
    expect([...rangeOf(rows, 2, 0)]).toEqual([d(1), d(3)]);
    // Scrolling brings a row under the sticky header into view, and leaves a visible row alone.
    expect(scrollToShow(10, 32, 0, 320, 30)).toBe(382 - 320);
    expect(scrollToShow(2, 32, 100, 320, 30)).toBe(64);
    expect(scrollToShow(5, 32, 100, 320, 30)).toBe(100);
  });
});

describe("Selecting in the table", () => {
  it("acts on the visible selection only, and says how many the filter hides", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "stream_images") return streamRows(args, [row(1, ["api-1"]), row(2, ["api-2"]), row(3, ["web-1"])]);
      if (cmd === "image_detail") throw { code: "x", message: "not needed here" };
      if (cmd === "image_referrers") return [];
      if (cmd === "delete_images") return { deleted: (args as { digests: string[] }).digests, failures: [] };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    fireEvent.click(await screen.findByText("api-1"));
    fireEvent.click(screen.getByText("api-2"), { ctrlKey: true });
    fireEvent.click(screen.getByText("web-1"), { ctrlKey: true });
    const bar = () => screen.getByRole("toolbar", { name: "Selection" }).textContent;
    expect(bar()).toContain("3 selected");
    fireEvent.change(screen.getByLabelText("Filter tags"), { target: { value: "api-*" } });
    expect(bar()).toContain("2 selected, 1 more hidden by the filter");
    fireEvent.click(screen.getByRole("button", { name: "Delete…" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete 2 images from team/app?" });
    expect(dialog.textContent).not.toContain("web-1");
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "delete_images")).toBe(true));
    expect((calls.find((c) => c.cmd === "delete_images")!.args as { digests: string[] }).digests).toEqual([d(1), d(2)]);
  });

  it("moves, extends and toggles the selection from the keyboard, staying in the list", async () => {
    const many = Array.from({ length: 60 }, (_, i) => row(i + 1, [`build-${i + 1}`]));
    mockIPC((cmd, args) => {
      if (cmd === "stream_images") return streamRows(args, many);
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    const first = (await screen.findByText("build-1")).closest("tr")!;
    first.focus();
    const focusedTag = () => document.activeElement?.querySelector(".chip")?.textContent;
    const selectedTags = () => [...document.querySelectorAll("tr.selected .chip")].map((c) => c.textContent);
    fireEvent.keyDown(first, { key: "ArrowDown" });
    await waitFor(() => expect(focusedTag()).toBe("build-2"));
    expect(selectedTags()).toEqual(["build-2"]);
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown", shiftKey: true });
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown", shiftKey: true });
    await waitFor(() => expect(focusedTag()).toBe("build-4"));
    expect(selectedTags()).toEqual(["build-2", "build-3", "build-4"]);
    expect(screen.getByRole("toolbar", { name: "Selection" }).textContent).toContain("3 selected");
    // Space drops the focused row and adds it back.
    fireEvent.keyDown(document.activeElement!, { key: " " });
    expect(selectedTags()).toEqual(["build-2", "build-3"]);
    fireEvent.keyDown(document.activeElement!, { key: " " });
    expect(selectedTags()).toEqual(["build-2", "build-3", "build-4"]);
    // End reaches the last row (rendered only once scrolled to) and focus stays in the list.
    fireEvent.keyDown(document.activeElement!, { key: "End" });
    await waitFor(() => expect(focusedTag()).toBe("build-60"));
    expect(selectedTags()).toEqual(["build-60"]);
    fireEvent.keyDown(document.activeElement!, { key: "Home" });
    await waitFor(() => expect(focusedTag()).toBe("build-1"));
    // Ctrl+arrow moves without changing the selection.
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown", ctrlKey: true });
    await waitFor(() => expect(focusedTag()).toBe("build-2"));
    expect(selectedTags()).toEqual(["build-1"]);
  });

  it("says when the filter matches nothing, and a new repository opens unfiltered", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "stream_images") return streamRows(args, [row(1, ["v1.2.0"]), row(2, ["v1.22.0"])]);
      throw new Error(`unexpected ${cmd}`);
    });
    const { rerender } = render(<ImageTable registry={registry} repository="team/app" />);
    await screen.findByText("v1.2.0");
    const filter = screen.getByLabelText("Filter tags") as HTMLInputElement;
    fireEvent.change(filter, { target: { value: "v1.?.0" } });
    expect(screen.queryByText("v1.22.0")).toBeNull();
    expect(screen.getByText("v1.2.0")).toBeTruthy();
    fireEvent.change(filter, { target: { value: "nightly" } });
    expect(screen.getByText(/No tag matches “nightly”/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Clear the filter" }));
    expect(screen.getByText("v1.22.0")).toBeTruthy();
    fireEvent.change(filter, { target: { value: "v1.22" } });
    rerender(<ImageTable registry={registry} repository="team/other" />);
    await screen.findByText("v1.2.0");
    expect((screen.getByLabelText("Filter tags") as HTMLInputElement).value).toBe("");
  });

  it("opens the detail under a splitter the keyboard moves, remembered for next time", async () => {
    localStorage.removeItem("lading.detailSplit");
    mockIPC((cmd, args) => {
      if (cmd === "stream_images") return streamRows(args, [row(1, ["1.0"]), row(2, ["2.0"])]);
      if (cmd === "image_detail") return new Promise(() => {});
      if (cmd === "image_referrers") return [];
      throw new Error(`unexpected ${cmd}`);
    });
    const { unmount } = render(<ImageTable registry={registry} repository="team/app" />);
    fireEvent.click(await screen.findByText("1.0"));
    const splitter = screen.getByRole("separator", { name: "Resize the list and the detail" });
    expect(splitter.getAttribute("aria-valuenow")).toBe("45");
    const table = document.querySelector(".image-table") as HTMLElement;
    expect(table.style.getPropertyValue("--list-share")).toBe("45%");
    fireEvent.keyDown(splitter, { key: "ArrowDown" });
    fireEvent.keyDown(splitter, { key: "ArrowDown" });
    expect(splitter.getAttribute("aria-valuenow")).toBe("55");
    fireEvent.keyDown(splitter, { key: "End" });
    expect(splitter.getAttribute("aria-valuenow")).toBe("85");
    unmount();
    render(<ImageTable registry={registry} repository="team/app" />);
    fireEvent.click(await screen.findByText("2.0"));
    expect(screen.getByRole("separator").getAttribute("aria-valuenow")).toBe("85");
  });
});

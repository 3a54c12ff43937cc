import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { ImageTable } from "../../src/components/ImageTable";
import type { ImageRow, RowDetail } from "../../src/ipc";
import { sendEvents } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
});

const oci = {
  id: "oci:localhost:5000", name: "local", kind: "oci", address: "localhost:5000",
  auth: "anonymous", username: null, insecure: true, custom_ca: false, profile: null, region: null, account: null,
};
const ecr = { ...oci, id: "ecr:default:eu-west-1", kind: "ecr", profile: "default", region: "eu-west-1" };
const digest = (n: number) => "sha256:" + String(n).padStart(64, "0");
const base = {
  media_type: "m", platforms: [] as string[], children: [] as string[], child_labels: [] as string[], pushed_at: null, last_pulled_at: null,
  scan_status: null, scan_counts: {}, subject: null,
};
const rows: ImageRow[] = [
  { ...base, digest: digest(1), tags: ["old"], kind: "image", size: 100, config: digest(11) },
  { ...base, digest: digest(2), tags: ["new"], kind: "image", size: 200, config: digest(12) },
  { ...base, digest: digest(3), tags: ["repro"], kind: "image", size: 300, config: digest(13) },
  {
    ...base, digest: digest(4), tags: ["multi"], kind: "index", size: null, config: null,
    platforms: ["linux/amd64", "linux/arm64"], children: [digest(5), digest(6)],
  },
];
const now = Math.floor(Date.now() / 1000);
const answers: Record<string, RowDetail> = {
  [digest(1)]: { digest: digest(1), created: now - 86400 * 400, platform_sizes: [] },
  [digest(2)]: { digest: digest(2), created: now - 3600 * 3, platform_sizes: [] },
  [digest(3)]: { digest: digest(3), created: 0, platform_sizes: [] },
  [digest(4)]: {
    digest: digest(4), created: now - 86400 * 2,
    platform_sizes: [{ platform: "linux/amd64", size: 2 * 1048576 }, { platform: "linux/arm64", size: 3 * 1048576 }],
  },
};

function serve(calls: Array<{ cmd: string; args: Record<string, unknown> }>) {
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: args as Record<string, unknown> });
    if (cmd === "stream_images") {
      sendEvents(args, [
        { event: "rows", rows },
        { event: "done", images: rows.length, failed: 0, cached: false, elapsed_ms: 1 },
      ]);
      return null;
    }
    if (cmd === "row_details") {
      const asked = (args as { rows: Array<{ digest: string }> }).rows;
      return asked.map((r) => answers[r.digest]);
    }
    throw new Error(`unexpected ${cmd}`);
  });
}

const cellsOf = (tag: string): HTMLElement[] => {
  const row = screen.getByText(tag, { selector: ".chip" }).closest("tr")!;
  return within(row).getAllByRole("cell");
};
/** The `at`th cell of the row tagged `tag`. */
const cell = (tag: string, at: number): HTMLElement => cellsOf(tag)[at]!;

describe("Row details", () => {
  it("asks for the rows in view once, shows when each image was created and an index's size per platform", async () => {
    const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
    serve(calls);
    render(<ImageTable registry={oci} repository="app" />);
    await waitFor(() => expect(cell("new", 3).textContent).toBe("3 hr. ago"));
    const headers = screen.getAllByRole("columnheader").map((h) => h.textContent);
    expect(headers).toEqual(["Tags ↑", "Type", "Size", "Created", "Digest"]);

    // One ask, for every row: images by their config, the index by itself.
    const asks = calls.filter((c) => c.cmd === "row_details");
    expect(asks.length).toBe(1);
    expect(asks[0]!.args.rows).toEqual([
      { digest: digest(4), config: null },
      { digest: digest(2), config: digest(12) },
      { digest: digest(1), config: digest(11) },
      { digest: digest(3), config: digest(13) },
    ]);
    expect(cell("old", 3).textContent).toBe("last yr.");
    expect(cell("old", 3).getAttribute("title")).toContain("as the image's config records it");
    // A reproducible build's epoch is no date.
    expect(cell("repro", 3).textContent).toBe("not recorded");
    expect(cell("repro", 3).getAttribute("title")).toContain("1970-01-01T00:00:00.000Z");
    // The index: the range of its platforms' sizes, each on hover.
    const size = cell("multi", 2);
    expect(size.textContent).toBe("2.00 MiB–3.00 MiB each");
    expect(size.getAttribute("title")).toContain("linux/amd64: 2.00 MiB\nlinux/arm64: 3.00 MiB");
    // The digest's title names the image ID.
    expect(cell("new", 4).getAttribute("title")).toContain(`image ID (config): ${digest(12)}`);

    // Newest first by Created; by size, the index counts as its largest platform.
    fireEvent.click(screen.getByRole("button", { name: "Created" }));
    const order = () => screen.getAllByText(/./, { selector: ".chip" }).map((c) => c.textContent);
    expect(order()).toEqual(["new", "multi", "old", "repro"]);
    fireEvent.click(screen.getByRole("button", { name: "Size" }));
    expect(order()).toEqual(["multi", "repro", "new", "old"]);
    expect(calls.filter((c) => c.cmd === "row_details").length).toBe(1);
  });

  it("keeps ECR's pushed and last-pull columns and asks nothing more", async () => {
    const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
    serve(calls);
    render(<ImageTable registry={ecr} repository="app" />);
    await screen.findByText("old", { selector: ".chip" });
    const headers = screen.getAllByRole("columnheader").map((h) => h.textContent);
    expect(headers).toEqual(["Tags ↑", "Type", "Size", "Pushed", "Last pull", "Digest"]);
    await new Promise((r) => setTimeout(r, 150));
    expect(calls.some((c) => c.cmd === "row_details")).toBe(false);
  });
});

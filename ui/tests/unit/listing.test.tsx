import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { applyListingEvent, EMPTY_LISTING, tagRanks, type Listing } from "../../src/listing";
import type { ImageListEvent, ImageRow, RegistryView } from "../../src/ipc";
import { ImageTable } from "../../src/components/ImageTable";
import { sendEvents } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
});

const d = (c: string) => "sha256:" + c.repeat(64);
const row = (digest: string, tags: string[]): ImageRow => ({
  digest, tags, kind: "image", media_type: "m", size: 100, platforms: [], children: [], child_labels: [],
  pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null,
});
const done = (images: number): ImageListEvent => ({ event: "done", images, failed: 0, cached: false, elapsed_ms: 5 });
const apply = (events: ImageListEvent[]): Listing => events.reduce(applyListingEvent, EMPTY_LISTING);

describe("a streamed listing", () => {
  it("ranks a listing's tags in tag order once, for every later sort", () => {
    const listing = applyListingEvent(EMPTY_LISTING, { event: "tags", tags: ["build-10", "build-9", "latest", "1.10", "1.9"] });
    const rank = tagRanks(listing.tags!);
    expect([...rank.entries()].sort((a, b) => a[1] - b[1]).map(([t]) => t)).toEqual(["1.9", "1.10", "build-9", "build-10", "latest"]);
    // The same listing's tags (kept through later events) get the same ranks, not a new sort.
    const later = applyListingEvent(listing, { event: "paused", unread: 5 });
    expect(tagRanks(later.tags!)).toBe(rank);
  });

  it("shows every tag at once, then replaces each with its image, folding tags of one digest", () => {
    const waiting = apply([{ event: "tags", tags: ["1.0", "latest", "2.0"] }]);
    expect(waiting.rows.map((r) => [r.kind, r.tags])).toEqual([
      ["waiting", ["1.0"]], ["waiting", ["latest"]], ["waiting", ["2.0"]],
    ]);
    expect(waiting.waiting).toBe(3);
    const first = applyListingEvent(waiting, { event: "rows", rows: [row(d("a"), ["1.0"])] });
    expect(first.waiting).toBe(2);
    // `latest` is the same digest as 1.0, arriving in a later batch: one row with both tags.
    const second = applyListingEvent(first, { event: "rows", rows: [row(d("a"), ["latest"]), row(d("b"), ["2.0"])] });
    expect(second.waiting).toBe(0);
    expect(second.rows.map((r) => [r.digest, r.tags])).toEqual([[d("a"), ["1.0", "latest"]], [d("b"), ["2.0"]]]);
    expect(applyListingEvent(second, done(2)).done?.images).toBe(2);
  });

  it("puts each image where its first waiting tag was, so the list stays in tag order", () => {
    const tags = ["b-1", "b-2", "b-3", "b-4", "b-5"];
    const listing = apply([
      { event: "tags", tags },
      // Read out of order, as 16 workers finish: b-4 first, then b-2 with b-5 (one image).
      { event: "rows", rows: [row(d("4"), ["b-4"])] },
      { event: "rows", rows: [row(d("2"), ["b-5"]), row(d("2"), ["b-2"])] },
    ]);
    expect(listing.rows.map((r) => [r.kind, r.tags])).toEqual([
      ["waiting", ["b-1"]], ["image", ["b-2", "b-5"]], ["waiting", ["b-3"]], ["image", ["b-4"]],
    ]);
    expect(listing.waiting).toBe(2);
  });

  it("folds tags of one digest within a batch, and drops a tag that could not be read", () => {
    const listing = apply([
      { event: "tags", tags: ["a", "b", "gone"] },
      { event: "rows", rows: [row(d("a"), ["b"]), row(d("a"), ["a"])] },
      { event: "tag_failed", tag: "gone", message: "manifest unknown" },
    ]);
    expect(listing.rows.map((r) => r.tags)).toEqual([["a", "b"]]);
    expect(listing.waiting).toBe(0);
    expect(listing.failed).toEqual([{ tag: "gone", message: "manifest unknown" }]);
  });

  it("takes rows without a tag list (ECR sends whole images page by page)", () => {
    const listing = apply([{ event: "rows", rows: [row(d("a"), [])] }, { event: "rows", rows: [row(d("b"), ["x"])] }, done(2)]);
    expect(listing.rows).toHaveLength(2);
    expect(listing.waiting).toBe(0);
  });
});

const registry: RegistryView = {
  id: "oci:r.example.com", name: "r.example.com", kind: "oci", address: "r.example.com", auth: "anonymous",
  username: null, insecure: false, has_ca: false, profile: null, region: null, account: null,
} as unknown as RegistryView;

describe("the image table while a listing streams", () => {
  it("lists every tag before its manifest is read and fills rows in as they come", async () => {
    let send: (events: ImageListEvent[]) => void = () => {};
    mockIPC((cmd, args) => {
      if (cmd !== "stream_images") throw new Error(`unexpected ${cmd}`);
      send = (events) => sendEvents(args, events);
      return new Promise(() => {});
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    await screen.findByText("Loading images…");
    send([{ event: "tags", tags: ["build-1", "build-2", "build-3"] }]);
    expect((await screen.findByTestId("image-count")).textContent).toBe("0 images · reading 3 more tags…");
    expect(screen.getAllByText("reading…")).toHaveLength(3);
    // A waiting row cannot be selected or opened: it has no digest yet.
    fireEvent.click(screen.getByText("build-1"));
    expect(screen.queryByRole("toolbar", { name: "Selection" })).toBeNull();
    send([{ event: "rows", rows: [row(d("a"), ["build-1"]), row(d("a"), ["build-2"])] }]);
    await waitFor(() => expect(screen.getByTestId("image-count").textContent).toBe("1 image · reading 1 more tag…"));
    expect(screen.getByText("build-2").closest("td")!.getAttribute("title")).toBe("build-1, build-2");
    send([{ event: "tag_failed", tag: "build-3", message: "manifest unknown" }, done(1)]);
    expect((await screen.findByRole("status")).textContent).toContain("build-3 (manifest unknown)");
    expect(screen.getByTestId("image-count").textContent).toBe("1 image · 100 B in all");
  });
});

describe("the scan column", () => {
  it("appears only when the registry reports scans (ECR), with counts, worst first when sorted", async () => {
    mockIPC((cmd, args) => {
      if (cmd !== "stream_images") throw new Error(`unexpected ${cmd}`);
      return sendEvents(args, [
        {
          event: "rows",
          rows: [
            { ...row(d("a"), ["1"]), scan_status: "FAILED" },
            { ...row(d("b"), ["2"]), scan_status: "COMPLETE", scan_counts: { HIGH: 2, LOW: 4 } },
            { ...row(d("c"), ["3"]), scan_status: "COMPLETE", scan_counts: { CRITICAL: 1 } },
            { ...row(d("e"), ["4"]), scan_status: "COMPLETE" },
          ],
        },
        done(4),
      ]);
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    fireEvent.click(await screen.findByRole("button", { name: "Scan" }));
    const cells = () => [...document.querySelectorAll("td.scan")].map((c) => c.textContent);
    expect(cells()).toEqual(["1 critical", "2 high, 4 low", "failed", "nothing found"]);
    expect(document.querySelector("td.scan")!.className).toBe("scan severity-critical");
    fireEvent.click(screen.getByRole("button", { name: /^Scan/ }));
    expect(cells()).toEqual(["nothing found", "failed", "2 high, 4 low", "1 critical"]);
    cleanup();
    mockIPC((_cmd, args) => sendEvents(args, [{ event: "rows", rows: [row(d("a"), ["1"])] }, done(1)]));
    render(<ImageTable registry={registry} repository="team/app" />);
    await screen.findByText("1");
    expect(screen.queryByRole("button", { name: "Scan" })).toBeNull();
  });
});

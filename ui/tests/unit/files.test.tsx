import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fileRows, filterRows, formatMode, mergedRows } from "../../src/files";
import type { FileView, ImageFilesEvent, RegistryView } from "../../src/ipc";
import { LayerFiles } from "../../src/components/LayerFiles";
import { registrySource } from "../../src/components/ImageDetailView";

afterEach(() => {
  cleanup();
  clearMocks();
});

const f = (path: string, kind = "file", size = 10, mode = 0o644): FileView => ({ path, size, mode, kind, target: null });

describe("the merged filesystem, as dive shows it", () => {
  // Three layers: a base, a build that leaves a cache, a clean-up that deletes it and
  // replaces the app folder's contents (opaque), and rewrites the config.
  const layers = [
    [f("etc", "dir", 0, 0o755), f("etc/app.conf"), f("app", "dir", 0, 0o755), f("app/old.js"), f("usr/bin/sh")],
    [f("etc", "dir", 0, 0o755), f("tmp/cache", "dir", 0, 0o755), f("tmp/cache/a.bin", "file", 900), f("app/new.js")],
    [f("tmp/cache", "whiteout"), f("app", "opaque"), f("app/main.js"), f("etc/app.conf", "file", 20), f("bin", "symlink")],
  ];
  const view = (upTo: number) => mergedRows(layers, upTo)!.map((r) => `${r.path} ${r.note ?? ""}`.trim());

  it("applies whiteouts, opaque folders and overwrites, marking what the chosen layer did", () => {
    expect(view(2)).toEqual([
      "app from layer 1",
      "app/main.js added in layer 3",
      "app/new.js deleted in layer 3",
      "app/old.js deleted in layer 3",
      "bin added in layer 3",
      "etc from layer 1",
      "etc/app.conf modified in layer 3",
      "tmp",
      "tmp/cache deleted in layer 3",
      "usr",
      "usr/bin",
      "usr/bin/sh from layer 1",
    ]);
  });

  it("stops at the layer chosen: below it, nothing is deleted yet", () => {
    expect(view(1)).toEqual([
      "app from layer 1",
      "app/new.js added in layer 2",
      "app/old.js from layer 1",
      "etc from layer 1",
      "etc/app.conf from layer 1",
      "tmp",
      "tmp/cache added in layer 2",
      "tmp/cache/a.bin added in layer 2",
      "usr",
      "usr/bin",
      "usr/bin/sh from layer 1",
    ]);
    expect(mergedRows([layers[0], undefined, layers[2]], 2)).toBeNull();
  });

  it("a file written over a folder takes its contents away", () => {
    const rows = mergedRows([[f("opt", "dir", 0, 0o755), f("opt/x")], [f("opt", "symlink")]], 1)!;
    expect(rows.map((r) => [r.path, r.change])).toEqual([
      ["opt", "modified"],
      ["opt/x", "deleted"],
    ]);
  });

  it("filters by part of the path or a wildcard, keeping the folders above", () => {
    const rows = mergedRows(layers, 1)!;
    expect(filterRows(rows, "A.BIN").map((r) => r.path)).toEqual(["tmp", "tmp/cache", "tmp/cache/a.bin"]);
    expect(filterRows(rows, "*.js").map((r) => r.path)).toEqual(["app", "app/new.js", "app/old.js"]);
    expect(filterRows(rows, "etc/app.?onf").map((r) => r.path)).toEqual(["etc", "etc/app.conf"]);
    expect(filterRows(rows, "nothing-here")).toEqual([]);
    expect(filterRows(rows, "  ")).toBe(rows);
  });
});

describe("a layer's files", () => {
  it("formats modes like ls -l", () => {
    expect(formatMode(0o755, "dir")).toBe("drwxr-xr-x");
    expect(formatMode(0o644, "file")).toBe("-rw-r--r--");
    expect(formatMode(0o777, "symlink")).toBe("lrwxrwxrwx");
  });

  it("reads as a tree in path order and marks what later layers hide", () => {
    const rows = fileRows(
      [f("app/server"), f("app", "dir", 0, 0o755), f("tmp/cache.bin", "file", 500), f("etc/passwd")],
      0,
      [
        { path: "tmp/cache.bin", size: 500, layer: 0, hidden_by: 2, deleted: true },
        { path: "app/server", size: 10, layer: 0, hidden_by: 1, deleted: false },
        { path: "etc/passwd", size: 10, layer: 1, hidden_by: 2, deleted: false },
      ],
    );
    expect(rows.map((r) => [r.path, r.depth, r.note])).toEqual([
      ["app", 0, null],
      ["app/server", 1, "overwritten in layer 2"],
      ["etc", 0, null],
      ["etc/passwd", 1, null],
      ["tmp", 0, null],
      ["tmp/cache.bin", 1, "deleted in layer 3"],
    ]);
    // Folders the tar leaves out are implied by their files, without a mode of their own.
    expect(rows.filter((r) => r.path === "tmp" || r.path === "app").map((r) => [r.kind, r.mode])).toEqual([
      ["dir", "drwxr-xr-x"],
      ["dir", ""],
    ]);
    expect(rows.filter((r) => r.wasted).map((r) => r.name)).toEqual(["server", "cache.bin"]);
  });

  it("sorts names naturally, folder by folder", () => {
    const rows = fileRows([f("data/file102"), f("data/file0"), f("data/file9"), f("data-old"), f("data/file10")], 0, null);
    expect(rows.map((r) => r.path)).toEqual(["data", "data/file0", "data/file9", "data/file10", "data/file102", "data-old"]);
  });

  it("says what whiteout and opaque markers do", () => {
    const rows = fileRows([f("tmp/cache.bin", "whiteout", 0), f("var/lib", "opaque", 0)], 2, null);
    expect(rows.filter((r) => r.kind !== "dir").map((r) => r.note)).toEqual([
      "deletes this path from the layers below",
      "hides this folder's contents from the layers below",
    ]);
  });
});

const registry = {
  id: "oci:r.example.com", name: "r.example.com", kind: "oci", address: "r.example.com", auth: "anonymous",
  username: null, insecure: false, profile: null, region: null, account: null,
} as unknown as RegistryView;

describe("the Files tab", () => {
  it("shows each layer as it is read, then the wasted bytes, and switches layers", async () => {
    let send: (e: ImageFilesEvent) => void = () => {};
    mockIPC((cmd, args) => {
      if (cmd !== "image_files") throw new Error(`unexpected ${cmd}`);
      send = (e) => (args as { onEvent: { onmessage: (e: ImageFilesEvent) => void } }).onEvent.onmessage(e);
      return new Promise(() => {});
    });
    const layers = [
      { digest: "sha256:" + "1".repeat(64), size: 2048, media_type: "application/vnd.oci.image.layer.v1.tar+gzip" },
      { digest: "sha256:" + "2".repeat(64), size: 1024, media_type: "application/vnd.oci.image.layer.v1.tar+gzip" },
    ];
    render(
      <LayerFiles
        source={registrySource(registry, "team/app")}
        digest={"sha256:" + "a".repeat(64)}
        layers={layers}
        commands={["ADD rootfs.tar /", "/bin/sh -c #(nop)  RUN rm /tmp/big"]}
      />,
    );
    // Each layer's line names the command that made it, as written.
    expect(screen.getByRole("tab", { name: /Layer 2/ }).textContent).toContain("RUN rm /tmp/big");
    expect(screen.getByTestId("wasted-summary").textContent).toBe("Reading layers from the registry… 0 of 2");
    send({ event: "started", layers: 2 });
    send({ event: "layer", index: 0, digest: layers[0]!.digest, files: [f("tmp", "dir", 0, 0o755), f("tmp/big", "file", 300 * 1024)] });
    expect(await screen.findByText("big")).toBeTruthy();
    expect(screen.getByRole("tab", { name: /Layer 2/ }).textContent).toContain("reading…");
    send({ event: "layer", index: 1, digest: layers[1]!.digest, files: [f("tmp/big", "whiteout", 0)] });
    send({ event: "done", wasted_bytes: 300 * 1024, wasted: [{ path: "tmp/big", size: 300 * 1024, layer: 0, hidden_by: 1, deleted: true }] });
    // The summary is on screen from the start: wait for its text, not for the element.
    await waitFor(() =>
      expect(screen.getByTestId("wasted-summary").textContent).toBe(
        "Wasted: 300.0 KiB in 1 file that later layers overwrite or delete.",
      ),
    );
    expect(screen.getByText("deleted in layer 2").closest("tr")!.className).toContain("wasted");
    expect(screen.getByRole("tab", { name: /Layer 1/ }).textContent).toContain("300.0 KiB wasted");
    // The arrow keys move through the layers, focus following.
    fireEvent.keyDown(screen.getByRole("tab", { name: /Layer 1/ }), { key: "ArrowDown" });
    expect(screen.getByRole("tab", { name: /Layer 2/ }).getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: /Layer 2/ }));
    expect(screen.getByText("deletes this path from the layers below")).toBeTruthy();
    fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
    expect(screen.getByRole("tab", { name: /Layer 1/ }).getAttribute("aria-selected")).toBe("true");
    fireEvent.click(screen.getByRole("tab", { name: /Layer 2/ }));
    expect(screen.getByText("deletes this path from the layers below")).toBeTruthy();
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { describeUntag, ImageTable } from "../../src/components/ImageTable";
import { streamRows } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
});

const registry = {
  id: "oci:r.example.com", name: "r.example.com", kind: "oci", address: "r.example.com",
  auth: "anonymous", username: null, insecure: false, custom_ca: false, profile: null, region: null, account: null,
};
const d = (c: string) => "sha256:" + c.repeat(64);
const row = (digest: string, tags: string[], extra = {}) => ({
  digest, tags, kind: "image", media_type: "m", size: 100, platforms: [], children: [], child_labels: [],
  pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null, ...extra,
});

describe("Deleting images", () => {
  it("selects with Ctrl, lists exactly what goes, warns about a broken index, then deletes (the backend asks natively)", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    let deleted = false;
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "stream_images")
        return streamRows(args, deleted
          ? [row(d("c"), ["multi"], { kind: "index", children: [d("a"), d("e")] })]
          : [
              row(d("a"), ["1.0"]),
              row(d("b"), ["2.0", "latest"]),
              row(d("c"), ["multi"], { kind: "index", children: [d("a"), d("e")] }),
            ]);
      if (cmd === "delete_images") {
        deleted = true;
        return { deleted: [d("a"), d("b")], failures: [] };
      }
      if (cmd === "image_detail") throw { code: "x", message: "not needed here" };
      throw new Error(`unexpected ${cmd}`);
    });
    const { rerender } = render(<ImageTable registry={registry} repository="team/app" />);
    const first = await screen.findByText("1.0");
    fireEvent.click(first);
    fireEvent.click(screen.getByText("2.0"), { ctrlKey: true });
    expect(screen.getByRole("toolbar", { name: "Selection" }).textContent).toContain("2 selected");

    fireEvent.keyDown(first.closest("tr")!, { key: "Delete" });
    const dialog = await screen.findByRole("alertdialog", { name: "Delete 2 images from team/app?" });
    expect(dialog.textContent).toContain("aaaaaaaaaaaa (1.0)");
    expect(dialog.textContent).toContain("bbbbbbbbbbbb (2.0, latest)");
    expect(dialog.textContent).toContain("Warning: part of the index multi");
    expect(calls.some((c) => c.cmd === "delete_images")).toBe(false);

    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(await screen.findByText("Deleted 2 images.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "delete_images")!.args).toEqual({
      id: "oci:r.example.com", repository: "team/app", digests: [d("a"), d("b")], withAttached: false,
    });
    await waitFor(() => expect(screen.queryByText("1.0")).toBeNull());
    // The report belongs to this repository: another one opens without it.
    rerender(<ImageTable registry={registry} repository="team/other" />);
    await waitFor(() => expect(screen.queryByText("Deleted 2 images.")).toBeNull());
  });

  it("offers to delete what is attached to the images, ticked, and sends the choice", async () => {
    const deletes: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "stream_images") return streamRows(args, [row(d("a"), ["1.0"]), row(d("b"), ["2.0"])]);
      if (cmd === "image_referrers") {
        const digest = (args as { digest: string }).digest;
        return digest === d("a")
          ? [{ digest: d("5"), media_type: "m", artifact_type: "application/spdx+json", size: 1, annotations: {}, found: "referrers API" }]
          : [];
      }
      if (cmd === "delete_images") {
        deletes.push(args);
        return { deleted: [d("a")], failures: [] };
      }
      if (cmd === "image_detail") throw { code: "x", message: "n/a" };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    fireEvent.click(await screen.findByText("1.0"));
    fireEvent.click(screen.getByRole("button", { name: "Delete…" }));
    const box = (await screen.findByRole("checkbox", {
      name: "Also delete the manifest attached to it (signatures, SBOMs, attestations)",
    })) as HTMLInputElement;
    expect(box.checked).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(deletes).toHaveLength(1));
    expect(deletes[0]).toMatchObject({ digests: [d("a")], withAttached: true });

    // Unticked: only the image.
    fireEvent.click(await screen.findByText("2.0"));
    fireEvent.click(screen.getByText("1.0"), { ctrlKey: true });
    fireEvent.click(screen.getByRole("button", { name: "Delete…" }));
    fireEvent.click(await screen.findByRole("checkbox", { name: /Also delete the manifest attached to them/ }));
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(deletes).toHaveLength(2));
    expect(deletes[1]).toMatchObject({ withAttached: false });
  });

  it("selects a range with Shift", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "stream_images") return streamRows(args, [row(d("a"), ["1"]), row(d("b"), ["2"]), row(d("c"), ["3"]), row(d("e"), ["4"])]);
      if (cmd === "image_detail") throw { code: "x", message: "n/a" };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    fireEvent.click(await screen.findByText("1"));
    fireEvent.click(screen.getByText("3"), { shiftKey: true });
    expect(screen.getByRole("toolbar", { name: "Selection" }).textContent).toContain("3 selected");
  });
});

describe("Untagging images", () => {
  it("removes only the selected images' tags matching the filter, keeping the images", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "stream_images") return streamRows(args, [row(d("a"), ["1.0"]), row(d("b"), ["2.0", "latest", "stable"])]);
      if (cmd === "untag_images") return { deleted: ["latest"], failures: [{ reference: "stable", reason: "ImageNotFound: gone" }] };
      if (cmd === "image_detail") throw { code: "x", message: "not needed here" };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={registry} repository="team/app" />);
    fireEvent.change(await screen.findByRole("searchbox", { name: "Filter tags" }), { target: { value: "*a*" } });
    fireEvent.click(screen.getByText("2.0"));
    fireEvent.click(screen.getByRole("button", { name: "Untag…" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Remove 2 tags from team/app?" });
    // 2.0 does not match the filter: it stays.
    expect(dialog.textContent).toBe(
      "Remove 2 tags from team/app?These tags go: latest, stable. The images stay in the repository.CancelUntag",
    );
    fireEvent.click(screen.getByRole("button", { name: "Untag" }));
    // A failure is said as one, not as a grey note.
    expect((await screen.findByText("Removed 1 tag; not removed: stable: ImageNotFound: gone")).getAttribute("role")).toBe("alert");
    expect(calls.find((c) => c.cmd === "untag_images")!.args).toEqual({
      id: "oci:r.example.com", repository: "team/app", tags: ["latest", "stable"],
    });
    // Listed again, from the registry rather than the kept listing.
    await waitFor(() => expect(calls.filter((c) => c.cmd === "stream_images")).toHaveLength(2));
    expect((calls.filter((c) => c.cmd === "stream_images")[1]!.args as { refresh: boolean }).refresh).toBe(true);
  });
});

describe("the untag confirmation", () => {
  const rows = [row(d("a"), ["dev"]), row(d("b"), ["1.1", "latest"])];
  const picked = new Set([d("a"), d("b")]);
  it("names the images ECR deletes with their last tag", () => {
    expect(describeUntag(rows, picked, ["dev", "latest"], true)).toBe(
      "These tags go: dev, latest. The images stay in the repository, except: ECR deletes an image when its last tag goes, so these images are deleted too: aaaaaaaaaaaa (dev).",
    );
  });
  it("names the images other registries leave untagged", () => {
    expect(describeUntag(rows, picked, ["dev"], false)).toContain("these are left untagged: aaaaaaaaaaaa (dev)");
    expect(describeUntag(rows, picked, ["latest"], false)).toBe("These tags go: latest. The images stay in the repository.");
  });

  it("stops offering Untag on a registry that said it cannot remove a tag on its own", async () => {
    const unsupported = { ...registry, id: "oci:old-distribution.example.com" };
    mockIPC((cmd, args) => {
      if (cmd === "stream_images") return streamRows(args, [row(d("a"), ["1.0", "latest"])]);
      if (cmd === "untag_images")
        return { deleted: [], failures: [{ reference: "latest", code: "untag_unsupported", reason: "old-distribution.example.com cannot remove a tag on its own (it answered 405); delete the image instead, which removes every tag on it" }] };
      if (cmd === "image_detail") throw { code: "x", message: "not needed here" };
      if (cmd === "image_referrers") return [];
      throw new Error(`unexpected ${cmd}`);
    });
    render(<ImageTable registry={unsupported} repository="team/app" />);
    fireEvent.change(await screen.findByRole("searchbox", { name: "Filter tags" }), { target: { value: "latest" } });
    fireEvent.click(screen.getByText("latest"));
    fireEvent.click(screen.getByRole("button", { name: "Untag…" }));
    fireEvent.click(await screen.findByRole("button", { name: "Untag" }));
    expect((await screen.findByText(/^Removed 0 tags; not removed: latest: .*cannot remove a tag on its own/)).getAttribute("role")).toBe("alert");
    // Listed again after the attempt: select the image anew.
    await waitFor(() => expect(screen.queryByRole("toolbar", { name: "Selection" })).toBeNull());
    fireEvent.click(await screen.findByText("1.0"));
    const untag = (await screen.findByRole("button", { name: "Untag…" })) as HTMLButtonElement;
    expect(untag.disabled).toBe(true);
    expect(untag.title).toMatch(/^This registry cannot remove a tag on its own/);

    // Remembered across launches (modules loaded afresh read it back), but only for that address.
    cleanup();
    vi.resetModules();
    const relaunched = await import("../../src/components/ImageTable");
    render(<relaunched.ImageTable registry={unsupported} repository="team/app" />);
    fireEvent.click(await screen.findByText("1.0"));
    expect(((await screen.findByRole("button", { name: "Untag…" })) as HTMLButtonElement).disabled).toBe(true);
    cleanup();
    render(<ImageTable registry={{ ...unsupported, address: "new-distribution.example.com" }} repository="team/app" />);
    fireEvent.click(await screen.findByText("1.0"));
    expect(((await screen.findByRole("button", { name: "Untag…" })) as HTMLButtonElement).disabled).toBe(false);
    localStorage.clear();
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { CopyDialog, ExportDialog } from "../../src/components/TransferDialogs";
import type { ImageRow, RegistryView, TransferEvent } from "../../src/ipc";
import { WithQueue } from "./withQueue";

afterEach(() => {
  cleanup();
  clearMocks();
});

const registry = { id: "oci:localhost:5000", name: "localhost:5000", kind: "oci" } as unknown as RegistryView;
const ecr = { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr" } as unknown as RegistryView;
const index: ImageRow = {
  digest: "sha256:" + "a".repeat(64), tags: ["2.0"], kind: "index", media_type: "m", size: null,
  platforms: ["linux/amd64", "linux/arm64"], children: [], child_labels: [], pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null,
};
type Args = { request: Record<string, unknown>; onEvent: { onmessage: (e: TransferEvent) => void } };

describe("Export", () => {
  it("asks for one platform of an index for a docker archive, then reports where it went", async () => {
    const requests: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "export_image") throw new Error(`unexpected ${cmd}`);
      const a = args as Args;
      requests.push(a.request);
      a.onEvent.onmessage({ event: "finished", manifest_digest: "sha256:" + "b".repeat(64), tags: [], bytes: 4096, registry_digest: null, referrers: 0 });
      return null;
    });
    let closed = false;
    render(
      <WithQueue>
        <ExportDialog registry={registry} repository="team/web" row={index} onClose={() => (closed = true)} />
      </WithQueue>,
    );
    const platform = screen.getByRole("combobox", { name: "Platform" }) as HTMLSelectElement;
    expect([...platform.options].map((o) => o.value)).toEqual(["linux/amd64", "linux/arm64"]);
    fireEvent.change(platform, { target: { value: "linux/arm64" } });
    fireEvent.change(screen.getByRole("textbox", { name: "File" }), { target: { value: "/tmp/web.tar" } });
    fireEvent.click(screen.getByRole("button", { name: "Export" }));
    expect(closed).toBe(true);
    expect((await screen.findByRole("status")).textContent).toBe("Exported sha256:bbbbbbbbbbbb… to /tmp/web.tar (4.00 KiB downloaded)");
    expect(screen.getByRole("complementary", { name: "Transfers" }).textContent).toContain("Export team/web:2.0 to /tmp/web.tar");
    expect(requests).toEqual([
      { registry_id: "oci:localhost:5000", repository: "team/web", reference: "2.0", format: "docker-archive", path: "/tmp/web.tar", platform: "linux/arm64", preserve_digests: false, referrers: false },
    ]);
  });

  it("chooses the file in the native save dialog, named after the image", async () => {
    const picks: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "pick_path") throw new Error(`unexpected ${cmd}`);
      picks.push(args);
      return ["/home/me/web-2.0.tar"];
    });
    render(
      <WithQueue>
        <ExportDialog registry={registry} repository="team/web" row={index} onClose={() => {}} />
      </WithQueue>,
    );
    fireEvent.click(screen.getByRole("button", { name: "Choose…" }));
    await waitFor(() => expect((screen.getByRole("textbox", { name: "File" }) as HTMLInputElement).value).toBe("/home/me/web-2.0.tar"));
    expect(picks).toEqual([{ kind: "save_archive", title: "Export to a docker archive", suggestedName: "web-2.0.tar" }]);
  });

  it("says where an export would write before queueing it, refuses a missing folder at the field, and retries to another path", async () => {
    const exports: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "check_destination") {
        const { path } = args as { path: string };
        if (path.startsWith("gone/"))
          return { path: `/home/me/${path}`, replaces: false, problem: "the folder /home/me/gone does not exist" };
        return { path: path.startsWith("/") ? path : `/home/me/${path}`, replaces: path.endsWith("old.tar"), problem: null };
      }
      if (cmd === "export_image") {
        const { request } = args as Args;
        exports.push(request.path as string);
        if (exports.length === 1) throw { code: "io_error", message: "No space left on device" };
        return null;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(
      <WithQueue>
        <ExportDialog registry={registry} repository="team/web" row={{ ...index, kind: "image", platforms: [] }} onClose={() => {}} />
      </WithQueue>,
    );
    const file = screen.getByRole("textbox", { name: "File" });
    fireEvent.change(file, { target: { value: "gone/web.tar" } });
    expect((await screen.findByRole("alert")).textContent).toBe("the folder /home/me/gone does not exist");
    expect((screen.getByRole("button", { name: "Export" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(file, { target: { value: "old.tar" } });
    await waitFor(() => expect(screen.getByTestId("destination").textContent).toBe("Replaces /home/me/old.tar (you will be asked first)"));
    fireEvent.change(file, { target: { value: "web.tar" } });
    await waitFor(() => expect(screen.getByTestId("destination").textContent).toBe("Writes /home/me/web.tar"));
    fireEvent.click(screen.getByRole("button", { name: "Export" }));
    // Queued with the full path; it fails, and Retry goes where the field then says.
    await waitFor(() => expect(exports).toEqual(["/home/me/web.tar"]));
    const retryTo = await screen.findByRole("textbox", { name: "Retry to" });
    expect((retryTo as HTMLInputElement).value).toBe("/home/me/web.tar");
    fireEvent.change(retryTo, { target: { value: "/mnt/big/web.tar" } });
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(exports).toEqual(["/home/me/web.tar", "/mnt/big/web.tar"]));
    expect(await screen.findByText(/Export team\/web:.* to \/mnt\/big\/web\.tar/)).toBeTruthy();
  });

  it("offers every platform for an OCI layout", () => {
    render(
      <WithQueue>
        <ExportDialog registry={registry} repository="team/web" row={index} onClose={() => {}} />
      </WithQueue>,
    );
    fireEvent.change(screen.getByRole("combobox", { name: "Format" }), { target: { value: "oci-layout" } });
    const platform = screen.getByRole("combobox", { name: "Platform" }) as HTMLSelectElement;
    expect(platform.options[0]!.text).toBe("all platforms");
  });

  it("says when a layout's manifests were given OCI media types, and keeps the exact bytes when asked", async () => {
    const requests: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "export_image") throw new Error(`unexpected ${cmd}`);
      const a = args as Args;
      requests.push(a.request);
      const converted = !a.request.preserve_digests;
      a.onEvent.onmessage({
        event: "finished",
        manifest_digest: "sha256:" + (converted ? "c" : "a").repeat(64),
        tags: [],
        bytes: 10,
        registry_digest: converted ? "sha256:" + "a".repeat(64) : null,
        referrers: 0,
      });
      return null;
    });
    render(
      <WithQueue>
        <ExportDialog registry={registry} repository="team/web" row={index} onClose={() => {}} />
      </WithQueue>,
    );
    fireEvent.change(screen.getByRole("combobox", { name: "Format" }), { target: { value: "oci-layout" } });
    const keep = screen.getByRole("checkbox", { name: "Keep the registry's exact bytes and digests" }) as HTMLInputElement;
    expect(keep.checked).toBe(false);
    fireEvent.change(screen.getByRole("textbox", { name: "Folder" }), { target: { value: "/tmp/layout" } });
    fireEvent.click(screen.getByRole("button", { name: "Export" }));
    expect((await screen.findByRole("status")).textContent).toBe(
      "Exported sha256:cccccccccccc… to /tmp/layout (10 B downloaded); given OCI media types, so its digest is not the registry's sha256:aaaaaaaaaaaa…",
    );
    expect(requests[0]).toMatchObject({ format: "oci-layout", preserve_digests: false, platform: null });
  });

  it("sends preserve_digests only for a layout whose box is ticked", () => {
    const requests: Record<string, unknown>[] = [];
    mockIPC((_cmd, args) => {
      requests.push((args as Args).request);
      return null;
    });
    render(
      <WithQueue>
        <ExportDialog registry={registry} repository="team/web" row={index} onClose={() => {}} />
      </WithQueue>,
    );
    fireEvent.change(screen.getByRole("combobox", { name: "Format" }), { target: { value: "oci-layout" } });
    fireEvent.click(screen.getByRole("checkbox", { name: "Keep the registry's exact bytes and digests" }));
    expect(screen.getByText(/skopeo and umoci do not read those/)).toBeTruthy();
    fireEvent.change(screen.getByRole("textbox", { name: "Folder" }), { target: { value: "/tmp/exact" } });
    fireEvent.click(screen.getByRole("button", { name: "Export" }));
    return waitFor(() => expect(requests[0]).toMatchObject({ format: "oci-layout", preserve_digests: true }));
  });
});

describe("Copy", () => {
  it("refuses a copy onto itself, and copies by digest to another registry with new tags", async () => {
    const requests: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "copy_image") throw new Error(`unexpected ${cmd}`);
      const a = args as Args;
      requests.push(a.request);
      a.onEvent.onmessage({ event: "finished", manifest_digest: index.digest, tags: ["2.0", "stable"], bytes: 0, registry_digest: null, referrers: 0 });
      return null;
    });
    render(
      <WithQueue>
        <CopyDialog registry={registry} repository="team/web" row={index} targets={[registry, ecr]} onClose={() => {}} />
      </WithQueue>,
    );
    // Where it already is, with no new tag: nothing to do.
    expect((screen.getByRole("button", { name: "Add tags" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByRole("combobox", { name: "To registry" }), { target: { value: ecr.id } });
    expect(screen.getByRole("checkbox", { name: /Create the repository/ })).toBeTruthy();
    fireEvent.change(screen.getByRole("textbox", { name: /^Tags/ }), { target: { value: "2.0 stable" } });
    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    expect((await screen.findByRole("status")).textContent).toBe("Copied to team/web:2.0, :stable on dev · eu-west-1 (0 B transferred)");
    expect(requests).toEqual([
      {
        registry_id: "oci:localhost:5000", repository: "team/web", reference: index.digest, target_registry_id: ecr.id,
        target_repository: "team/web", tags: ["2.0", "stable"], create_repository: true, referrers: true,
      },
    ]);
  });

  it("takes what is attached along by default, and says how many came", async () => {
    const requests: Array<Record<string, unknown>> = [];
    mockIPC((_cmd, args) => {
      const a = args as Args;
      requests.push(a.request);
      const referrers = a.request.referrers ? 2 : 0;
      a.onEvent.onmessage({ event: "finished", manifest_digest: index.digest, tags: ["2.0"], bytes: 10, registry_digest: null, referrers });
      return null;
    });
    render(
      <WithQueue>
        <CopyDialog registry={registry} repository="team/web" row={index} targets={[registry]} onClose={() => {}} />
      </WithQueue>,
    );
    fireEvent.change(screen.getByRole("textbox", { name: "Repository" }), { target: { value: "mirror/web" } });
    const along = screen.getByRole("checkbox", { name: "With its signatures, SBOMs and attestations" }) as HTMLInputElement;
    expect(along.checked).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    expect((await screen.findByRole("status")).textContent).toBe(
      "Copied to mirror/web:2.0 on localhost:5000 with 2 attached manifests (10 B transferred)",
    );
    expect(requests[0]).toMatchObject({ target_repository: "mirror/web", referrers: true });
  });

  it("within the same repository only adds the new tags", async () => {
    const requests: Array<Record<string, unknown>> = [];
    mockIPC((cmd, args) => {
      if (cmd !== "copy_image") throw new Error(`unexpected ${cmd}`);
      const a = args as Args;
      requests.push(a.request);
      a.onEvent.onmessage({ event: "finished", manifest_digest: index.digest, tags: ["stable"], bytes: 0, registry_digest: null, referrers: 0 });
      return null;
    });
    render(
      <WithQueue>
        <CopyDialog registry={ecr} repository="team/web" row={index} targets={[ecr]} onClose={() => {}} />
      </WithQueue>,
    );
    fireEvent.change(screen.getByRole("textbox", { name: /^Tags/ }), { target: { value: "2.0 stable" } });
    expect(screen.getByText(/^Same repository: the new tags \(stable\) are added/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Add tags" }));
    expect((await screen.findByRole("status")).textContent).toBe("Tagged team/web@aaaaaaaaaaaa as :stable (0 B transferred)");
    expect(requests[0]).toMatchObject({ target_repository: "team/web", tags: ["stable"] });
  });
});

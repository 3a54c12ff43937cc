import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { App } from "../../src/App";
import { streamRows } from "./stream";
import type { RegistryView } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  localStorage.clear();
});

const ecr = {
  id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr", address: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
  auth: "aws", username: null, insecure: false, custom_ca: false, profile: "dev", region: "eu-west-1", account: "123456789012",
};

describe("ECR repositories from the app", () => {
  it("creates one, and deletes one only after its name is typed (the backend then asks natively)", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    let names = ["team/api"];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return { name: "lading-app", version: "1", os: "linux", arch: "x86_64" };
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [ecr], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "list_repositories") return { repositories: names.map((name) => ({ name, uri: null })), catalog_unreadable: null };
      if (cmd === "stream_images") return streamRows(args, []);
      if (cmd === "create_repository") {
        const { name } = (args as { request: { name: string } }).request;
        names = [...names, name];
        return { name, uri: null };
      }
      if (cmd === "delete_repository") {
        names = names.filter((n) => n !== (args as { name: string }).name);
        return null;
      }
      throw new Error(`unexpected ${cmd}`);
    });
    render(<App />);
    fireEvent.click((await screen.findAllByRole("button", { name: /dev · eu-west-1/ }))[0]!);
    fireEvent.click(await screen.findByRole("button", { name: "+ New" }));
    fireEvent.change(screen.getByLabelText(/^Name/), { target: { value: "team/web" } });
    const dialog = screen.getByRole("dialog", { name: "New repository" });
    fireEvent.change(screen.getByLabelText("Tags"), { target: { value: "IMMUTABLE_WITH_EXCLUSION" } });
    // Exclusions are needed in that mode: Create waits for them.
    expect((within(dialog).getByRole("button", { name: "Create" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/^Exclusion filters/), { target: { value: "latest, dev-*" } });
    fireEvent.change(screen.getByLabelText(/^Encryption/), { target: { value: "KMS" } });
    fireEvent.change(screen.getByLabelText(/^KMS key/), { target: { value: " alias/ecr-images " } });
    fireEvent.click(within(dialog).getByRole("button", { name: "+ Add a tag" }));
    fireEvent.change(within(dialog).getByLabelText("Key of tag 1"), { target: { value: "aws:team" } });
    expect(within(dialog).getByText("Keys starting with aws: are reserved for AWS.")).toBeTruthy();
    expect((within(dialog).getByRole("button", { name: "Create" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText("Key of tag 1"), { target: { value: "team" } });
    fireEvent.change(within(dialog).getByLabelText("Value of tag 1"), { target: { value: "web" } });
    fireEvent.submit(dialog.querySelector("form")!);
    await screen.findByRole("treeitem", { name: "web" });
    expect(calls.find((c) => c.cmd === "create_repository")!.args).toEqual({
      id: ecr.id,
      request: {
        name: "team/web", mutability: "IMMUTABLE_WITH_EXCLUSION", exclusions: ["latest", "dev-*"], scan_on_push: true,
        encryption: "KMS", kms_key: "alias/ecr-images", tags: [{ key: "team", value: "web" }],
      },
    });
    await waitFor(() => expect(screen.getByRole("treeitem", { name: "web" }).getAttribute("aria-selected")).toBe("true"));

    fireEvent.click(screen.getByRole("button", { name: "Delete repository…" }));
    const remove = screen.getByRole("button", { name: "Delete repository" }) as HTMLButtonElement;
    expect(remove.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Type the repository name to confirm"), { target: { value: "team/web" } });
    expect(remove.disabled).toBe(false);
    fireEvent.click(screen.getByLabelText("Also delete every image in it"));
    fireEvent.click(remove);
    await waitFor(() => expect(screen.queryByRole("treeitem", { name: "web" })).toBeNull());
    expect(calls.find((c) => c.cmd === "delete_repository")!.args).toEqual({
      id: ecr.id, name: "team/web", force: true,
    });
  });
});

describe("A registry without a readable catalog", () => {
  const hub: RegistryView = {
    id: "oci:hub.example.com", name: "hub.example.com", kind: "oci", address: "hub.example.com",
    auth: "anonymous", username: null, insecure: false, custom_ca: false, profile: null, region: null, account: null,
  };

  it("says why, opens a repository by name (a wrong one is refused in place), selects it and lists it", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return { name: "lading-app", version: "1", os: "linux", arch: "x86_64" };
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [hub], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "list_repositories")
        return { repositories: [], catalog_unreadable: "its catalog is not open to this sign-in" };
      if (cmd === "open_repository") {
        const { name } = args as { name: string };
        if (name !== "library/nginx") throw { code: "repository_not_found", message: `hub.example.com has no repository ${name}` };
        return { name, uri: null };
      }
      if (cmd === "stream_images") return streamRows(args, []);
      throw new Error(`unexpected ${cmd}`);
    });
    render(<App />);
    fireEvent.click((await screen.findAllByRole("button", { name: /hub\.example\.com/ }))[0]!);
    const notice = await screen.findByText(/^No list of repositories here: its catalog is not open to this sign-in\./);
    expect(notice.closest("[role=status]")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Open repository…" }));
    const dialog = screen.getByRole("dialog", { name: "Open repository" });
    fireEvent.change(screen.getByLabelText(/^Repository in/), { target: { value: "library/ngnix" } });
    fireEvent.submit(dialog.querySelector("form")!);
    expect((await screen.findByRole("alert")).textContent).toBe("hub.example.com has no repository library/ngnix");
    fireEvent.change(screen.getByLabelText(/^Repository in/), { target: { value: "library/nginx" } });
    fireEvent.submit(dialog.querySelector("form")!);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(screen.getByRole("treeitem", { name: "nginx" }).getAttribute("aria-selected")).toBe("true"));
    expect(calls.filter((c) => c.cmd === "open_repository").map((c) => c.args)).toEqual([
      { id: hub.id, name: "library/ngnix" },
      { id: hub.id, name: "library/nginx" },
    ]);
  });
});

describe("Go to (Ctrl+K)", () => {
  const hub: RegistryView = {
    id: "oci:registry-1.docker.io", name: "Docker Hub", kind: "oci", address: "registry-1.docker.io",
    auth: "anonymous", username: null, insecure: false, custom_ca: false, profile: null, region: null, account: null,
  };
  const row = (digest: string, tags: string[]) => ({
    digest, tags, kind: "image", media_type: "application/vnd.oci.image.manifest.v1+json", size: 10,
    platforms: [], children: [], child_labels: [], pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null,
  });

  function mock(registries: RegistryView[]) {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return { name: "lading-app", version: "1", os: "linux", arch: "x86_64" };
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries, docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "list_repositories") return { repositories: [], catalog_unreadable: "its catalog is not open to this sign-in" };
      if (cmd === "locate_reference") {
        const { text } = args as { text: string };
        if (text === "nginx:1.27")
          return { registry_id: hub.id, registry: "registry-1.docker.io", is_ecr: false, repository: "library/nginx", tag: "1.27", digest: null };
        return { registry_id: null, registry: "registry.gitlab.com", is_ecr: false, repository: "g/p/img", tag: "v2", digest: null };
      }
      if (cmd === "add_oci_registry") {
        registries.push({ ...hub, id: "oci:registry.gitlab.com", name: "registry.gitlab.com", address: "registry.gitlab.com" });
        return registries[registries.length - 1];
      }
      if (cmd === "open_repository") return { name: (args as { name: string }).name, uri: null };
      if (cmd === "stream_images") return streamRows(args, [row("sha256:" + "1".repeat(64), ["latest"]), row("sha256:" + "2".repeat(64), ["1.27", "v2"])]);
      throw new Error(`unexpected ${cmd}`);
    });
    return calls;
  }

  it("opens the repository a pasted reference names and selects its tag", async () => {
    const calls = mock([hub]);
    render(<App />);
    await screen.findAllByRole("button", { name: /Docker Hub/ });
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    const dialog = await screen.findByRole("dialog", { name: "Go to" });
    fireEvent.change(screen.getByLabelText("Image reference"), { target: { value: "nginx:1.27" } });
    fireEvent.submit(dialog.querySelector("form")!);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(document.querySelector(".image-row.selected")?.textContent).toContain("1.27"));
    expect(calls.find((c) => c.cmd === "open_repository")?.args).toEqual({ id: hub.id, name: "library/nginx" });
  });

  it("names a registry not in the list and contacts it only once added", async () => {
    const calls = mock([hub]);
    render(<App />);
    await screen.findAllByRole("button", { name: /Docker Hub/ });
    fireEvent.keyDown(window, { key: "k", ctrlKey: true });
    const dialog = await screen.findByRole("dialog", { name: "Go to" });
    fireEvent.change(screen.getByLabelText("Image reference"), { target: { value: "registry.gitlab.com/g/p/img:v2" } });
    fireEvent.submit(dialog.querySelector("form")!);
    expect((await screen.findByText(/registry\.gitlab\.com is not in your list/)).textContent).toContain("Nothing has been sent to it");
    expect(calls.some((c) => c.cmd === "add_oci_registry" || c.cmd === "open_repository")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Add it (anonymous) and go" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(calls.find((c) => c.cmd === "add_oci_registry")?.args).toEqual({
      request: { address: "registry.gitlab.com", auth: { mode: "anonymous", username: null, password: null }, insecure: false, ca_file: null },
    });
    await waitFor(() => expect(document.querySelector(".image-row.selected")?.textContent).toContain("v2"));
  });
});

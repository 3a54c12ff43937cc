import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { App } from "../../src/App";
import { streamRows } from "./stream";

afterEach(() => {
  cleanup();
  clearMocks();
  // What the window remembers (the last registry and repository) stays within a test.
  localStorage.clear();
});

const info = { name: "lading-app", version: "1.2.3", os: "linux", arch: "x86_64" };

function registry(over: Record<string, unknown>) {
  return {
    id: "oci:registry.example.com",
    name: "registry.example.com",
    kind: "oci",
    address: "registry.example.com",
    auth: "keychain",
    username: "alice",
    insecure: false,
    custom_ca: false,
    profile: null,
    region: null,
    account: null,
    ...over,
  };
}

describe("App shell", () => {
  it("shows the three panes, the empty registry list and the backend's version", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [], docker_logins: [], notice: null };
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    expect(screen.getByRole("navigation", { name: "Registries" })).toBeTruthy();
    expect(screen.getByRole("main", { name: "Repositories and images" })).toBeTruthy();
    expect(screen.getByRole("region", { name: "Details" })).toBeTruthy();
    expect(screen.getByTestId("registries-empty").textContent).toContain("No registries yet");
    expect(await screen.findByText("v1.2.3 · linux/x86_64")).toBeTruthy();
  });

  it("says so when the backend cannot be reached", async () => {
    mockIPC(() => {
      throw { code: "ipc_failed", message: "no backend" };
    });
    render(<App />);
    const alerts = await screen.findAllByRole("alert");
    expect(alerts[0]!.textContent).toContain("no backend");
  });

  it("groups registries, shows each one's status and offers docker logins", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries")
        return {
          registries: [
            registry({}),
            registry({ id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr", auth: "aws", account: "123456789012" }),
          ],
          docker_logins: ["ghcr.example.com"],
          notice: "Your settings file could not be read and was moved aside",
        };
      if (cmd === "check_registry") {
        const id = (args as { id: string }).id;
        return id.startsWith("ecr")
          ? { state: "connected", reason: null }
          : { state: "auth_needed", reason: "registry.example.com rejected the credentials" };
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    expect(await screen.findByText("Amazon ECR")).toBeTruthy();
    expect(screen.getByText("OCI registries")).toBeTruthy();
    expect(screen.getByText("123456789012")).toBeTruthy();
    expect(screen.getByText("ghcr.example.com")).toBeTruthy();
    expect(screen.getByRole("status").textContent).toContain("moved aside");
    await waitFor(() => expect(screen.getByRole("img", { name: "Sign-in needed" })).toBeTruthy());
    expect(screen.getByRole("img", { name: "Sign-in needed" }).getAttribute("title")).toContain("rejected the credentials");
    expect(screen.getByRole("img", { name: "Connected" })).toBeTruthy();
  });
});

describe("Add registry", () => {
  it("sends the address and credentials, shows a refusal, then adds on success", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    let attempts = 0;
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "aws_profiles") return [];
      if (cmd === "list_registries")
        return { registries: attempts > 1 ? [registry({})] : [], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null };
      if (cmd === "add_oci_registry") {
        attempts += 1;
        if (attempts === 1) throw { code: "unauthorized", message: "registry.example.com rejected the credentials for \"alice\"" };
        return registry({});
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "+ Add" }));
    const dialog = await screen.findByRole("dialog", { name: "Add registry" });
    fireEvent.change(screen.getByLabelText("Address"), { target: { value: "registry.example.com" } });
    fireEvent.click(screen.getByLabelText(/Username and password/));
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "alice" } });
    fireEvent.change(screen.getByLabelText("Password or token"), { target: { value: "wrong" } });
    fireEvent.submit(dialog.querySelector("form")!);
    expect((await screen.findByText(/rejected the credentials/)).getAttribute("role")).toBe("alert");
    const first = calls.find((c) => c.cmd === "add_oci_registry")!.args as { request: unknown };
    expect(first.request).toEqual({
      address: "registry.example.com",
      auth: { mode: "password", username: "alice", password: "wrong" },
      insecure: false,
      ca_file: null,
    });

    fireEvent.change(screen.getByLabelText("Password or token"), { target: { value: "right" } });
    fireEvent.submit(dialog.querySelector("form")!);
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(await screen.findByText("alice")).toBeTruthy();
  });

  it("says in plain words that a registry answers plain HTTP, keeps the library's words a click away, and offers the fix", async () => {
    const requests: Array<{ insecure: boolean }> = [];
    mockIPC((cmd, args) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "aws_profiles") return [];
      if (cmd === "list_registries") return { registries: requests.length > 1 ? [registry({})] : [], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null };
      if (cmd === "add_oci_registry") {
        const request = (args as { request: { insecure: boolean } }).request;
        requests.push(request);
        if (!request.insecure)
          throw {
            code: "plain_http",
            message: "registry.example.com answers in plain HTTP, not HTTPS. If it has no TLS, tick Plain HTTP for it",
            detail: "error sending request: client error (Connect): received corrupt message of type InvalidContentType",
          };
        return registry({});
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "+ Add" }));
    const dialog = await screen.findByRole("dialog", { name: "Add registry" });
    fireEvent.change(screen.getByLabelText("Address"), { target: { value: "registry.example.com" } });
    fireEvent.submit(dialog.querySelector("form")!);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("answers in plain HTTP, not HTTPS");
    // The library chain is there, folded away.
    const detail = alert.querySelector("details")!;
    expect(detail.open).toBe(false);
    expect(detail.querySelector("summary")!.textContent).toBe("Technical detail");
    expect(detail.textContent).toContain("InvalidContentType");
    fireEvent.click(screen.getByRole("button", { name: "Use plain HTTP and try again" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(requests.map((r) => r.insecure)).toEqual([false, true]);
  });

  it("says nothing changed when the native question to update a listed registry is answered no", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "aws_profiles") return [];
      if (cmd === "list_registries") return { registries: [registry({})], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null };
      if (cmd === "add_oci_registry") throw { code: "declined", message: "not confirmed" };
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "+ Add" }));
    const dialog = await screen.findByRole("dialog", { name: "Add registry" });
    fireEvent.change(screen.getByLabelText("Address"), { target: { value: "registry.example.com" } });
    fireEvent.click(screen.getByLabelText(/^Plain HTTP/));
    fireEvent.submit(dialog.querySelector("form")!);
    expect((await screen.findByRole("alert")).textContent).toBe("Not changed: the registry keeps its settings and saved password.");
    expect(screen.getByRole("dialog", { name: "Add registry" })).toBeTruthy();
  });

  it("closes with Escape", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "aws_profiles") return [];
      if (cmd === "list_registries") return { registries: [], docker_logins: [], notice: null };
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click(await screen.findByRole("button", { name: "+ Add" }));
    expect(await screen.findByRole("dialog")).toBeTruthy();
    fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });
});

describe("AWS SSO", () => {
  it("offers the sign-in when the status asks for it and checks again afterwards", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    let signedIn = false;
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries")
        return {
          registries: [registry({ id: "ecr:corp@eu-west-1", name: "corp · eu-west-1", kind: "ecr", auth: "aws", profile: "corp" })],
          docker_logins: [],
          notice: null,
        };
      if (cmd === "check_registry")
        return signedIn
          ? { state: "connected", reason: null, action: null }
          : { state: "auth_needed", reason: "the AWS SSO session of profile corp is missing or expired", action: "sso_login" };
      if (cmd === "aws_sso_login") {
        signedIn = true;
        return null;
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click((await screen.findAllByRole("button", { name: /corp · eu-west-1/ }))[0]!);
    fireEvent.click(await screen.findByRole("button", { name: "Sign in with AWS SSO" }));
    await waitFor(() => expect(screen.getByRole("img", { name: "Connected" })).toBeTruthy());
    expect(calls.find((c) => c.cmd === "aws_sso_login")!.args).toEqual({ profile: "corp" });
    expect(screen.queryByRole("button", { name: "Sign in with AWS SSO" })).toBeNull();
  });
});

describe("Destructive actions", () => {
  it("sign out goes straight to the backend, which asks natively; its 'no' shows nothing", async () => {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    let answer = false;
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [registry({})], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "sign_out") {
        if (!answer) throw { code: "declined", message: "not confirmed (Sign out of registry.example.com?); nothing was changed" };
        return null;
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click((await screen.findAllByRole("button", { name: /registry\.example\.com/ }))[0]!);
    fireEvent.click(await screen.findByRole("button", { name: "Sign out of alice" }));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "sign_out")).toHaveLength(1));
    expect(calls.find((c) => c.cmd === "sign_out")!.args).toEqual({ id: "oci:registry.example.com" });
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.queryByText(/nothing was changed/)).toBeNull();
    const checks = calls.filter((c) => c.cmd === "check_registry").length;
    answer = true;
    fireEvent.click(screen.getByRole("button", { name: "Sign out of alice" }));
    // Signed out: the registry's status is read again.
    await waitFor(() => expect(calls.filter((c) => c.cmd === "check_registry").length).toBeGreaterThan(checks));
  });
});

describe("Browsing repositories", () => {
  it("groups by namespace, filters with a count, focuses the filter with /, and shows tags", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [registry({ auth: "anonymous", username: null })], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "list_repositories")
        return { repositories: ["team-a/api", "team-a/web", "team-b/worker", "tools"].map((name) => ({ name, uri: null })), catalog_unreadable: null };
      if (cmd === "stream_images")
        return streamRows(args, (args as { repository: string }).repository === "team-a/web"
          ? [
              { digest: "sha256:" + "a".repeat(64), tags: ["1.0"], kind: "image", media_type: "m", size: 2048, platforms: [], children: [], child_labels: [], pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null },
              { digest: "sha256:" + "b".repeat(64), tags: ["2.0", "latest"], kind: "index", media_type: "m", size: null, platforms: ["linux/amd64", "linux/arm64"], children: [], child_labels: [], pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null },
              { digest: "sha256:" + "c".repeat(64), tags: [], kind: "image", media_type: "m", size: 10, platforms: [], children: [], child_labels: [], pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null },
            ]
          : []);
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click((await screen.findAllByRole("button", { name: /registry\.example\.com/ }))[0]!);
    expect(await screen.findByText("team-a/")).toBeTruthy();
    expect(screen.getByText("team-b/")).toBeTruthy();
    expect(screen.getByTestId("repository-count").textContent).toBe("4 repositories");

    fireEvent.keyDown(document.body, { key: "/" });
    const filter = screen.getByLabelText("Filter repositories");
    expect(document.activeElement).toBe(filter);
    fireEvent.change(filter, { target: { value: "WEB" } });
    expect(screen.getByTestId("repository-count").textContent).toBe("1 of 4 repositories");
    expect(screen.queryByText("team-b/")).toBeNull();
    fireEvent.change(filter, { target: { value: "" } });

    const items = screen.getAllByRole("treeitem");
    expect(items.map((i) => i.textContent)).toEqual(["tools", "api", "web", "worker"]);
    items[0]!.focus();
    fireEvent.keyDown(items[0]!, { key: "ArrowDown" });
    expect(document.activeElement).toBe(items[1]);

    fireEvent.click(screen.getByRole("treeitem", { name: "web" }));
    expect((await screen.findByTestId("image-count")).textContent).toBe("3 images · 1 untagged · 2.01 KiB in all");
    expect(screen.getByText("2.0")).toBeTruthy();
    expect(screen.getByText(/linux\/amd64, linux\/arm64/)).toBeTruthy();
    expect(screen.getByText("2.00 KiB")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Filter tags"), { target: { value: "lat*" } });
    expect(screen.getByTestId("image-count").textContent).toBe("1 of 3 images · 1 untagged");
    fireEvent.change(screen.getByLabelText("Filter tags"), { target: { value: "" } });
    // Size descending: the index (unknown size) goes last.
    fireEvent.click(screen.getByRole("button", { name: "Size" }));
    const firstCells = [...document.querySelectorAll("tbody tr td:nth-child(3)")].map((c) => c.textContent);
    expect(firstCells).toEqual(["2.00 KiB", "10 B", "—"]);
    expect(screen.getByRole("treeitem", { name: "web" }).getAttribute("aria-selected")).toBe("true");
  });

  it("says why when the registry cannot be listed", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [registry({})], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "list_repositories") throw { code: "denied", message: "registry.example.com denied access to the catalog" };
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click((await screen.findAllByRole("button", { name: /registry\.example\.com/ }))[0]!);
    expect((await screen.findByText("Cannot list repositories")).closest("[role=alert]")).toBeTruthy();
    expect(screen.getByText(/denied access to the catalog/)).toBeTruthy();
  });
});

describe("Live registry status", () => {
  it("turns a registry red when a view finds it unreachable, and Try again checks it and lists again", async () => {
    let up = false;
    const checks: number[] = [];
    mockIPC((cmd) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [registry({ auth: "anonymous", username: null })], docker_logins: [], notice: null };
      if (cmd === "check_registry") {
        checks.push(Date.now());
        return { state: "connected", reason: null, action: null };
      }
      if (cmd === "list_repositories") {
        if (!up)
          throw {
            code: "unreachable",
            message: "cannot reach registry.example.com: nothing answers there (connection refused). Is the registry running, and is the port right?",
            detail: "tcp connect error: Connection refused (os error 111)",
          };
        return { repositories: [{ name: "alpha", uri: null }], catalog_unreadable: null };
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click((await screen.findAllByRole("button", { name: /registry\.example\.com/ }))[0]!);
    // The pane says so with the reason (the failed list is replaced by the registry's state).
    await screen.findByText("Unreachable", { selector: ".empty-title" });
    expect(screen.getAllByText(/nothing answers there/).length).toBeGreaterThan(0);
    const dot = await screen.findByRole("img", { name: "Unreachable" });
    expect(dot.getAttribute("title")).toContain("nothing answers there (connection refused)");
    const retry = screen.getByRole("button", { name: "Try again", description: /connection refused/ });
    up = true;
    const before = checks.length;
    fireEvent.click(retry);
    expect(await screen.findByRole("treeitem", { name: "alpha" })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole("img", { name: "Connected" })).toBeTruthy());
    expect(checks.length).toBeGreaterThan(before);
  });
});

describe("Refresh", () => {
  it("F5 reads the focused pane's list again, keeping the old one on screen meanwhile", async () => {
    let listings = 0;
    let release: () => void = () => {};
    mockIPC((cmd) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [registry({ auth: "anonymous", username: null })], docker_logins: [], notice: null };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "list_repositories") {
        listings += 1;
        const names = listings === 1 ? ["alpha"] : ["alpha", "made-by-a-copy"];
        const answer = { repositories: names.map((name) => ({ name, uri: null })), catalog_unreadable: null };
        if (listings === 1) return answer;
        return new Promise((resolve) => (release = () => resolve(answer)));
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    fireEvent.click((await screen.findAllByRole("button", { name: /registry\.example\.com/ }))[0]!);
    const alpha = await screen.findByRole("treeitem", { name: "alpha" });
    alpha.focus();
    fireEvent.keyDown(alpha, { key: "F5" });
    await waitFor(() => expect(listings).toBe(2));
    // Still listed while the registry answers.
    expect(screen.getByRole("treeitem", { name: "alpha" })).toBeTruthy();
    release();
    expect(await screen.findByRole("treeitem", { name: "made-by-a-copy" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Refresh repositories" }));
    await waitFor(() => expect(listings).toBe(3));
  });
});

describe("Copy notices", () => {
  it("says a copy landed where it was started and where it went, and not in a third registry", async () => {
    const digest = "sha256:" + "c".repeat(64);
    mockIPC((cmd, args) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries")
        return {
          registries: ["a", "b", "c"].map((n) =>
            registry({ id: `oci:${n}.example.com`, name: `${n}.example.com`, address: `${n}.example.com`, auth: "anonymous", username: null }),
          ),
          docker_logins: [],
          notice: null,
        };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "list_repositories") return { repositories: [{ name: "app", uri: null }], catalog_unreadable: null };
      if (cmd === "stream_images")
        return streamRows(args, [{ digest, tags: ["1.0"], kind: "image", media_type: "m", size: 1, platforms: [], children: [], child_labels: [], pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null }]);
      if (cmd === "image_detail") return new Promise(() => {});
      if (cmd === "image_referrers") return [];
      if (cmd === "copy_image") {
        (args as { onEvent: { onmessage: (e: unknown) => void } }).onEvent.onmessage({
          event: "finished", manifest_digest: digest, tags: ["1.0"], bytes: 0, registry_digest: null, referrers: 0,
        });
        return null;
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    const open = async (name: string) => fireEvent.click((await screen.findAllByRole("button", { name: new RegExp(name) }))[0]!);
    await open("a\\.example\\.com");
    fireEvent.click(await screen.findByRole("treeitem", { name: "app" }));
    fireEvent.click(await screen.findByText("1.0", { selector: ".chip" }));
    fireEvent.click(screen.getByRole("button", { name: "Copy to…" }));
    fireEvent.change(await screen.findByRole("combobox", { name: "To registry" }), { target: { value: "oci:b.example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    const notice = () => document.querySelector(".notice.landed")?.textContent ?? null;
    await waitFor(() => expect(notice()).toMatch(/^Copied to app:1\.0 on b\.example\.com/));
    await open("c\\.example\\.com");
    await screen.findByRole("treeitem", { name: "app" });
    expect(notice()).toBeNull();
    await open("b\\.example\\.com");
    await waitFor(() => expect(notice()).toMatch(/^Copied to app:1\.0/));
  });
});

describe("Keyboard and memory", () => {
  it("walks registries → repositories → images with the arrows, and remembers the repository per registry", async () => {
    localStorage.clear();
    mockIPC((cmd, args) => {
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries")
        return {
          registries: [
            registry({ auth: "anonymous", username: null }),
            registry({ id: "oci:other.example.com", name: "other.example.com", address: "other.example.com", auth: "anonymous", username: null }),
          ],
          docker_logins: [],
          notice: null,
        };
      if (cmd === "check_registry") return { state: "connected", reason: null, action: null };
      if (cmd === "list_repositories") return { repositories: ["alpha", "beta"].map((name) => ({ name, uri: null })), catalog_unreadable: null };
      if (cmd === "stream_images")
        return streamRows(args, [{ digest: "sha256:" + "f".repeat(64), tags: [(args as { repository: string }).repository + "-1"], kind: "image", media_type: "m", size: 1, platforms: [], children: [], child_labels: [], pushed_at: null, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null }]);
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    const first = (await screen.findAllByRole("button", { name: /registry\.example\.com/ }))[0]!;
    first.focus();
    fireEvent.keyDown(first, { key: "ArrowDown" });
    expect(document.activeElement?.textContent).toContain("other.example.com");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowUp" });
    fireEvent.click(document.activeElement!);

    await screen.findByRole("treeitem", { name: "beta" });
    fireEvent.keyDown(document.activeElement!, { key: "ArrowRight" });
    expect(document.activeElement?.textContent).toBe("alpha");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowDown" });
    expect(document.activeElement?.textContent).toBe("beta");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowRight" });
    await waitFor(() => expect(document.activeElement?.tagName).toBe("TR"));
    expect(document.activeElement?.textContent).toContain("beta-1");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowLeft" });
    expect(document.activeElement?.textContent).toBe("beta");

    // Switch registries and back: "beta" is open again.
    fireEvent.click((await screen.findAllByRole("button", { name: /other\.example\.com/ }))[0]!);
    await screen.findByText("Select a repository to see its images.");
    fireEvent.click((await screen.findAllByRole("button", { name: /registry\.example\.com/ }))[0]!);
    expect(await screen.findByText("beta-1")).toBeTruthy();

    // Launched again: the registry last looked at opens, on its repository.
    cleanup();
    render(<App />);
    expect(await screen.findByText("beta-1")).toBeTruthy();
  });
});

describe("Developer endpoints", () => {
  function app(state: { on: boolean; redirects: string[] }, answer: "yes" | "no") {
    const calls: Array<{ cmd: string; args: unknown }> = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "app_info") return info;
      if (cmd === "list_local") return [];
      if (cmd === "list_registries") return { registries: [], docker_logins: [], notice: null };
      if (cmd === "developer_endpoints") return state;
      if (cmd === "set_developer_endpoints") {
        if (answer === "no") throw { code: "declined", message: "not confirmed" };
        return { ...state, on: (args as { on: boolean }).on };
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    render(<App />);
    return calls;
  }

  it("says when LADING_REGISTRY_MAP is set but ignored, and turning it on goes to the backend's question", async () => {
    const calls = app({ on: false, redirects: ["a.example.com → http://127.0.0.1:5000"] }, "yes");
    const note = await screen.findByTestId("developer-endpoints");
    expect(note.textContent).toContain("LADING_REGISTRY_MAP is set and ignored");
    fireEvent.click(screen.getByRole("button", { name: "Turn on…" }));
    expect((await screen.findByRole("status")).textContent).toBe("Developer endpoints on: 1 redirected");
    expect(calls.find((c) => c.cmd === "set_developer_endpoints")?.args).toEqual({ on: true });
  });

  it("stays off, saying nothing more, when the native question is answered no", async () => {
    app({ on: false, redirects: ["a.example.com → http://127.0.0.1:5000"] }, "no");
    fireEvent.click(await screen.findByRole("button", { name: "Turn on…" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Turn on…" })).toBeTruthy());
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByTestId("developer-endpoints").textContent).toContain("ignored");
  });

  it("shows nothing when the variable is not set and the setting is off", async () => {
    app({ on: false, redirects: [] }, "yes");
    await screen.findByTestId("backend-status");
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId("developer-endpoints")).toBeNull();
  });
});

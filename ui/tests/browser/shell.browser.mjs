// The built UI in Debian's Chromium (playwright-core, no browser download) with mocked IPC.
// Fails on any CSP violation, console error or request to a non-local origin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { appCsp, serveDist } from "../support/static-server.mjs";
import { CHROMIUM_FLAGS, openShell, repoRoot, shots, uiDir } from "../support/browser.mjs";
import { REGISTRIES_MOCK } from "../support/mock-registries.mjs";


test("the shell renders in Chromium with the app's CSP and mocked IPC", { timeout: 60_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    const mock = `{
      list_local: () => [],
      app_info: () => ({ name: "lading-app", version: "0.1.0", os: "linux", arch: "x86_64" }),
      list_registries: () => ({ registries: [], docker_logins: [], notice: null }),
    }`;
    for (const scheme of ["light", "dark"]) {
      const { context, page, problems } = await openShell(browser, server, scheme, mock);
      assert.equal(await page.title(), "Lading");
      await page.getByTestId("app-shell").waitFor();
      await page.getByText("v0.1.0 · linux/x86_64").waitFor({ timeout: 5000 });
      assert.ok(await page.getByRole("navigation", { name: "Registries" }).isVisible());
      assert.ok(await page.getByRole("main", { name: "Repositories and images" }).isVisible());
      assert.ok(await page.getByRole("region", { name: "Details" }).isVisible());
      assert.match(await page.getByTestId("registries-empty").innerText(), /No registries yet/);

      // The theme follows the OS: the page background differs between schemes.
      const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      assert.equal(bg, scheme === "dark" ? "rgb(15, 20, 25)" : "rgb(246, 247, 249)");

      const calls = await page.evaluate(() => window.__LADING_CALLS__.map((c) => c.cmd));
      assert.ok(calls.includes("app_info"), `IPC calls: ${calls}`);
      const csp = await page.evaluate(() => window.__CSP__ || []);
      assert.deepEqual(csp, [], "CSP violations");
      assert.deepEqual(problems, []);
      await page.screenshot({ path: join(shots, `shell-${scheme}.png`) });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test("a backend error is shown, not swallowed", { timeout: 30_000 }, async () => {
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    const mock = `{
      list_local: () => [],
      app_info: () => { throw { code: "unreachable", message: "backend exploded" }; },
      list_registries: () => ({ registries: [], docker_logins: [], notice: null }),
    }`;
    const { context, page } = await openShell(browser, server, "light", mock);
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 5000 });
    assert.match(await alert.innerText(), /backend exploded/);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test("registries, their status and the add dialog", { timeout: 60_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    const mock = REGISTRIES_MOCK;
    const { context, page, problems } = await openShell(browser, server, "light", mock);
    await page.getByText("Amazon ECR").waitFor();
    await page.getByRole("img", { name: "Unreachable" }).waitFor();
    assert.equal(
      await page.getByRole("img", { name: "Sign-in needed" }).getAttribute("title"),
      "Sign-in needed: registry.example.com rejected the credentials for alice",
    );
    await page.getByRole("button", { name: "registry.example.com" }).click();
    await page.getByRole("heading", { name: "registry.example.com" }).first().waitFor();
    await page.screenshot({ path: join(shots, "registries.png") });

    // A connected registry lists its repositories; a repository its tags.
    await page.getByRole("button", { name: /dev · eu-west-1/ }).first().click();
    await page.getByRole("treeitem", { name: "web" }).click();
    await page.getByTestId("image-count").waitFor();
    assert.equal(await page.getByTestId("image-count").innerText(), "4 images · 1 untagged · 514.0 MiB in all");
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Filter repositories");
    await page.screenshot({ path: join(shots, "repositories.png") });
    await page.getByText("1.1.0").click();
    await page.getByText("/usr/local/bin/web").waitFor();
    await page.getByRole("region", { name: "Attached" }).getByText("SBOM (SPDX)").waitFor();
    await page.getByRole("tab", { name: "Layers (3)" }).click();
    await page.screenshot({ path: join(shots, "image-detail.png") });
    await page.getByRole("tab", { name: "Files" }).click();
    await page.getByTestId("wasted-summary").getByText(/^Wasted:/).waitFor();
    await page.getByRole("tab", { name: /^Layer 2/ }).click();
    await page.locator("table.files td.note", { hasText: "deleted in layer 3" }).first().waitFor();
    await page.screenshot({ path: join(shots, "image-files.png") });
    // The merged filesystem up to layer 3: what layer 3 deleted and rewrote, the rest from below.
    await page.getByRole("tab", { name: /^Layer 3/ }).click();
    await page.getByRole("radio", { name: "Filesystem up to layer 3" }).check();
    const merged = page.locator("table.files");
    await merged.locator("tr.change-deleted", { hasText: "build-cache.tar" }).getByText("deleted in layer 3").waitFor();
    assert.equal(await merged.locator("tr.change-modified", { hasText: "web" }).locator("td.note").innerText(), "modified in layer 3");
    assert.equal(await merged.locator("tr:has(td.name[title=\"usr/bin/bash\"]) td.note").innerText(), "from layer 1");
    await page.screenshot({ path: join(shots, "image-files-merged.png") });
    await page.getByRole("searchbox", { name: "Filter paths" }).fill("*Packages");
    await page.getByTestId("files-count").getByText(/^5 of \d+ entries$/).waitFor();
    assert.match(await merged.innerText(), /deb\.debian\.org_main_Packages[\s\S]*deleted in layer 3/);

    // Repository settings (ECR): what ECR has, editable.
    await page.getByRole("button", { name: "Settings…" }).click();
    const settings = page.getByRole("dialog", { name: "Repository settings" });
    await settings.getByText("encryption KMS").waitFor();
    assert.equal(await settings.getByRole("textbox").inputValue(), "latest\ndev-*");
    await page.screenshot({ path: join(shots, "repository-settings.png") });
    await settings.getByRole("button", { name: "Close" }).click();

    // A local archive: its image and detail, without registry addresses to copy.
    await page.getByRole("button", { name: /^web-2\.1\.0\.tar/ }).click();
    await page.getByRole("option", { name: /team-a\/web:2\.1\.0/ }).click();
    await page.getByText("/usr/local/bin/web").waitFor();
    assert.equal(await page.getByRole("button", { name: "Copy digest URI" }).count(), 0);
    await page.screenshot({ path: join(shots, "local.png") });

    // Keyboard: the dialog opens, takes focus, and Escape closes it.
    await page.getByRole("button", { name: "+ Add" }).click();
    const dialog = page.getByRole("dialog", { name: "Add registry" });
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("placeholder")), "registry.example.com or localhost:5000");
    await page.getByLabel(/Username and password/).check();
    await page.getByLabel("Address", { exact: true }).fill("registry.example.com");
    await page.getByLabel("Username", { exact: true }).fill("alice");
    await page.screenshot({ path: join(shots, "add-registry.png") });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test("remembered sources: listed at once, a compressed one decompressed only when chosen, a failure said", { timeout: 60_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    const mock = `{
      app_info: () => ({ name: "lading-app", version: "0.1.0", os: "linux", arch: "x86_64" }),
      list_registries: () => ({ registries: [], docker_logins: [], notice: null }),
      list_local: () => [
        { id: "local:0", path: "/home/me/images/base-layers-for-the-whole-platform-team.tar.zst", name: "base-layers-for-the-whole-platform-team.tar.zst",
          kind: "", images: [], opened: false, compressed: true },
      ],
      open_local: () => new Promise((_, reject) => setTimeout(() => reject({ code: "no_space",
        message: "not enough space in /home/me/.local/share/lading/archives to decompress /home/me/images/base-layers-for-the-whole-platform-team.tar.zst: it needs at least 9.4 GiB and 2.1 GiB is free (Lading keeps 0.5 GiB free)" }), 400)),
    }`;
    const { context, page, problems } = await openShell(browser, server, "dark", mock, { width: 900, height: 560 });
    const source = page.getByRole("button", { name: /^base-layers/ });
    await source.waitFor();
    assert.match(await source.innerText(), /compressed$/);
    const opened = () => page.evaluate(() => window.__LADING_CALLS__.filter((c) => c.cmd === "open_local").length);
    assert.equal(await opened(), 0, "not read at start");
    // Keyboard only: focus the source and choose it.
    await source.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("status").getByText(/Decompressing base-layers/).waitFor();
    const alert = page.getByRole("alert");
    await alert.getByText(/it needs at least 9\.4 GiB and 2\.1 GiB is free/).waitFor();
    await page.screenshot({ path: join(shots, "local-no-space-dark-900x560.png") });
    const retry = alert.getByRole("button", { name: "Try again" });
    assert.ok(await retry.isVisible());
    await retry.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => window.__LADING_CALLS__.filter((c) => c.cmd === "open_local").length === 2);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test("100,000 images scroll without jank, with only the rows in view in the DOM", { timeout: 90_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    const mock = `{
      list_local: () => [],
      app_info: () => ({ name: "lading-app", version: "0.1.0", os: "linux", arch: "x86_64" }),
      list_registries: () => ({
        registries: [{ id: "oci:localhost:5000", name: "localhost:5000", kind: "oci", address: "localhost:5000",
          auth: "anonymous", username: null, insecure: false, profile: null, region: null, account: null }],
        docker_logins: [], notice: null,
      }),
      check_registry: () => ({ state: "connected", reason: null }),
      list_repositories: () => ({ repositories: [{ name: "many", uri: null }], catalog_unreadable: null }),
      // Streamed like a registry that only lists tags: every tag first, then rows in batches.
      stream_images: ({ onEvent }) => new Promise((resolve) => {
        const count = 100000;
        onEvent.onmessage({ event: "tags", tags: Array.from({ length: count }, (_, i) => "build-" + i) });
        let sent = 0;
        const batch = () => {
          const rows = Array.from({ length: Math.min(5000, count - sent) }, (_, k) => {
            const i = sent + k;
            return { digest: "sha256:" + i.toString(16).padStart(64, "0"), tags: ["build-" + i], kind: "image",
              media_type: "application/vnd.oci.image.manifest.v1+json", size: 1000 + i, platforms: [],
              pushed_at: 1_700_000_000 + i, last_pulled_at: null, scan_status: null, scan_counts: {}, subject: null, config: null, children: [] };
          });
          sent += rows.length;
          onEvent.onmessage({ event: "rows", rows });
          if (sent < count) return setTimeout(batch, 100);
          onEvent.onmessage({ event: "done", images: count, failed: 0, cached: false, elapsed_ms: 1 });
          resolve(null);
        };
        setTimeout(batch, 100);
      }),
    }`;
    const { context, page, problems } = await openShell(browser, server, "light", mock);
    await page.getByRole("button", { name: /localhost:5000/ }).first().click();
    await page.getByRole("treeitem", { name: "many" }).click();
    await page.getByTestId("image-count").waitFor({ timeout: 20_000 });
    // The 20 batches merge into 100,000 waiting rows while the page stays usable.
    await page.waitForFunction(
      () =>
        document.querySelector("[data-testid=image-count]")?.textContent.startsWith("100,000 images ·") &&
        performance.getEntriesByName("images:complete").length > 0,
      null,
      { timeout: 30_000 },
    );
    const marks = await page.evaluate(() => {
      const at = (name) => performance.getEntriesByName(name).at(-1)?.startTime ?? NaN;
      const start = at("images:requested");
      return { first: at("images:first-rows") - start, all: at("images:all-rows") - start, complete: at("images:complete") - start };
    });
    console.log(
      `100,000 streamed rows: first rows ${marks.first.toFixed(0)} ms, every tag listed ${marks.all.toFixed(0)} ms, ` +
        `all 20 batches merged ${marks.complete.toFixed(0)} ms (the mock sends one batch per 100 ms)`,
    );
    assert.ok(marks.first < 1000 && marks.complete < 10_000, JSON.stringify(marks));
    const rendered = await page.locator(".image-table tr.image-row").count();
    assert.ok(rendered > 10 && rendered < 100, `rows in the DOM: ${rendered}`);

    // Scroll the whole list, 8,000 px (250 fresh rows) per frame, recording the time between frames.
    const frames = await page.evaluate(async () => {
      const viewport = document.querySelector(".rows-viewport");
      const gaps = [];
      let last = performance.now();
      while (viewport.scrollTop + viewport.clientHeight < viewport.scrollHeight - 1 && gaps.length < 4000) {
        viewport.scrollTop += 8000;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
      }
      gaps.sort((a, b) => a - b);
      return { count: gaps.length, p50: gaps[gaps.length >> 1], p95: gaps[Math.floor(gaps.length * 0.95)], max: gaps[gaps.length - 1] };
    });
    console.log(`100,000 rows: ${frames.count} frames, p50 ${frames.p50.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(1)} ms`);
    assert.ok(frames.count > 350, `frames: ${frames.count}`);
    assert.ok(frames.p95 < 50, `p95 frame time ${frames.p95} ms`);
    await page.getByText("build-99999", { exact: true }).waitFor();
    assert.ok((await page.locator(".image-table tr.image-row").count()) < 100);
    await page.screenshot({ path: join(shots, "images-100k-bottom.png") });
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

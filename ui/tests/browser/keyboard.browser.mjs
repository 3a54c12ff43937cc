// Keyboard only, as a user without a mouse would: add a registry, open a repository, select with
// arrows and Shift, open an image's detail, its Files, and back, at the 900×560 minimum in dark
// mode. Debian's Chromium with mocked IPC; no click anywhere.
import { test } from "node:test";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { appCsp, serveDist } from "../support/static-server.mjs";
import { CHROMIUM_FLAGS, openShell, repoRoot, shots, uiDir } from "../support/browser.mjs";
import { REGISTRIES_MOCK } from "../support/mock-registries.mjs";

// The shared walk's backend, starting with no registry: the one added is the one listed.
const MOCK = `Object.assign(${REGISTRIES_MOCK}, {
  list_local: () => [],
  add_oci_registry: ({ request }) => (window.__ADDED__ = { id: "oci:" + request.address, name: request.address, kind: "oci",
    address: request.address, auth: request.auth.mode, username: null, insecure: request.insecure, profile: null, region: null, account: null }),
  list_registries: () => ({ registries: window.__ADDED__ ? [window.__ADDED__] : [], docker_logins: [], notice: null }),
  check_registry: () => ({ state: "connected", reason: null }),
})`;

/** What has the focus: its role, accessible-ish name and classes. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName.toLowerCase(), role: el?.getAttribute("role"), text: (el?.getAttribute("aria-label") ?? el?.textContent ?? "").trim(), cls: el?.className ?? "", index: el?.getAttribute("data-index") };
  });

/** Presses Tab until `wanted` holds for the focused element (at most 40 times). */
async function tabUntil(page, what, wanted) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (wanted(await focused(page))) return;
  }
  throw new Error(`Tab never reached ${what}; last focused: ${JSON.stringify(await focused(page))}`);
}

test("keyboard only: add a registry, open a repository, select, the detail and its files, back", { timeout: 60_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    const { context, page, problems } = await openShell(browser, server, "dark", MOCK, { width: 900, height: 560 });
    await page.getByText("No registries yet").waitFor();

    // Add: the dialog takes focus in the address; Enter submits.
    await tabUntil(page, "+ Add", (f) => f.text === "+ Add");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Add registry" }).waitFor();
    await page.keyboard.type("registry.local:5000");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Add registry" }).waitFor({ state: "detached" });
    await page.getByRole("treeitem", { name: "web" }).waitFor();
    const added = await page.evaluate(() => window.__LADING_CALLS__.find((c) => c.cmd === "add_oci_registry").args.request);
    assert.equal(added.address, "registry.local:5000");

    // Into the repositories, down to team-a/web, and Right opens it with the first row focused.
    await tabUntil(page, "the registry", (f) => f.text.startsWith("registry.local:5000"));
    await page.keyboard.press("ArrowRight");
    assert.match((await focused(page)).cls, /\brepository\b/);
    for (let i = 0; i < 5 && (await focused(page)).text !== "web"; i++) await page.keyboard.press("ArrowDown");
    assert.equal((await focused(page)).text, "web");
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.activeElement?.matches(".image-table tr.image-row"));
    assert.equal((await focused(page)).index, "0");

    // Arrow selects the next row alone; Shift+arrow extends to the one after.
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.getByText("1 selected").count(), 1);
    await page.keyboard.press("Shift+ArrowDown");
    await page.getByText("2 selected").waitFor();
    // The ring is drawn by the row's cells (table rows do not draw outlines everywhere).
    const ring = await page.evaluate(() => document.activeElement.matches(":focus-visible") && getComputedStyle(document.activeElement.querySelector("td")).boxShadow);
    assert.ok(ring && ring !== "none", `the focused row shows a ring (${ring})`);
    await page.screenshot({ path: join(shots, "keyboard-selected-dark-900x560.png") });

    // Enter opens the focused row's detail; its tabs move with the arrows.
    await page.keyboard.press("Enter");
    await page.getByRole("region", { name: "Image" }).waitFor();
    await page.getByText("/usr/local/bin/web").waitFor();
    await tabUntil(page, "the detail's tabs", (f) => f.role === "tab" && f.text === "Overview");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    assert.equal((await focused(page)).text, "Files");
    await page.getByTestId("wasted-summary").getByText(/^Wasted:/).waitFor();
    await page.screenshot({ path: join(shots, "keyboard-files-dark-900x560.png") });

    // Escape: back to the list, on the row the detail was of; Left back to the repositories.
    await page.keyboard.press("Escape");
    await page.getByRole("region", { name: "Image" }).waitFor({ state: "detached" });
    await page.waitForFunction(() => document.activeElement?.matches(".image-table tr.image-row"));
    assert.equal((await focused(page)).index, "2");
    await page.keyboard.press("ArrowLeft");
    assert.equal((await focused(page)).text, "web");

    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

// The ECR registry's own settings and the archive, keyboard only.
const ECR_MOCK = `Object.assign(${REGISTRIES_MOCK}, {
  create_pull_through_rule: ({ rule }) => ({ ...rule, upstream: "quay", created_at: Math.floor(Date.now() / 1000) }),
  set_storage_class: ({ digests, archive }) => ({ changed: digests.map((digest) => ({ digest, status: archive ? "ARCHIVED" : "ACTIVATING" })), failures: [] }),
})`;

test("keyboard only: the registry's settings, archive and restore (ECR)", { timeout: 60_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    const { context, page, problems } = await openShell(browser, server, "dark", ECR_MOCK, { width: 900, height: 560 });
    await tabUntil(page, "the ECR registry", (f) => f.text.startsWith("dev · eu-west-1"));
    await page.keyboard.press("Enter");
    await tabUntil(page, "Registry…", (f) => f.text === "Registry…");
    await page.keyboard.press("Enter");
    const settings = page.getByRole("dialog", { name: "Registry settings" });
    await settings.getByRole("textbox", { name: "Rule 1 destination 2 account" }).waitFor();
    // To the views, then Right: the pull-through rules.
    await tabUntil(page, "the Replication tab", (f) => f.role === "tab" && f.text === "Replication");
    await page.keyboard.press("ArrowRight");
    await settings.getByRole("table", { name: "Pull-through cache rules" }).waitFor();
    await tabUntil(page, "the new rule's prefix", (f) => f.tag === "input" && f.text === "");
    await page.keyboard.type("quay");
    await page.keyboard.press("Tab");
    await page.keyboard.type("quay.io");
    await page.keyboard.press("Enter");
    await settings.getByText("Created: pulls of quay/… now fetch from quay.io.").waitFor();
    await page.screenshot({ path: join(shots, "keyboard-registry-pull-through-dark-900x560.png") });
    await page.keyboard.press("Escape");
    await settings.waitFor({ state: "detached" });

    // A repository, a row, Archive…; then Archived…, a box ticked with Space, Restore.
    await tabUntil(page, "the repositories", (f) => /\brepository\b/.test(f.cls));
    for (let i = 0; i < 5 && (await focused(page)).text !== "web"; i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.activeElement?.matches(".image-table tr.image-row"));
    await page.keyboard.press("ArrowDown");
    await page.getByText("1 selected").waitFor();
    await tabUntil(page, "Archive…", (f) => f.text === "Archive…");
    await page.keyboard.press("Enter");
    await page.getByText("Archived 1 image.").waitFor();
    const archivedArgs = await page.evaluate(() => window.__LADING_CALLS__.filter((c) => c.cmd === "set_storage_class").pop().args);
    assert.equal(archivedArgs.archive, true);
    assert.equal(archivedArgs.digests.length, 1);
    await tabUntil(page, "Archived…", (f) => f.text === "Archived…");
    await page.keyboard.press("Enter");
    const archived = page.getByRole("dialog", { name: "Archived images of team-a/web" });
    await archived.getByText("0.9.0, 0.9").waitFor();
    await tabUntil(page, "the archived image's box", (f) => f.text === "Choose 0.9.0, 0.9");
    await page.keyboard.press("Space");
    await tabUntil(page, "Restore", (f) => f.text === "Restore 1…");
    await page.keyboard.press("Enter");
    await archived.getByText(/^Restoring 1 image/).waitFor();
    await page.screenshot({ path: join(shots, "keyboard-archived-dark-900x560.png") });
    const restoredArgs = await page.evaluate(() => window.__LADING_CALLS__.filter((c) => c.cmd === "set_storage_class").pop().args);
    assert.deepEqual(restoredArgs, { id: "ecr:dev@eu-west-1", repository: "team-a/web", digests: ["sha256:" + "7".repeat(64)], archive: false });
    await page.keyboard.press("Escape");
    await archived.waitFor({ state: "detached" });

    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

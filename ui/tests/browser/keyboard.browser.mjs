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

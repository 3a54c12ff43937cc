// Accessibility of the main views, checked by axe-core (npm) in Debian's Chromium with mocked IPC:
// no serious or critical violation, in light and dark. axe is evaluated through DevTools, which the
// page's CSP does not govern (the app's own scripts stay under it).
import { test } from "node:test";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { appCsp, serveDist } from "../support/static-server.mjs";
import { CHROMIUM_FLAGS, openShell, repoRoot, shots, uiDir } from "../support/browser.mjs";
import { REGISTRIES_MOCK } from "../support/mock-registries.mjs";
import { violations } from "../support/a11y.mjs";

/** The main views, each handed to `check` once on screen: registries, images, an image's detail and
 * files, repository settings, a local archive, the add dialog. */
async function walkMainViews(page, check) {
  await page.getByRole("button", { name: "registry.example.com" }).waitFor();
  await check("registries");
  await page.getByRole("button", { name: /dev · eu-west-1/ }).first().click();
  await page.getByRole("treeitem", { name: "web" }).click();
  await page.getByTestId("image-count").waitFor();
  await check("images");
  await page.getByText("1.1.0").click();
  await page.getByText("/usr/local/bin/web").waitFor();
  await check("image detail");
  await page.getByRole("tab", { name: "Files" }).click();
  await page.getByTestId("wasted-summary").getByText(/^Wasted:/).waitFor();
  await check("files");
  await page.getByRole("tab", { name: /^Scan/ }).click();
  await page.getByRole("table", { name: "Findings" }).waitFor();
  await check("scan findings");
  for (const [action, sheet] of [["Export…", "Export image"], ["Copy to…", "Copy image"]]) {
    await page.locator(".selection-bar").getByRole("button", { name: action }).click();
    await page.getByRole("dialog", { name: sheet }).waitFor();
    await check(sheet.toLowerCase());
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: sheet }).waitFor({ state: "detached" });
  }
  await page.getByRole("button", { name: "Settings…" }).click();
  await page.getByRole("dialog", { name: "Repository settings" }).getByText("encryption KMS").waitFor();
  await check("repository settings");
  await page.getByRole("dialog", { name: "Repository settings" }).getByRole("tab", { name: "Resource tags" }).click();
  await page.getByRole("textbox", { name: "Key of tag 2" }).waitFor();
  await check("repository tags");
  await page.getByRole("dialog", { name: "Repository settings" }).getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Archived…" }).click();
  await page.getByRole("dialog", { name: "Archived images of team-a/web" }).getByText("0.9.0, 0.9").waitFor();
  await check("archived images");
  await page.getByRole("dialog", { name: "Archived images of team-a/web" }).getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "+ New" }).click();
  await page.getByRole("dialog", { name: "New repository" }).getByRole("button", { name: "+ Add a tag" }).click();
  await check("new repository");
  await page.getByRole("dialog", { name: "New repository" }).getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Registry…" }).click();
  const registrySettings = page.getByRole("dialog", { name: "Registry settings" });
  await registrySettings.getByRole("textbox", { name: "Rule 1 destination 2 account" }).waitFor();
  await check("registry replication");
  await registrySettings.getByRole("tab", { name: "Pull-through cache" }).click();
  await registrySettings.getByRole("table", { name: "Pull-through cache rules" }).waitFor();
  await check("registry pull-through");
  await registrySettings.getByRole("tab", { name: "Creation templates" }).click();
  await registrySettings.getByRole("table", { name: "Creation templates" }).waitFor();
  await check("registry templates");
  await registrySettings.getByRole("button", { name: "Scanning…" }).click();
  await page.getByRole("dialog", { name: "Scanning" }).getByRole("textbox", { name: "Repositories scanned continuously" }).waitFor();
  await check("registry scanning");
  await page.getByRole("dialog", { name: "Scanning" }).getByRole("button", { name: "Close" }).click();
  await registrySettings.getByRole("button", { name: "Registry policy…" }).click();
  await page.getByRole("dialog", { name: "Registry policy" }).getByRole("listitem", { name: /AllowReplication/ }).waitFor();
  await check("registry policy");
  await page.getByRole("dialog", { name: "Registry policy" }).getByRole("button", { name: "Close" }).click();
  await registrySettings.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Sign-in…" }).click();
  await page.getByTestId("sign-in-command").waitFor();
  await check("sign-in command");
  await page.getByRole("dialog", { name: "Sign in from a terminal" }).getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: /^web-2\.1\.0\.tar/ }).click();
  await page.getByRole("option", { name: /team-a\/web:2\.1\.0/ }).click();
  await page.getByText("/usr/local/bin/web").waitFor();
  await check("local archive");
  await page.getByRole("button", { name: "+ Add" }).click();
  await page.getByRole("dialog", { name: "Add registry" }).waitFor();
  await check("add registry");
}

test("the main views have no serious or critical accessibility violations, light and dark", { timeout: 120_000 }, async () => {
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    for (const scheme of ["light", "dark"]) {
      const { context, page, problems } = await openShell(browser, server, scheme, REGISTRIES_MOCK);
      const found = {};
      const check = async (view) => {
        found[view] = await violations(page);
      };
      await walkMainViews(page, check);
      const failing = Object.entries(found).filter(([, v]) => v.length > 0);
      assert.deepEqual(failing, [], `${scheme}: ${JSON.stringify(failing, null, 1)}`);
      assert.deepEqual(problems, []);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

/** Elements that run past their pane's sides (or the window's, for dialogs), outside any scroller. */
function overflowing(page) {
  return page.evaluate(() => {
    const out = [];
    const scrolls = (el, stop) => {
      for (let at = el.parentElement; at && at !== stop; at = at.parentElement) {
        if (["auto", "scroll", "hidden"].includes(getComputedStyle(at).overflowX)) return true;
      }
      return false;
    };
    for (const box of document.querySelectorAll(".pane, [role=dialog], [role=alertdialog]")) {
      const edge = box.matches(".pane") ? box.getBoundingClientRect() : { left: 0, right: window.innerWidth };
      for (const el of box.querySelectorAll("*")) {
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height || scrolls(el, box)) continue;
        if (r.right > edge.right + 1 || r.left < edge.left - 1)
          out.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" spans ${Math.round(r.left)}–${Math.round(r.right)}, its pane ${Math.round(edge.left)}–${Math.round(edge.right)}`);
      }
    }
    return out.slice(0, 10);
  });
}

test("nothing runs off its pane at 900×560 or 1280×800", { timeout: 120_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    for (const [width, height] of [[900, 560], [1280, 800]]) {
      const { context, page, problems } = await openShell(browser, server, "dark", REGISTRIES_MOCK, { width, height });
      const found = {};
      const check = async (view) => {
        found[view] = await overflowing(page);
        await page.screenshot({ path: join(shots, `layout-${view.replace(/ /g, "-")}-${width}x${height}.png`) });
      };
      await walkMainViews(page, check);
      const failing = Object.entries(found).filter(([, v]) => v.length > 0);
      assert.deepEqual(failing, [], `${width}×${height}: ${JSON.stringify(failing, null, 1)}`);
      assert.deepEqual(problems, []);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

// Shared by the browser tests: Debian's Chromium with the app's CSP and the mocked IPC bridge.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const uiDir = join(here, "..", "..");
export const repoRoot = join(uiDir, "..");
export const shots = join(repoRoot, "test-output", "screenshots");
const mockBridge = readFileSync(join(uiDir, "tests", "support", "mock-tauri.js"), "utf8");

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function openShell(browser, server, colorScheme, mock, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, colorScheme, locale: "en-US" });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.origin !== server.url && url.protocol !== "data:") problems.push(`request to ${req.url()}`);
  });
  await page.addInitScript(mockBridge);
  await page.addInitScript(`
    document.addEventListener("securitypolicyviolation", (e) => {
      (window.__CSP__ ||= []).push(e.violatedDirective + " " + e.blockedURI);
    });
    window.__LADING_MOCK__ = ${mock};
  `);
  await page.goto(server.url, { waitUntil: "load" });
  return { context, page, problems };
}

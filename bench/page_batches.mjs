// The page's own work while a long listing streams in: the built UI (ui/dist) in Debian's Chromium
// with mocked IPC, fed 10,000 waiting rows and then batches of read rows at the pace the backend
// sends them against the demo registry (~800 manifests/s: 200 rows per 250 ms). Reports the main
// thread's busy time per batch (Chrome's TaskDuration, split into script, style and layout), so a
// change to the table can be compared in one run. It measures Chromium, not WebKitGTK (slower, and
// its share of the two cores is what bench/browse.mjs sees), but the work per batch is the same code.
// Usage: cd ui && npm run build && node ../bench/page_batches.mjs [--tags 10000] [--batch 200] [--every 250]
import { createRequire } from "node:module";
import { join } from "node:path";
import { appCsp, serveDist } from "../ui/tests/support/static-server.mjs";
import { CHROMIUM_FLAGS, openShell, repoRoot, uiDir } from "../ui/tests/support/browser.mjs";

// playwright-core is the UI's dev dependency (ui/node_modules).
const { chromium } = createRequire(join(uiDir, "package.json"))("playwright-core");

const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return Number(at > 0 ? process.argv[at + 1] : fallback);
};
const tags = option("--tags", 10000);
const batch = option("--batch", 200);
const every = option("--every", 250);

const mock = `{
  list_local: () => [],
  app_info: () => ({ name: "lading-app", version: "0.1.0", os: "linux", arch: "x86_64" }),
  list_registries: () => ({
    registries: [{ id: "oci:localhost:5000", name: "localhost:5000", kind: "oci", address: "localhost:5000",
      auth: "anonymous", username: null, insecure: false, profile: null, region: null, account: null }],
    docker_logins: [], notice: null,
  }),
  check_registry: () => ({ state: "connected", reason: null }),
  list_repositories: () => ({ repositories: [{ name: "demo/many-tags", uri: null }], catalog_unreadable: null }),
  prioritize_images: () => true,
  row_details: ({ rows }) => rows.map((r) => ({ digest: r.digest, created: 1_790_000_000, platform_sizes: [] })),
  stream_images: ({ onEvent }) => new Promise((resolve) => {
    const count = ${tags};
    const names = Array.from({ length: count }, (_, i) => "build-" + i);
    onEvent.onmessage({ event: "tags", tags: names });
    let sent = 0;
    const next = () => {
      const rows = names.slice(sent, sent + ${batch}).map((tag, k) => ({
        digest: "sha256:" + (sent + k).toString(16).padStart(64, "0"), tags: [tag], kind: "image",
        media_type: "application/vnd.oci.image.manifest.v1+json", size: 1000 + sent + k, platforms: [], children: [],
        pushed_at: null, last_pulled_at: null, scan_status: null, subject: null,
        config: "sha256:" + (sent + k).toString(16).padStart(64, "c"),
      }));
      sent += rows.length;
      onEvent.onmessage({ event: "rows", rows });
      if (sent < count) return setTimeout(next, ${every});
      onEvent.onmessage({ event: "done", images: count, failed: 0, cached: false, elapsed_ms: 1 });
      resolve(null);
    };
    setTimeout(next, ${every});
  }),
}`;

const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
try {
  const { context, page } = await openShell(browser, server, "light", mock);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const metrics = async () => {
    const { metrics } = await cdp.send("Performance.getMetrics");
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  };
  await page.getByRole("button", { name: /localhost:5000/ }).first().click();
  await page.getByRole("treeitem", { name: "many-tags" }).waitFor();
  const before = await metrics();
  const started = Date.now();
  await page.getByRole("treeitem", { name: "many-tags" }).click();
  await page.waitForFunction(() => performance.getEntriesByName("images:complete").length > 0, null, {
    timeout: 120_000,
  });
  const wall = Date.now() - started;
  const after = await metrics();
  const spent = (name) => (after[name] - before[name]) * 1000;
  const batches = Math.ceil(tags / batch);
  const line = (name) => `${spent(name).toFixed(0)} ms (${(spent(name) / batches).toFixed(1)} ms per batch)`;
  console.log(`${tags} tags in ${batches} batches of ${batch}, one per ${every} ms: ${wall} ms from the click`);
  console.log(`  main thread busy: ${line("TaskDuration")}`);
  console.log(`  script: ${line("ScriptDuration")}; style: ${line("RecalcStyleDuration")}; layout: ${line("LayoutDuration")}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}

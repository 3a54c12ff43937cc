// Browse benchmark: the real app window (WebKitGTK under Xvfb, driven by tauri-driver) against the
// demo content served by `lading-demo --serve` (a real docker-registry with 10,000 tags in one
// repository). Measures, from marks the UI sets after the frame that shows each state:
//   - cold start: app process start → first frame painted;
//   - opening demo/many-tags: click → first rows painted, → every tag listed as a row, → every row
//     in view read, → every manifest read (digest, size, type filled in); half-way through, a
//     jump to the middle of the list → the rows there read; then opening it again (kept listing);
//   - idle RSS of the app's process tree (lading-app + WebKit's web and network processes);
//   - skopeo list-tags of the same repository, for reference (tags only, no manifests).
// Usage: node bench/browse.mjs [--tags 10000] [--runs 3] [--release]
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { findTauriDriver, freeDisplay, freePort, openApp, repoRoot, sleep, start, waitFor } from "../tests/e2e/support.mjs";

const option = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const tags = Number(option("--tags", "10000"));
const runs = Number(option("--runs", "3"));
const profile = process.argv.includes("--release") ? "release" : "debug";

execFileSync("cargo", ["build", "-p", "lading-app", "-p", "lading-demo", "--bin", "lading-app", "--bin", "lading-demo", ...(profile === "release" ? ["--release"] : [])], {
  cwd: repoRoot,
  stdio: "inherit",
});
const app = join(repoRoot, "target", profile, "lading-app");

// The demo servers, seeded; they stop when our pipe to their stdin closes.
const demo = spawn(join(repoRoot, "target", profile, "lading-demo"), ["--serve", "--tags", String(tags), "--ecr-tags", "0"], {
  stdio: ["pipe", "pipe", "inherit"],
});
const served = await new Promise((resolve, reject) => {
  demo.once("exit", (code) => reject(new Error(`lading-demo exited with ${code}`)));
  createInterface({ input: demo.stdout }).once("line", (line) => resolve(JSON.parse(line)));
});

const clockTick = Number(execFileSync("getconf", ["CLK_TCK"]).toString());
const bootTime = Number(/^btime (\d+)/m.exec(readFileSync("/proc/stat", "utf8"))[1]);
/** Epoch ms at which `pid` started (10 ms resolution). */
function startedAt(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (bootTime + Number(fields[19]) / clockTick) * 1000;
}
function children(pid) {
  const out = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1].split(" ");
      if (Number(fields[1]) === pid) out.push(Number(entry), ...children(Number(entry)));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}
const rssKiB = (pid) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
// PSS shares each shared page (libwebkit2gtk is mapped by all three processes) among its users,
// so the tree's PSS total counts every page once; RSS totals count shared libraries three times.
const pssKiB = (pid) => Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
// Anonymous memory: heaps, JS, tiles; what the app itself allocated, without any library's code.
const anonKiB = (pid) => Number(/^Anonymous:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
/** RSS in MiB of `pid` and its descendants, in total and per process name. */
function processTree(pid) {
  const each = [pid, ...children(pid)].map((p) => {
    const status = readFileSync(`/proc/${p}/status`, "utf8");
    return { name: /^Name:\s+(.*)$/m.exec(status)[1], rss: rssKiB(p) / 1024, pss: pssKiB(p) / 1024, anon: anonKiB(p) / 1024 };
  });
  const total = (key) => each.reduce((sum, p) => sum + p[key], 0);
  return { rss: total("rss"), pss: total("pss"), anon: total("anon"), each };
}
/** CPU seconds (user + system) so far of each process in the trees of `roots`, by process name. */
function cpuByName(roots) {
  const out = {};
  for (const pid of roots.flatMap((root) => [root, ...children(root)])) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = /\((.*)\)/.exec(stat)[1];
      const fields = stat.split(") ")[1].split(" ");
      out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / clockTick;
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}
const cpuSpent = (before, after) =>
  Object.fromEntries(Object.entries(after).map(([name, s]) => [name, Number((s - (before[name] ?? 0)).toFixed(2))]).filter(([, s]) => s > 0.05));

const appPid = () => Number(execFileSync("pgrep", ["-n", "-f", `^${app}`]).toString().trim());

async function oneRun() {
  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "bench-xvfb.log");
  const home = mkdtempSync(join(tmpdir(), "lading-bench-home-"));
  const [port, nativePort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    DISPLAY: `:${display}`,
    HOME: home,
    XDG_DATA_HOME: join(home, ".local/share"),
    LADING_CONFIG_DIR: served.config_dir,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_ENDPOINT_URL_ECR: served.ecr_endpoint,
  };
  const driver = start(findTauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], "bench-tauri-driver.log", env);
  const base = `http://127.0.0.1:${port}`;
  let session;
  try {
    await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
    await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
    session = await openApp(base, app);
    const pid = appPid();
    const mark = (name) => session.run(`return performance.getEntriesByName(${JSON.stringify(name)}).at(-1)?.startTime ?? null`);
    const painted = await waitFor("first paint", () => mark("app:first-paint"), 30_000);
    const origin = await session.run("return performance.timeOrigin");
    const coldStart = origin + painted - startedAt(pid);

    await waitFor("the demo registry", () => session.find(".registry .status-connected"), 30_000);
    // What the window costs doing nothing, to set against what reading costs it.
    const idleBefore = cpuByName([pid]);
    await sleep(3000);
    const idle = cpuSpent(idleBefore, cpuByName([pid]));
    const rssAtStart = processTree(pid);
    await session.run("[...document.querySelectorAll('.registry-button')].find((b) => b.textContent.includes('Demo registry')).click()");
    const open = async (name, scrollToMiddle = false) => {
      await session.run(
        `document.addEventListener("click", () => performance.mark("bench:click"), { capture: true, once: true });`,
      );
      await session.click(`[role="treeitem"][title="${name}"]`);
      let scrolled = null;
      if (scrollToMiddle) {
        // Once the first screen is read (so that measure is of the screen the click showed), while
        // the rest are read: jump half-way down and time until every row on screen is read.
        await waitFor("the first screen", async () => (await mark("images:view-complete")) > (await mark("bench:click")), 30_000);
        await session.run(
          `const v = document.querySelector(".rows-viewport"); v.scrollTop = v.scrollHeight / 2; performance.mark("bench:scrolled");`,
        );
        const readOnScreen = `const v = document.querySelector(".rows-viewport").getBoundingClientRect();
          const rows = [...document.querySelectorAll(".rows-viewport tr.image-row")].filter((r) => {
            const b = r.getBoundingClientRect();
            return b.bottom > v.top && b.top < v.bottom;
          });
          return rows.length > 0 && rows.every((r) => !r.classList.contains("waiting")) ? performance.now() : null;`;
        // Polled as fast as WebDriver answers (waitFor's 200 ms steps would swamp the measure).
        let at = null;
        for (const deadline = Date.now() + 30_000; at === null && Date.now() < deadline; ) at = await session.run(readOnScreen);
        if (at === null) throw new Error("rows half-way down not read within 30 s");
        scrolled = at - (await mark("bench:scrolled"));
      }
      await waitFor(`${name} complete`, async () => (await mark("images:complete")) !== null && (await mark("images:complete")) > (await mark("bench:click")), 120_000);
      const click = await mark("bench:click");
      return {
        viewComplete: (await mark("images:view-complete")) - click,
        scrolled,
        firstRows: (await mark("images:first-rows")) - click,
        firstBatch: (await mark("images:first-batch")) - click,
        allRows: (await mark("images:all-rows")) - click,
        complete: (await mark("images:complete")) - click,
        count: await session.run("return document.querySelector('[data-testid=image-count]').textContent"),
      };
    };
    await waitFor("repositories", () => session.find('[role="treeitem"]'), 30_000);
    // Where the CPU goes while every manifest is read: the window's processes, the registry, X.
    const trees = [pid, demo.pid, xvfb.pid];
    const cpuBefore = cpuByName(trees);
    const cold = await open("demo/many-tags", true);
    cold.cpu = cpuSpent(cpuBefore, cpuByName(trees));
    await open("team-a/web-app");
    const kept = await open("demo/many-tags");
    await sleep(3000);
    const rssBrowsed = processTree(pid);
    return { coldStart, cold, kept, rssAtStart, rssBrowsed, idle };
  } finally {
    if (session) await session.close();
    driver.kill();
    xvfb.kill();
    await sleep(500);
  }
}

/** App start → the window's first IPC call (logged by the app), launched directly: no WebDriver. */
async function directColdStart() {
  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "bench-xvfb.log");
  await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
  const home = mkdtempSync(join(tmpdir(), "lading-bench-home-"));
  const child = spawn(app, [], {
    env: { ...process.env, DISPLAY: `:${display}`, HOME: home, LADING_CONFIG_DIR: served.config_dir, LADING_LOG: "info", NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no first IPC call within 30 s")), 30_000);
      createInterface({ input: child.stderr }).on("line", (line) => {
        const found = /first IPC call from the window (\d+) ms after start/.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(Number(found[1]));
        }
      });
    });
  } finally {
    child.kill();
    xvfb.kill();
    await sleep(500);
  }
}

const direct = [];
for (let i = 0; i < runs; i++) direct.push(await directColdStart());
const results = [];
for (let i = 0; i < runs; i++) results.push(await oneRun());
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const skopeoTimes = [];
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint();
  execFileSync("skopeo", ["list-tags", "--tls-verify=false", `docker://${served.registry}/demo/many-tags`], { maxBuffer: 64 << 20 });
  skopeoTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
}
demo.stdin.end();

const ms = (v) => `${v.toFixed(0)} ms`;
console.log(`\nbrowse benchmark (${profile} build, ${tags.toLocaleString("en-US")} tags, median of ${runs} runs)`);
console.log(`| measure | value | target |\n| --- | ---: | --- |`);
console.log(`| cold start → first IPC from the window (launched directly) | ${ms(median(direct))} | ≤ 1 s |`);
console.log(`| cold start → first paint (launched by WebKitWebDriver) | ${ms(median(results.map((r) => r.coldStart)))} | — |`);
console.log(`| open repository → first rows painted | ${ms(median(results.map((r) => r.cold.firstRows)))} | ≤ 300 ms |`);
console.log(`| open repository → every tag listed | ${ms(median(results.map((r) => r.cold.allRows)))} | ≤ 1.5 s |`);
console.log(`| open repository → first read rows reach the page | ${ms(median(results.map((r) => r.cold.firstBatch)))} | — |`);
console.log(`| open repository → every row in view read (manifest) | ${ms(median(results.map((r) => r.cold.viewComplete)))} | ≤ 300 ms |`);
console.log(`| scroll half-way down while reading → rows in view read (polled via WebDriver) | ${ms(median(results.map((r) => r.cold.scrolled)))} | — |`);
console.log(`| open repository → every manifest read | ${ms(median(results.map((r) => r.cold.complete)))} | ≤ 11 s |`);
console.log(`| open again (kept listing) → all rows | ${ms(median(results.map((r) => r.kept.complete)))} | — |`);
const memoryLine = (what, pick) => {
  const names = pick(results[0]).each.map((p) => p.name).join(" + ");
  const rss = median(results.map((r) => pick(r).rss)).toFixed(0);
  const pss = median(results.map((r) => pick(r).pss)).toFixed(0);
  const anon = median(results.map((r) => pick(r).anon)).toFixed(0);
  console.log(`| ${what}: anonymous / PSS / RSS of ${names} | ${anon} / ${pss} / ${rss} MiB | ≤ 150 MB |`);
};
memoryLine("idle after start", (r) => r.rssAtStart);
memoryLine(`idle after listing ${tags.toLocaleString("en-US")} tags`, (r) => r.rssBrowsed);
for (const r of results) console.log("memory per process (MiB):", JSON.stringify({ start: r.rssAtStart.each, browsed: r.rssBrowsed.each }, (k, v) => (typeof v === "number" ? Math.round(v) : v)));
console.log(`| skopeo list-tags (tags only, reference) | ${ms(median(skopeoTimes))} | — |`);
console.log(`final count: ${results[0].cold.count}`);
for (const r of results) console.log("CPU s while every manifest was read:", JSON.stringify(r.cold.cpu), "· idle 3 s before:", JSON.stringify(r.idle));
process.exit(0);

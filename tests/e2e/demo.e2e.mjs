// The real window on the demo content (`lading-demo --serve`: a real docker-registry and moto's
// ECR, seeded as `./dev demo` seeds them): a streamed listing, an image's layers checked against
// the engine, a tag deleted and gone from the list and from the registry, and ECR browsed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { app, demoEnv, serveDemo, findTauriDriver, freeDisplay, freePort, nativeQuestions, openApp, repoRoot, sleep, start, waitFor, stopX } from "./support.mjs";

const TAGS = 300;

test("demo content: stream, inspect, delete a tag and see it gone, layer files, browse ECR, a local archive", { timeout: 300_000 }, async () => {
  const { demo, served } = await serveDemo(["--tags", String(TAGS), "--ecr-tags", "20"]);
  const display = freeDisplay();
  const xvfb = start("Xvfb", [`:${display}`, "-screen", "0", "1280x800x24", "-nolisten", "tcp"], "demo-xvfb.log");
  const questions = nativeQuestions(display);
  const home = mkdtempSync(join(tmpdir(), "lading-e2e-demo-"));
  const env = demoEnv(served, display, home);
  const [port, nativePort] = [await freePort(), await freePort()];
  const driver = start(findTauriDriver(), ["--port", String(port), "--native-port", String(nativePort)], "demo-tauri-driver.log", env);
  const base = `http://127.0.0.1:${port}`;
  const lading = (...args) => JSON.parse(execFileSync(join(repoRoot, "target", "debug", "lading"), ["--json", ...args], { env }).toString());
  const count = () => session.run("return document.querySelector('[data-testid=image-count]')?.textContent ?? null");
  const chips = () => session.run("return [...document.querySelectorAll('.image-table .chip')].map((c) => c.textContent)");
  const openRegistry = (name) =>
    session.run(`[...document.querySelectorAll('.registry-button')].find((b) => b.textContent.includes(${JSON.stringify(name)})).click()`);
  // An ECR repository's tree item is titled with its URI; until the ECR list replaced the previous
  // registry's, there is none to click.
  const openEcrRepository = async (name) => {
    const item = `[...document.querySelectorAll('[role=treeitem]')].find((e) => e.getAttribute('title').endsWith(${JSON.stringify("/" + name)}))`;
    await waitFor(`ECR repository ${name}`, () => session.run(`return Boolean(${item})`), 30_000);
    await session.run(`${item}.click()`);
  };
  let session;
  try {
    await waitFor("X display", () => existsSync(`/tmp/.X11-unix/X${display}`), 15_000);
    await waitFor("tauri-driver", async () => (await fetch(`${base}/status`)).ok, 30_000);
    session = await openApp(base);
    await waitFor("both demo registries connected", async () => (await session.run("return document.querySelectorAll('.registry .status-connected').length")) === 2, 60_000);

    // Every tag of the big repository listed, each filled in from its manifest.
    await openRegistry("Demo registry");
    await waitFor("repositories", () => session.find('[role="treeitem"][title="demo/many-tags"]'), 20_000);
    await session.click('[role="treeitem"][title="demo/many-tags"]');
    await waitFor(`${TAGS} images`, async () => new RegExp(`^${TAGS} images( ·|$)`).test((await count()) ?? ""), 60_000);
    await session.screenshot("demo-many-tags.png");

    // An image's layers and sizes, as the engine reads them.
    await session.click('[role="treeitem"][title="team-a/web-app"]');
    await waitFor("three images", async () => /^3 images( ·|$)/.test((await count()) ?? ""), 20_000);
    assert.deepEqual((await chips()).sort(), ["1.0.0", "1.1.0", "dev", "latest"]);
    await session.run("[...document.querySelectorAll('.image-table .chip')].find((c) => c.textContent === '1.0.0').click()");
    await waitFor("the image detail", () => session.find(".facts"), 20_000);
    await session.click('[role="tab"]:nth-child(2)');
    await waitFor("the layers", () => session.find("table.layers td.digest"), 10_000);
    const shown = await session.run(
      "return [...document.querySelectorAll('table.layers tbody tr')].map((tr) => [tr.querySelector('td.digest').getAttribute('title'), tr.querySelector('td.size').getAttribute('title').replace(/\\D/g, '')])",
    );
    const inspected = lading("inspect", `${served.registry}/team-a/web-app:1.0.0`);
    assert.deepEqual(shown, inspected.layers.map((l) => [l.digest, String(l.size)]));
    await session.screenshot("demo-layers.png");

    // Delete the image behind `dev`: gone from the list, and the registry agrees.
    await session.run("[...document.querySelectorAll('.image-table .chip')].find((c) => c.textContent === 'dev').click()");
    await session.click(".selection-bar .danger");
    await waitFor("the confirmation", () => session.find('[role="alertdialog"] .danger'), 10_000);
    assert.match(await session.run("return document.querySelector('[role=alertdialog]').textContent"), /\(dev\)/);
    await session.click('[role="alertdialog"] .danger');
    await questions.answer("^Delete 1 image from team-a/web-app\\?$", true);
    await waitFor("two images left", async () => /^2 images( ·|$)/.test((await count()) ?? ""), 20_000);
    assert.ok(!(await chips()).includes("dev"));
    assert.deepEqual(lading("tags", `${served.registry}/team-a/web-app`).sort(), ["1.0.0", "1.1.0", "latest"]);

    // Export the 1.0.0 image to a docker archive, then copy it to another repository.
    await session.run("[...document.querySelectorAll('.image-table .chip')].find((c) => c.textContent === '1.0.0').click()");
    const button = (text) => `[...document.querySelectorAll('.selection-bar button')].find((b) => b.textContent === ${JSON.stringify(text)}).click()`;
    await session.run(button("Export…"));
    await waitFor("the export sheet", () => session.find('[aria-label="Export image"] input'), 10_000);
    const exportedArchive = join(home, "exported.tar");
    await session.type('[aria-label="Export image"] input', exportedArchive);
    await session.click('[aria-label="Export image"] button[type="submit"]');
    // Transfers run in the queue panel; the sheet closes at once.
    const results = "return [...document.querySelectorAll('[aria-label=Transfers] .transfer-result')].map((e) => e.textContent)";
    const failures = "return [...document.querySelectorAll('[aria-label=Transfers] [role=alert]')].map((e) => e.textContent).join('; ')";
    const transferResult = (what, pattern) =>
      waitFor(
        what,
        async () => {
          const failed = await session.run(failures);
          if (failed) throw new Error(`${what}: ${failed}`);
          return (await session.run(results)).find((text) => pattern.test(text)) ?? null;
        },
        60_000,
      );
    await transferResult("the export", /^Exported sha256:.* to .*exported\.tar/);
    assert.ok(statSync(exportedArchive).size > 100_000, "the exported archive holds the layers");
    await session.run(button("Copy to…"));
    await waitFor("the copy sheet", () => session.find('[aria-label="Copy image"] input'), 10_000);
    await session.clear('[aria-label="Copy image"] input');
    await session.type('[aria-label="Copy image"] input', "copied/web-app");
    await session.click('[aria-label="Copy image"] button[type="submit"]');
    await transferResult("the copy", /^Copied to copied\/web-app:1\.0\.0/);
    // The new repository joins the list without leaving the registry (the copy re-reads it).
    await waitFor("copied/web-app in the repository list", () => session.find('[role="treeitem"][title="copied/web-app"]'), 20_000);
    await session.screenshot("demo-copied.png");
    assert.deepEqual(lading("tags", `${served.registry}/copied/web-app`), ["1.0.0"]);

    // Layer contents, streamed from the registry: the later layers' deletions are wasted bytes.
    await session.click('[role="treeitem"][title="team-a/api"]');
    await waitFor("the api image", async () => /^1 image( ·|$)/.test((await count()) ?? ""), 20_000);
    await session.click(".image-table tbody tr.image-row td:nth-child(2)");
    await waitFor("the image detail", () => session.find(".facts"), 20_000);
    await session.run("[...document.querySelectorAll('[role=tab]')].find((t) => t.textContent === 'Files').click()");
    const summary = await waitFor(
      "the wasted bytes",
      async () => {
        const text = await session.run("return document.querySelector('[data-testid=wasted-summary]')?.textContent ?? ''");
        return text.startsWith("Wasted") ? text : null;
      },
      30_000,
    );
    assert.equal(summary, "Wasted: 650.0 KiB in 3 files that later layers overwrite or delete.");
    await session.run("[...document.querySelectorAll('.layer-picker [role=tab]')][2].click()");
    await waitFor("layer 3's files", async () => (await session.run("return document.querySelectorAll('table.files tr.wasted').length")) === 2, 10_000);
    await session.screenshot("demo-files.png");

    // ECR (moto): the same repositories through ECR's API, with push times.
    await openRegistry("Demo ECR");
    await waitFor("ECR repositories", () => session.find('[role="treeitem"]'), 30_000);
    await openEcrRepository("team-a/web-app");
    await waitFor("ECR images", async () => /^3 images( ·|$)/.test((await count()) ?? ""), 30_000);
    assert.deepEqual((await chips()).sort(), ["1.0.0", "1.1.0", "dev", "latest"]);
    await session.screenshot("demo-ecr.png");

    // Amazon Inspector's findings of 1.0.0 (the demo seeds them in moto): every one, most severe
    // first, with package, fixed-in version and score; the overview names the counts.
    await session.run("[...document.querySelectorAll('.image-table .chip')].find((c) => c.textContent === '1.0.0').click()");
    const scanLine = await waitFor("the scan line", () => session.run("return document.querySelector('[data-testid=scan]')?.textContent ?? null"), 30_000);
    assert.equal(scanLine, "active: 1 critical, 1 high, 1 medium, 1 untriaged Show the findings");
    await session.run("[...document.querySelectorAll('[role=tab]')].find((t) => t.textContent.startsWith('Scan')).click()");
    await waitFor("the findings", () => session.find('table[aria-label="Findings"] tbody tr'), 10_000);
    const findings = await session.run(
      "return [...document.querySelectorAll('table[aria-label=Findings] tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))",
    );
    assert.deepEqual(findings.map((f) => f[0]), ["critical", "high", "medium", "untriaged"]);
    assert.match(findings[0][1], /^CVE-2026-0101/);
    assert.deepEqual(findings[0].slice(2, 5), ["9.8", "openssl3.0.15-1~deb12u1", "3.0.16-1~deb12u1"]);
    assert.equal(findings[2][4], "no fix yet");
    assert.equal(
      await session.run("return document.querySelector('[data-testid=scan-summary]').textContent"),
      "Enhanced scan (Amazon Inspector) · active · 1 critical, 1 high, 1 medium, 1 untriaged Continuous scan is selected for image.",
    );
    await session.screenshot("demo-ecr-findings.png");
    await session.run("document.querySelector('.detail-close').click()");

    const ecrCli = (...args) => execFileSync(join(repoRoot, "target", "debug", "lading"), ["ecr", "--region", "us-east-1", ...args], { env }).toString();
    // An index in ECR: its images (DescribeImages lists them as untagged manifests) sit under it,
    // named by platform, and are not counted as untagged.
    await openEcrRepository("platform/base");
    // The images are labelled once the index manifest is read, just after the listing.
    const baseRows = () => session.run("return [...document.querySelectorAll('.image-table tbody tr.image-row td:first-child')].map((td) => td.textContent).join(' | ')");
    const labelled = "bookwormlatest | ↳ linux/amd64 of bookworm | ↳ linux/arm64 of bookworm";
    await waitFor("the index and its images under it", async () => (await baseRows()) === labelled, 30_000).catch(async (e) => {
      throw new Error(`${e.message}; rows: ${await baseRows()}`);
    });
    assert.doesNotMatch(await count(), /untagged/);
    await session.screenshot("demo-ecr-index.png");

    // Its resource tags, edited in the window and read back by the CLI.
    await session.run("[...document.querySelectorAll('.header-action')].find((b) => b.textContent === 'Settings…').click()");
    await session.run("[...document.querySelectorAll('[role=tab]')].find((t) => t.textContent === 'Resource tags').click()");
    await waitFor("the stored tag", () => session.run("return document.querySelector('[aria-label=\"Value of tag 1\"]')?.value ?? null"), 20_000);
    await session.clear('[aria-label="Value of tag 1"]');
    await session.type('[aria-label="Value of tag 1"]', "platform-team");
    await session.run("[...document.querySelectorAll('button')].find((b) => b.textContent === '+ Add a tag').click()");
    await session.type('[aria-label="Key of tag 2"]', "cost-centre");
    await session.type('[aria-label="Value of tag 2"]', "4410");
    await session.run("[...document.querySelectorAll('button')].find((b) => b.textContent === 'Save tags').click()");
    await waitFor("tags saved", () => session.run("return document.body.textContent.includes('Saved; ECR now reports these tags.')"), 20_000);
    assert.deepEqual(JSON.parse(ecrCli("--json", "tags", "platform/base")), { "cost-centre": "4410", team: "platform-team" });
    await session.screenshot("demo-ecr-tags.png");
    await session.run("[...document.querySelectorAll('.dialog button')].find((b) => b.textContent === 'Close' && b.offsetParent !== null).click()");

    // The lifecycle editor on moto: its dry run agrees with the CLI's `lifecycle preview` on the
    // same images, and a rule changed in the window is saved and read back by the CLI.
    const previewExpiring = (policy) => {
      const file = join(home, "policy.json");
      writeFileSync(file, policy);
      return JSON.parse(ecrCli("--json", "lifecycle", "preview", "demo/many-tags", "--policy", file)).expiring.length;
    };
    await openEcrRepository("demo/many-tags");
    await session.run("[...document.querySelectorAll('.header-action')].find((b) => b.textContent === 'Lifecycle…').click()");
    const totals = () => session.run("return document.querySelector('[data-testid=dry-run-totals]')?.textContent ?? null");
    const firstTotals = await waitFor("the dry run", totals, 30_000);
    const stored = ecrCli("lifecycle", "get", "demo/many-tags");
    assert.match(firstTotals, new RegExp(`^${previewExpiring(stored)} of 20 images expire`));
    // Keep 5 builds instead of 10: typed into the rule's sentence.
    await session.clear('[aria-label="How many to keep"]');
    await session.type('[aria-label="How many to keep"]', "5");
    const changed = await waitFor("the dry run of 5 kept", async () => ((await totals()) ?? "").startsWith("15 of 20") && (await totals()), 20_000);
    await session.screenshot("demo-lifecycle.png");
    await waitFor("save enabled", () => session.run("return !document.querySelector('.lifecycle-editor .dialog-actions .primary').disabled"), 10_000);
    // It expires images: the backend asks natively. Cancel saves nothing; yes saves.
    await session.click(".lifecycle-editor .dialog-actions .primary");
    await questions.answer("^Save the lifecycle policy of demo/many-tags\\?$", false);
    await waitFor("not saved", () => session.run("return document.querySelector('.lifecycle-editor .notice')?.textContent === 'Not saved.'"), 20_000);
    assert.equal(ecrCli("lifecycle", "get", "demo/many-tags"), stored, "Cancel: the stored policy is unchanged");
    await session.click(".lifecycle-editor .dialog-actions .primary");
    await questions.answer("^Save the lifecycle policy of demo/many-tags\\?$", true);
    await waitFor("saved", () => session.run("return /^Saved\\./.test(document.querySelector('.lifecycle-editor .notice')?.textContent ?? '')"), 20_000);
    const saved = ecrCli("lifecycle", "get", "demo/many-tags");
    assert.equal(JSON.parse(saved).rules[0].selection.countNumber, 5);
    assert.match(changed, new RegExp(`^${previewExpiring(saved)} of 20 images expire`));
    await session.run("[...document.querySelectorAll('.lifecycle-editor button')].find((b) => b.textContent === 'Close').click()");

    // The repository policy of team-a/web-app: a Lambda pull statement added from the template
    // is saved, and the CLI reads back the stored one with it (the demo's statement kept).
    await openEcrRepository("team-a/web-app");
    await session.run("[...document.querySelectorAll('.header-action')].find((b) => b.textContent === 'Permissions…').click()");
    await waitFor("the stored statement", () => session.find('.policy-editor [aria-label="PullFromProduction"]'), 20_000);
    await session.run("[...document.querySelectorAll('.policy-editor button')].find((b) => b.textContent === 'Pull for Lambda').click()");
    await waitFor("the check", () => session.run("return /^No problems found/.test(document.querySelector('.policy-editor [role=status]')?.textContent ?? '')"), 20_000);
    await session.screenshot("demo-policy.png");
    await session.run("[...document.querySelectorAll('.policy-editor .dialog-actions button')].find((b) => b.textContent === 'Save policy').click()");
    await waitFor("policy saved", () => session.run("return /^Saved/.test(document.querySelector('.policy-editor .notice')?.textContent ?? '')"), 20_000);
    const policy = JSON.parse(ecrCli("policy", "get", "team-a/web-app"));
    assert.deepEqual(policy.Statement.map((st) => st.Sid), ["PullFromProduction", "LambdaECRImageRetrievalPolicy"]);
    assert.deepEqual(policy.Statement[1].Principal, { Service: "lambda.amazonaws.com" });
    await session.run("[...document.querySelectorAll('.policy-editor button')].find((b) => b.textContent === 'Close').click()");

    // The registry's own settings: a replication rule typed in the window, saved after the native
    // yes, and read back by the CLI.
    await session.run("[...document.querySelectorAll('.header-action')].find((b) => b.textContent === 'Registry…').click()");
    await waitFor("the replication view", () => session.run("return document.body.textContent.includes('No replication: images stay in this region.')"), 20_000);
    await session.run("[...document.querySelectorAll('.registry-settings button')].find((b) => b.textContent === '+ Replication rule').click()");
    await session.type('[aria-label="Rule 1 destination 1 region"]', "eu-west-1");
    await session.type('[aria-label="Rule 1 repository prefixes"]', "team-a/");
    await session.screenshot("demo-ecr-replication.png");
    await session.run("[...document.querySelectorAll('.registry-settings button')].find((b) => b.textContent === 'Save replication…').click()");
    await questions.answer("^Change the registry's replication\\?$", true);
    await waitFor("replication saved", () => session.run("return /^Saved\\./.test(document.querySelector('.replication .notice')?.textContent ?? '')"), 20_000);
    const replication = JSON.parse(ecrCli("--json", "replication", "get"));
    assert.equal(replication.rules.length, 1);
    assert.deepEqual(replication.rules[0].filters, ["team-a/"]);
    assert.equal(replication.rules[0].destinations[0].region, "eu-west-1");
    assert.match(replication.rules[0].destinations[0].registry_id, /^\d{12}$/, "this account by default");
    await session.run("[...document.querySelectorAll('.registry-settings button')].find((b) => b.textContent === 'Close').click()");

    // A local archive, no registry involved: opened by path, its image and its files.
    const archive = join(home, "local.tar");
    execFileSync("python3", [join(repoRoot, "bench", "gen_archive.py"), archive, "--layers", "2", "--mib", "0.2", "--files", "3"]);
    await session.run("[...document.querySelectorAll('.group-action')].find((b) => b.textContent === 'Open…').click()");
    await waitFor("the open dialog", () => session.find('[role="dialog"] input'), 10_000);
    await session.type('[role="dialog"] input', archive);
    await session.click('[role="dialog"] button[type="submit"]');
    await waitFor("the archive's image", () => session.find('[role="option"]'), 20_000);
    await session.click('[role="option"]');
    await waitFor("its detail", () => session.find(".facts"), 20_000);
    await session.run("[...document.querySelectorAll('[role=tab]')].find((t) => t.textContent === 'Files').click()");
    // gen_archive.py writes the same three paths in each layer: the second layer hides the first's.
    const localSummary = await waitFor(
      "its files",
      async () => {
        const text = await session.run("return document.querySelector('[data-testid=wasted-summary]')?.textContent ?? ''");
        return text.startsWith("Reading") || !text ? null : text;
      },
      20_000,
    );
    assert.match(localSummary, /^Wasted: .* in 3 files that later layers overwrite or delete\.$/);
    assert.ok((await session.run("return document.querySelectorAll('table.files tr.file').length")) > 0);
    await session.screenshot("demo-local.png");

    // Push it into the demo registry from the window; the registry then has the tag.
    await session.run("[...document.querySelectorAll('.header-action')].find((b) => b.textContent === 'Push…').click()");
    await waitFor("the push sheet", () => session.find('[aria-label="Push image"] select'), 10_000);
    await session.run(
      "const s = document.querySelector('[aria-label=\"Push image\"] select'); s.value = [...s.options].find((o) => o.text === 'Demo registry').value; s.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    await session.clear('[aria-label="Push image"] input');
    await session.type('[aria-label="Push image"] input', "dropped/local");
    await session.click('[aria-label="Push image"] button[type="submit"]');
    await transferResult("the push", /^Pushed dropped\/local:latest as sha256:/);
    // The app went to the repository and selected the new image.
    const selected = await waitFor("the pushed image selected", () => session.run("return document.querySelector('.image-row.selected')?.textContent ?? null"), 30_000);
    assert.match(selected, /latest/);
    await session.screenshot("demo-pushed.png");
    assert.deepEqual(lading("tags", `${served.registry}/dropped/local`), ["latest"]);

    // The archive exported earlier goes back in as it came out.
    await session.run("[...document.querySelectorAll('.group-action')].find((b) => b.textContent === 'Open…').click()");
    await waitFor("the open dialog", () => session.find('[role="dialog"] input'), 10_000);
    await session.type('[role="dialog"] input', exportedArchive);
    await session.click('[role="dialog"] button[type="submit"]');
    await waitFor("the exported image", () => session.find('[role="option"]'), 20_000);
    await session.click('[role="option"]');
    await session.run("[...document.querySelectorAll('.header-action')].find((b) => b.textContent === 'Push…').click()");
    await waitFor("the push sheet", () => session.find('[aria-label="Push image"] select'), 10_000);
    await session.run(
      "const s = document.querySelector('[aria-label=\"Push image\"] select'); s.value = [...s.options].find((o) => o.text === 'Demo registry').value; s.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    await session.clear('[aria-label="Push image"] input');
    await session.type('[aria-label="Push image"] input', "reexported/web-app");
    await session.click('[aria-label="Push image"] button[type="submit"]');
    await transferResult("the re-push", /^Pushed reexported\/web-app:1\.0\.0 as sha256:/);
    assert.deepEqual(lading("tags", `${served.registry}/reexported/web-app`), ["1.0.0"]);
  } catch (e) {
    await session?.explain("demo-failure.png");
    throw e;
  } finally {
    await session?.close();
    demo.stdin.end();
    driver.kill("SIGTERM");
    await sleep(300);
    driver.kill("SIGKILL");
    stopX(xvfb);
  }
});

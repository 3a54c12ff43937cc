// The policy editors in Chromium with mocked IPC. Lifecycle: rules as sentences, a rule added
// visually showing up in the JSON, pasted JSON becoming cards, the dry run table for a fixed
// image set. Repository policy: a statement built from a template and chips, the JSON it makes,
// pasted JSON becoming cards, risks and the diff. Screenshots in test-output/screenshots/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { appCsp, serveDist } from "../support/static-server.mjs";
import { CHROMIUM_FLAGS, openShell, repoRoot, shots, uiDir } from "../support/browser.mjs";
import { violations } from "../support/a11y.mjs";

// A fixed image set; the mock "evaluates" only what the test needs: keep the N newest release-*.
const mock = `{
  app_info: () => ({ name: "lading-app", version: "0.1.0", os: "linux", arch: "x86_64" }),
  list_local: () => [],
  list_registries: () => ({
    registries: [{ id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr", address: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      auth: "aws", username: null, insecure: false, profile: "dev", region: "eu-west-1", account: "123456789012" }],
    docker_logins: [], notice: null,
  }),
  check_registry: () => ({ state: "connected", reason: null, action: null }),
  list_repositories: () => ({ repositories: [{ name: "team-a/web-app", uri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team-a/web-app" }], catalog_unreadable: null }),
  stream_images: ({ onEvent }) => {
    onEvent.onmessage({ event: "done", images: 0, failed: 0, cached: false, elapsed_ms: 1 });
    return null;
  },
  lifecycle_policy: () => JSON.stringify({ rules: [
    { rulePriority: 1, description: "Keep the newest releases", selection: { tagStatus: "tagged", tagPatternList: ["release-*"], countType: "imageCountMoreThan", countNumber: 3 }, action: { type: "expire" } },
  ] }, null, 2),
  lifecycle_dry_run: ({ text, protected: keep }) => {
    const day = 86400, now = Date.now() / 1000;
    const rules = JSON.parse(text).rules;
    const n = rules[0]?.selection.countNumber ?? 99;
    const untaggedRule = rules.find((r) => r.selection.tagStatus === "untagged");
    const images = [];
    for (let i = 1; i <= 6; i++) images.push({ digest: "sha256:" + String(i).repeat(64), tags: ["release-1." + i], size: 120_000_000 + i * 1_000_000, pushed_at: now - (7 - i) * 7 * day, last_pulled_at: i > 4 ? now - day : null });
    images.push({ digest: "sha256:" + "a".repeat(64), tags: ["latest", "release-1.6x"], size: 126_000_000, pushed_at: now - 3600, last_pulled_at: now - 60 });
    images.push({ digest: "sha256:" + "b".repeat(64), tags: [], size: 118_000_000, pushed_at: now - 30 * day, last_pulled_at: null });
    images.push({ digest: "sha256:" + "c".repeat(64), tags: [], size: 119_000_000, pushed_at: now - 2 * day, last_pulled_at: null });
    const newestFirst = images.filter((im) => im.tags.some((t) => t.startsWith("release-"))).sort((a, b) => b.pushed_at - a.pushed_at);
    const verdicts = images.map((im) => {
      const rank = newestFirst.indexOf(im);
      if (rank >= n) return { ...im, action: "expire", rule_priority: 1 };
      if (rank >= 0) return { ...im, action: "keep", rule_priority: 1 };
      if (untaggedRule && im.tags.length === 0 && now - im.pushed_at > untaggedRule.selection.countNumber * day)
        return { ...im, action: "expire", rule_priority: untaggedRule.rulePriority };
      return { ...im, action: "keep", rule_priority: untaggedRule && im.tags.length === 0 ? untaggedRule.rulePriority : null };
    });
    const going = verdicts.filter((v) => v.action === "expire");
    const warnings = going.flatMap((v) => v.tags.filter((t) => keep.some((k) => k === t || (k.endsWith("*") && t.startsWith(k.slice(0, -1)))))
      .map((t) => t + " (" + v.digest.slice(7, 19) + ") matches a protected pattern and would expire by rule " + v.rule_priority));
    return { issues: [], verdicts, expiring: going.length, transitioning: 0, kept: verdicts.length - going.length,
      bytes_reclaimed: going.reduce((s, v) => s + v.size, 0), warnings, images_read_at: now, now };
  },
  repository_policy: () => JSON.stringify({ Version: "2012-10-17", Statement: [
    { Sid: "PullFromProduction", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" },
      Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"] },
  ] }),
  // The backend's checks, reduced to what the test shows: public access and wildcards.
  check_repository_policy: ({ text }) => {
    const doc = JSON.parse(text);
    const lints = [];
    doc.Statement.forEach((s, i) => {
      const name = "Statement " + (i + 1) + (s.Sid ? " (" + s.Sid + ")" : "");
      const who = s.Principal === "*" ? ["*"] : [].concat(s.Principal?.AWS ?? []);
      if (s.Effect === "Allow" && who.includes("*") && !s.Condition)
        lints.push({ statement: i, severity: "danger", message: name + " is public: anyone with an AWS account can pull from this repository." });
      if ([].concat(s.Action ?? []).includes("ecr:*"))
        lints.push({ statement: i, severity: "warning", message: name + " allows ecr:*: every ECR action, deleting images and the repository included. Name the actions instead." });
    });
    return { issues: [], lints };
  },
  lifecycle_server_preview: () => ({ available: false, message: "ECR's own preview is not available here: this endpoint has no lifecycle preview", acting: [], disagreements: [] }),
}`;

test("lifecycle editor: sentences, a rule added visually, JSON pasted, the dry run", { timeout: 60_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    for (const scheme of ["light", "dark"]) {
      const { context, page, problems } = await openShell(browser, server, scheme, mock);
      await page.getByRole("button", { name: /dev · eu-west-1/ }).click();
      await page.getByRole("treeitem", { name: "web-app" }).click();
      await page.getByRole("button", { name: "Lifecycle…" }).click();
      const editor = page.getByRole("dialog", { name: "Lifecycle policy" });
      await editor.getByRole("listitem", { name: "Rule 1: Keep the 3 newest images tagged release-*; expire the rest" }).waitFor();
      await editor.getByTestId("dry-run-totals").filter({ hasText: "4 of 9 images expire" }).waitFor();

      // Add a rule visually: it reads as a sentence, and the JSON has it.
      await editor.getByRole("button", { name: "Expire untagged images" }).click();
      await editor.getByRole("listitem", { name: "Rule 2: Expire untagged images pushed more than 14 days ago" }).waitFor();
      await editor.getByTestId("dry-run-totals").filter({ hasText: "5 of 9 images expire" }).waitFor();
      await editor.getByRole("textbox", { name: /^Warn when an image/ }).fill("latest release-1.2");
      await editor.getByRole("alert", { name: "Warnings" }).waitFor();
      await editor.getByRole("button", { name: "Compare with ECR's own preview" }).click();
      await editor.getByText(/^ECR's own preview is not available here/).waitFor();
      await page.screenshot({ path: join(shots, `lifecycle-rules-${scheme}.png`) });
      assert.deepEqual(await violations(page), [], "lifecycle-rules ${scheme}");
      // Dragging rule 2 above rule 1 swaps their priorities.
      await editor.locator(".rule-card").nth(1).locator(".drag-handle").dragTo(editor.locator(".rule-card").nth(0));
      await editor.getByRole("listitem", { name: "Rule 1: Expire untagged images pushed more than 14 days ago" }).waitFor();
      await editor.getByRole("listitem", { name: /^Rule 2: Keep the 3 newest/ }).waitFor();
      await editor.getByRole("tab", { name: "JSON" }).click();
      const json = JSON.parse(await editor.getByRole("textbox", { name: "Policy JSON" }).inputValue());
      assert.deepEqual(json.rules[0], {
        rulePriority: 1, description: "Expire untagged images",
        selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" },
      });

      // Paste JSON: the cards follow.
      await editor.getByRole("textbox", { name: "Policy JSON" }).fill(JSON.stringify({ rules: [
        { rulePriority: 1, selection: { tagStatus: "tagged", tagPatternList: ["release-*"], countType: "imageCountMoreThan", countNumber: 5 }, action: { type: "expire" } },
      ] }, null, 2));
      await editor.getByTestId("dry-run-totals").filter({ hasText: "2 of 9 images expire" }).waitFor();
      await page.screenshot({ path: join(shots, `lifecycle-json-${scheme}.png`) });
      assert.deepEqual(await violations(page), [], "lifecycle-json ${scheme}");
      await editor.getByRole("tab", { name: "Rules" }).click();
      await editor.getByRole("listitem", { name: "Rule 1: Keep the 5 newest images tagged release-*; expire the rest" }).waitFor();
      assert.equal(await editor.getByRole("listitem").filter({ hasText: /^⠿/ }).count(), 1);
      assert.deepEqual(problems, []);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test("repository policy editor: template, chips, JSON both ways, risks and the diff", { timeout: 60_000 }, async () => {
  mkdirSync(shots, { recursive: true });
  const server = await serveDist(join(uiDir, "dist"), appCsp(repoRoot));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  try {
    for (const scheme of ["light", "dark"]) {
      const { context, page, problems } = await openShell(browser, server, scheme, mock);
      await page.getByRole("button", { name: /dev · eu-west-1/ }).click();
      await page.getByRole("treeitem", { name: "web-app" }).click();
      await page.getByRole("button", { name: "Permissions…" }).click();
      const editor = page.getByRole("dialog", { name: "Repository policy" });
      const stored = editor.getByRole("listitem", { name: "PullFromProduction" });
      await stored.waitFor();
      assert.equal(await stored.getByRole("checkbox", { name: /^Pull/ }).isChecked(), true);
      await editor.getByText("No problems found: no public access, no lock-out, no wildcard actions.").waitFor();

      // A CI role from the template; a principal added as a chip; Delete ticked.
      await editor.getByRole("button", { name: "Push + pull for a CI role…" }).click();
      await editor.getByRole("textbox", { name: "The CI role's ARN" }).fill("arn:aws:iam::123456789012:role/ci-builds");
      await editor.getByRole("button", { name: "Add statement" }).click();
      const ci = editor.getByRole("listitem", { name: "AllowPushPullForCI" });
      await ci.getByRole("textbox", { name: "AllowPushPullForCI: add a principal" }).fill("444455556666");
      await ci.getByRole("textbox", { name: "AllowPushPullForCI: add a principal" }).press("Enter");
      await ci.getByText("444455556666").waitFor();
      assert.equal(await ci.getByRole("checkbox", { name: /^Push/ }).isChecked(), true);
      // Everyone may pull: flagged as public, in plain words.
      await stored.getByRole("textbox", { name: "PullFromProduction: add a principal" }).fill("*");
      await stored.getByRole("textbox", { name: "PullFromProduction: add a principal" }).press("Enter");
      await editor.getByRole("list", { name: "Risks" }).getByText(/is public: anyone with an AWS account/).waitFor();
      await editor.getByRole("button", { name: "Save policy…" }).waitFor();
      const diff = await editor.getByLabel("Changes", { exact: true }).innerText();
      assert.match(diff, /\+\s+"Sid": "AllowPushPullForCI"/);
      await page.screenshot({ path: join(shots, `policy-visual-${scheme}.png`) });
      assert.deepEqual(await violations(page), [], "policy-visual ${scheme}");

      await editor.getByRole("tab", { name: "JSON" }).click();
      const json = JSON.parse(await editor.getByRole("textbox", { name: "Policy JSON" }).inputValue());
      assert.deepEqual(json.Statement[1].Principal, { AWS: ["arn:aws:iam::123456789012:role/ci-builds", "444455556666"] });
      assert.equal(json.Statement[1].Action.length, 7);
      // Pasted JSON, with a field the cards do not know: cards follow, the field survives.
      await editor.getByRole("textbox", { name: "Policy JSON" }).fill(JSON.stringify({ Version: "2012-10-17", Id: "team-a", Statement: [
        { Sid: "Lambda", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          Condition: { StringLike: { "aws:sourceArn": "arn:aws:lambda:eu-west-1:123456789012:function:*" } } },
        { Sid: "Admins", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/admin" }, Action: "ecr:*", Resource: "*" },
      ] }, null, 2));
      await editor.getByRole("tab", { name: "Statements" }).click();
      await editor.getByRole("listitem", { name: "Lambda" }).getByText("lambda.amazonaws.com").waitFor();
      await editor.getByRole("listitem", { name: "Admins" }).getByText(/Also Resource/).waitFor();
      await editor.getByRole("list", { name: "Risks" }).getByText(/allows ecr:\*/).waitFor();
      await page.screenshot({ path: join(shots, `policy-pasted-${scheme}.png`) });
      assert.deepEqual(await violations(page), [], "policy-pasted ${scheme}");
      await editor.getByRole("tab", { name: "JSON" }).click();
      assert.equal(JSON.parse(await editor.getByRole("textbox", { name: "Policy JSON" }).inputValue()).Id, "team-a");
      // The stored policy pasted back on one line, one account changed: the diff is that line only.
      await editor.getByRole("textbox", { name: "Policy JSON" }).fill(JSON.stringify({ Version: "2012-10-17", Statement: [
        { Sid: "PullFromProduction", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" },
          Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"] },
      ] }));
      await page.waitForFunction(() => document.querySelector(".policy-diff")?.textContent.includes("444455556666"));
      const changedLines = await page.evaluate(() =>
        [...document.querySelectorAll(".policy-diff .diff-line.added, .policy-diff .diff-line.removed")].map((l) => l.textContent.replace(/\s+/g, " ").trim()),
      );
      assert.deepEqual(changedLines, ['- "AWS": "arn:aws:iam::111122223333:root"', '+ "AWS": "arn:aws:iam::444455556666:root"']);
      assert.deepEqual(problems, []);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { LifecycleEditor } from "../../src/components/LifecycleEditor";
import type { LifecycleDryRun, RegistryView } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const ecr = { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr" } as unknown as RegistryView;
const stored = JSON.stringify({
  rules: [
    { rulePriority: 1, description: "releases", selection: { tagStatus: "tagged", tagPatternList: ["release-*"], countType: "imageCountMoreThan", countNumber: 2 }, action: { type: "expire" } },
    { rulePriority: 2, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } },
  ],
}, null, 2);
const now = 1_790_000_000;
const verdict = (digest: string, tags: string[], action: string, rule: number | null, size = 1000) => ({
  digest: "sha256:" + digest.repeat(64), tags, size, pushed_at: now - 86400, last_pulled_at: null, action, rule_priority: rule, archived: false, archived_at: null,
});

function backend() {
  const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
  mockIPC((cmd, raw) => {
    const args = raw as Record<string, unknown>;
    calls.push({ cmd, args });
    if (cmd === "lifecycle_policy") return stored;
    if (cmd === "lifecycle_dry_run") {
      const rules = JSON.parse(args.text as string).rules as Array<{ selection: { countNumber: number } }>;
      if (rules.some((r) => r.selection.countNumber < 1))
        return { issues: [{ path: `rules[${rules.findIndex((r) => r.selection.countNumber < 1)}].selection.countNumber`, message: "must be a whole number greater than 0" }],
          verdicts: [], expiring: 0, transitioning: 0, kept: 0, bytes_reclaimed: 0, warnings: [], images_read_at: now, now } satisfies LifecycleDryRun;
      const keep = rules[0]!.selection.countNumber;
      const releases = [1, 2, 3].map((n) => verdict(String(n), [`release-${n}`], n <= keep ? "keep" : "expire", 1, 1_000_000));
      const result: LifecycleDryRun = {
        issues: [], verdicts: [...releases, verdict("9", [], "keep", null)], expiring: releases.filter((r) => r.action === "expire").length,
        transitioning: 0, kept: 4 - releases.filter((r) => r.action === "expire").length,
        bytes_reclaimed: releases.filter((r) => r.action === "expire").length * 1_000_000,
        warnings: (args.protected as string[]).includes("release-*") && keep < 3 ? ["release-3 (333333333333) matches the protected pattern release-* and would expire by rule 1"] : [],
        images_read_at: now, now,
      };
      return result;
    }
    if (cmd === "save_lifecycle_policy") return null;
    if (cmd === "lifecycle_server_preview") return { available: false, message: "ECR's own preview is not available here: unsupported", acting: [], disagreements: [] };
    throw new Error(`unexpected ${cmd}`);
  });
  return calls;
}

describe("the lifecycle editor", () => {
  it("opens on no policy with a hint, not an error, and dry-runs once a rule is added", async () => {
    const calls: string[] = [];
    mockIPC((cmd, raw) => {
      calls.push(cmd);
      if (cmd === "lifecycle_policy") return null;
      if (cmd === "lifecycle_dry_run") {
        const args = raw as { text: string };
        expect(JSON.parse(args.text).rules.length).toBeGreaterThan(0);
        return { issues: [], verdicts: [verdict("1", [], "expire", 1)], expiring: 1, transitioning: 0, kept: 0, bytes_reclaimed: 1000, warnings: [], images_read_at: now, now };
      }
      if (cmd === "lifecycle_server_preview") return { available: false, message: "ECR's own preview is not available here: unsupported", acting: [], disagreements: [] };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<LifecycleEditor registry={ecr} repository="team/web" onClose={() => {}} />);
    expect(await screen.findByText(/No rules yet: add one on the left/)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 400));
    expect(screen.queryByRole("alert")).toBeNull();
    expect(calls).not.toContain("lifecycle_dry_run");
    expect(screen.getByRole("heading", { name: "Dry run on the images in team/web" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Expire untagged images" }));
    expect(await screen.findByRole("heading", { name: "Dry run on the 1 image in team/web now" })).toBeTruthy();
  });

  it("shows the stored rules as sentences and the dry run; edits follow into the JSON and the dry run", async () => {
    const calls = backend();
    render(<LifecycleEditor registry={ecr} repository="team/web" onClose={() => {}} />);
    const rules = await screen.findByRole("region", { name: "Rules" });
    await within(rules).findByRole("listitem", { name: "Rule 1: Keep the 2 newest images tagged release-*; expire the rest" });
    expect(within(rules).getByRole("listitem", { name: "Rule 2: Expire untagged images pushed more than 14 days ago" })).toBeTruthy();
    const totals = await screen.findByTestId("dry-run-totals");
    expect(totals.textContent).toBe("1 of 4 images expire (976.6 KiB reclaimed); 3 kept");
    const dryRun = screen.getByRole("region", { name: "Dry run" });
    expect(within(dryRun).getByText("expires — rule 1")).toBeTruthy();
    expect(within(dryRun).getAllByText("kept by rule 1")).toHaveLength(2);
    expect(within(dryRun).getByText("kept — no rule selects it")).toBeTruthy();
    // Stored and unchanged: nothing to save.
    expect((screen.getByRole("button", { name: "Save policy" }) as HTMLButtonElement).disabled).toBe(true);

    // Keep one: the JSON follows, the dry run runs again.
    fireEvent.change(within(rules).getAllByRole("spinbutton", { name: "How many to keep" })[0]!, { target: { value: "1" } });
    await waitFor(() => expect(screen.getByTestId("dry-run-totals").textContent).toBe("2 of 4 images expire (1.91 MiB reclaimed); 2 kept"));
    expect(JSON.parse(calls.filter((c) => c.cmd === "lifecycle_dry_run").pop()!.args.text as string).rules[0].selection.countNumber).toBe(1);
    fireEvent.click(screen.getByRole("tab", { name: "JSON" }));
    expect(JSON.parse((screen.getByRole("textbox", { name: "Policy JSON" }) as HTMLTextAreaElement).value).rules[0].selection.countNumber).toBe(1);

    // Protected tags: a release that would go is named.
    fireEvent.change(screen.getByRole("textbox", { name: /^Warn when an image with these tags/ }), { target: { value: "latest release-*" } });
    expect((await screen.findByRole("alert", { name: "Warnings" })).textContent).toContain("release-3 (333333333333) matches the protected pattern release-*");

    // Save: the dry run of this exact text is on screen.
    const save = screen.getByRole("button", { name: "Save policy" }) as HTMLButtonElement;
    await waitFor(() => expect(save.disabled).toBe(false));
    fireEvent.click(save);
    expect((await screen.findByText(/^Saved\./)).textContent).toContain("within 24 hours");
    const saved = calls.find((c) => c.cmd === "save_lifecycle_policy")!.args;
    expect(saved).toMatchObject({ id: ecr.id, repository: "team/web" });
    expect(JSON.parse(saved.text as string).rules[0].selection.countNumber).toBe(1);
  });

  it("turns a rule to archived images with the storage class control", async () => {
    const calls = backend();
    render(<LifecycleEditor registry={ecr} repository="team/web" onClose={() => {}} />);
    const rules = await screen.findByRole("region", { name: "Rules" });
    const second = await within(rules).findByRole("listitem", { name: /^Rule 2:/ });
    fireEvent.change(within(second).getByRole("combobox", { name: "Storage class" }), { target: { value: "archive" } });
    await within(rules).findByRole("listitem", { name: "Rule 2: Expire archived untagged images archived more than 90 days ago" });
    await waitFor(() =>
      expect(JSON.parse(calls.filter((c) => c.cmd === "lifecycle_dry_run").pop()!.args.text as string).rules[1]).toEqual({
        rulePriority: 2,
        selection: { tagStatus: "untagged", storageClass: "archive", countType: "sinceImageTransitioned", countUnit: "days", countNumber: 90 },
        action: { type: "expire" },
      }),
    );
    fireEvent.click(within(rules).getByRole("button", { name: "Archive unpulled" }));
    await within(rules).findByRole("listitem", { name: /^Rule 3: Archive images with any tag or none not pulled for more than 90 days/ });
  });

  it("keeps the cards and the JSON in sync both ways, and locates errors", async () => {
    backend();
    render(<LifecycleEditor registry={ecr} repository="team/web" onClose={() => {}} />);
    await screen.findByTestId("dry-run-totals");
    fireEvent.click(screen.getByRole("tab", { name: "JSON" }));
    const json = screen.getByRole("textbox", { name: "Policy JSON" }) as HTMLTextAreaElement;
    // Pasted JSON becomes cards.
    fireEvent.change(json, {
      target: { value: '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":3},"action":{"type":"expire"}}]}' },
    });
    fireEvent.click(screen.getByRole("tab", { name: "Rules" }));
    expect(screen.getByRole("listitem", { name: "Rule 1: Keep the 3 newest images with any tag or none; expire the rest" })).toBeTruthy();
    // Broken JSON: located, with the cards showing the last valid version.
    fireEvent.click(screen.getByRole("tab", { name: "JSON" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Policy JSON" }), { target: { value: '{"rules":[\n  {"rulePriority": 1,,}]}' } });
    expect(screen.getByRole("alert").textContent).toMatch(/^Line 2, column 22: expected a "key" but found ","/);
    fireEvent.click(screen.getByRole("button", { name: "Go to error" }));
    const area = screen.getByRole("textbox", { name: "Policy JSON" }) as HTMLTextAreaElement;
    expect(area.selectionStart).toBe(32);
    expect((screen.getByRole("button", { name: "Save policy" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("tab", { name: "Rules" }));
    expect(screen.getByRole("alert").textContent).toContain("the rules show its last valid version");
  });

  it("shows a field's problem at the field, reorders by priority, and reports ECR's preview as unavailable", async () => {
    backend();
    render(<LifecycleEditor registry={ecr} repository="team/web" onClose={() => {}} />);
    const rules = await screen.findByRole("region", { name: "Rules" });
    await screen.findByTestId("dry-run-totals");
    fireEvent.click(screen.getByRole("button", { name: "Move rule 1 down" }));
    expect(within(rules).getAllByRole("listitem").map((li) => li.getAttribute("aria-label")?.slice(0, 7))).toEqual(["Rule 1:", "Rule 2:"]);
    expect(within(rules).getAllByRole("listitem")[0]!.getAttribute("aria-label")).toContain("untagged");
    // Alt+↑ moves it back.
    fireEvent.keyDown(within(rules).getAllByRole("listitem")[1]!, { key: "ArrowUp", altKey: true });
    expect(within(rules).getAllByRole("listitem")[0]!.getAttribute("aria-label")).toContain("release-*");

    fireEvent.change(within(rules).getAllByRole("spinbutton", { name: "How many to keep" })[0]!, { target: { value: "0" } });
    const card = within(rules).getAllByRole("listitem")[0]!;
    expect((await within(card).findByText("countNumber: must be a whole number greater than 0")).className).toContain("field-issue");
    expect(within(card).getByRole("spinbutton", { name: "How many to keep" }).getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText(/^Fix the problem on the left/)).toBeTruthy();
    fireEvent.change(within(card).getByRole("spinbutton", { name: "How many to keep" }), { target: { value: "2" } });
    fireEvent.click(await screen.findByRole("button", { name: "Compare with ECR's own preview" }));
    expect((await screen.findByText(/^ECR's own preview is not available here/)).textContent).toContain("unsupported");
  });

  it("flags the images on which ECR's own preview disagrees", async () => {
    mockIPC((cmd) => {
      if (cmd === "lifecycle_policy") return stored;
      if (cmd === "lifecycle_dry_run")
        return { issues: [], verdicts: [verdict("1", ["release-1"], "keep", 1), verdict("2", ["release-2"], "expire", 1)], expiring: 1, transitioning: 0,
          kept: 1, bytes_reclaimed: 1000, warnings: [], images_read_at: now, now } satisfies LifecycleDryRun;
      if (cmd === "lifecycle_server_preview")
        return { available: true, message: "ECR's own preview disagrees on 1 images", acting: ["sha256:" + "2".repeat(64), "sha256:" + "1".repeat(64)],
          disagreements: ["sha256:" + "1".repeat(64)] };
      throw new Error(`unexpected ${cmd}`);
    });
    render(<LifecycleEditor registry={ecr} repository="team/web" onClose={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "Compare with ECR's own preview" }));
    expect((await screen.findByText("ECR's own preview disagrees on 1 images")).className).toContain("form-error");
    const flagged = screen.getByText(/ECR disagrees/).closest("tr")!;
    expect(flagged.className).toContain("disagreement");
    expect(flagged.textContent).toContain("release-1");
  });

  it("asks before closing with changes that are not saved", async () => {
    backend();
    let closed = 0;
    render(<LifecycleEditor registry={ecr} repository="team/web" onClose={() => closed++} />);
    const rules = await screen.findByRole("region", { name: "Rules" });
    await screen.findByTestId("dry-run-totals");
    fireEvent.keyDown(window, { key: "Escape" });
    expect(closed).toBe(1);
    fireEvent.click(within(rules).getByRole("button", { name: "Remove rule 2" }));
    fireEvent.keyDown(window, { key: "Escape" });
    const question = await screen.findByRole("alertdialog");
    expect(question.textContent).toContain("Discard your changes?");
    fireEvent.click(within(question).getByRole("button", { name: "Keep editing" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(closed).toBe(1);
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Discard" }));
    expect(closed).toBe(2);
  });
});

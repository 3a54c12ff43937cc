import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { RegistrySettingsDialog } from "../../src/components/RegistrySettings";
import type { CreationTemplateView, PullThroughRuleView, RegistryView, ReplicationView } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const ecr = { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr", account: "123456789012", region: "eu-west-1" } as unknown as RegistryView;

function backend() {
  const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
  let replication: ReplicationView = { rules: [] };
  let rules: PullThroughRuleView[] = [{ prefix: "ecr-public", upstream_url: "public.ecr.aws", credential_arn: null, upstream: "ecr-public", created_at: null }];
  let templates: CreationTemplateView[] = [];
  let policy: string | null = null;
  mockIPC((cmd, raw) => {
    const args = raw as Record<string, unknown>;
    calls.push({ cmd, args });
    switch (cmd) {
      case "replication":
        return replication;
      case "set_replication": {
        const wanted = args.replication as ReplicationView;
        if (wanted.rules.some((r) => r.destinations.some((d) => !/^[a-z]{2}-[a-z]+-\d$/.test(d.region))))
          throw { code: "invalid_input", message: 'rule 1, destination 1: "europe" is not an AWS region (e.g. eu-west-1); rule 1, filter "A": may hold only lowercase letters, digits, . _ - and /' };
        replication = wanted;
        return replication;
      }
      case "pull_through_rules":
        return rules;
      case "create_pull_through_rule": {
        const rule = { ...(args.rule as PullThroughRuleView), upstream: "quay", created_at: 1 };
        rules = [...rules, rule];
        return rule;
      }
      case "delete_pull_through_rule":
        rules = rules.filter((r) => r.prefix !== args.prefix);
        return null;
      case "creation_templates":
        return templates;
      case "create_creation_template":
        templates = [...templates, args.template as CreationTemplateView];
        return null;
      case "delete_creation_template":
        throw { code: "declined", message: "not confirmed; nothing was changed" };
      case "registry_policy":
        return policy;
      case "check_repository_policy":
        return { issues: [], lints: [] };
      case "save_registry_policy":
        policy = args.text as string;
        return null;
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return calls;
}

describe("an ECR registry's settings", () => {
  it("edits replication: the backend's problems are listed, a good one is saved as typed", async () => {
    const calls = backend();
    render(<RegistrySettingsDialog registry={ecr} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog", { name: "Registry settings" });
    expect(await within(dialog).findByText("No replication: images stay in this region.")).toBeTruthy();
    const save = within(dialog).getByRole("button", { name: "Save replication…" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.click(within(dialog).getByRole("button", { name: "+ Replication rule" }));
    // A new destination starts in this account.
    expect((within(dialog).getByRole("textbox", { name: "Rule 1 destination 1 account" }) as HTMLInputElement).value).toBe("123456789012");
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Rule 1 destination 1 region" }), { target: { value: "europe" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Rule 1 repository prefixes" }), { target: { value: "A" } });
    // Closing with an edit not saved asks first; Keep editing keeps it.
    fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    fireEvent.click(await screen.findByRole("button", { name: "Keep editing" }));
    expect((within(dialog).getByRole("textbox", { name: "Rule 1 destination 1 region" }) as HTMLInputElement).value).toBe("europe");
    fireEvent.click(save);
    const problems = await within(dialog).findByRole("list", { name: "Problems" });
    expect(within(problems).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      'rule 1, destination 1: "europe" is not an AWS region (e.g. eu-west-1)',
      'rule 1, filter "A": may hold only lowercase letters, digits, . _ - and /',
    ]);
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Rule 1 destination 1 region" }), { target: { value: "eu-central-1" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Rule 1 repository prefixes" }), { target: { value: "team-a/  team-b/" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "+ Destination" }));
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Rule 1 destination 2 region" }), { target: { value: "us-east-1" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Rule 1 destination 2 account" }), { target: { value: "444455556666" } });
    fireEvent.click(save);
    expect(await within(dialog).findByText(/^Saved\. Images pushed from now on/)).toBeTruthy();
    expect(calls.filter((c) => c.cmd === "set_replication").pop()!.args.replication).toEqual({
      rules: [{ destinations: [{ region: "eu-central-1", registry_id: "123456789012" }, { region: "us-east-1", registry_id: "444455556666" }], filters: ["team-a/", "team-b/"] }],
    });
    await waitFor(() => expect(save.disabled).toBe(true));
  });

  it("lists, creates and deletes pull-through rules and templates; a declined delete changes nothing", async () => {
    const calls = backend();
    render(<RegistrySettingsDialog registry={ecr} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog", { name: "Registry settings" });
    const tab = within(dialog).getByRole("tab", { name: "Pull-through cache" });
    tab.focus();
    // The views move with the arrow keys.
    fireEvent.keyDown(within(dialog).getByRole("tab", { name: "Replication" }), { key: "ArrowRight" });
    const table = await within(dialog).findByRole("table", { name: "Pull-through cache rules" });
    expect(within(table).getByText("public.ecr.aws")).toBeTruthy();
    const form = within(dialog).getByRole("form", { name: "New pull-through cache rule" });
    fireEvent.change(within(form).getByRole("combobox", { name: "Upstream registry" }), { target: { value: "registry-1.docker.io" } });
    expect(within(form).getByText(/needed for this upstream/)).toBeTruthy();
    fireEvent.change(within(form).getByRole("combobox", { name: "Upstream registry" }), { target: { value: "quay.io" } });
    fireEvent.change(within(form).getByRole("textbox", { name: "Prefix" }), { target: { value: "quay" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create rule" }));
    expect(await within(dialog).findByText("Created: pulls of quay/… now fetch from quay.io.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "create_pull_through_rule")!.args.rule).toEqual({ prefix: "quay", upstream_url: "quay.io", credential_arn: null, upstream: null, created_at: null });
    await within(dialog).findByText("quay");
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete the pull-through rule ecr-public" }));
    expect(await within(dialog).findByText("Deleted the rule ecr-public.")).toBeTruthy();
    await waitFor(() => expect(within(dialog).queryByText("public.ecr.aws")).toBeNull());

    fireEvent.click(within(dialog).getByRole("tab", { name: "Creation templates" }));
    expect(await within(dialog).findByText(/^No creation template/)).toBeTruthy();
    const templateForm = within(dialog).getByRole("form", { name: "New creation template" });
    fireEvent.change(within(templateForm).getByRole("textbox", { name: "Prefix" }), { target: { value: "team-a/" } });
    fireEvent.click(within(templateForm).getByRole("checkbox", { name: "replication" }));
    fireEvent.change(within(templateForm).getByRole("combobox", { name: "Tag mutability" }), { target: { value: "IMMUTABLE" } });
    // A resource tag for the repositories it makes: a reserved key is named at its row first.
    fireEvent.click(within(templateForm).getByRole("button", { name: "+ Add a tag" }));
    fireEvent.change(within(templateForm).getByRole("textbox", { name: "Key of tag 1" }), { target: { value: "aws:team" } });
    expect(within(templateForm).getByText("Keys starting with aws: are reserved for AWS.")).toBeTruthy();
    expect((within(templateForm).getByRole("button", { name: "Create template" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(within(templateForm).getByRole("textbox", { name: "Key of tag 1" }), { target: { value: " team " } });
    fireEvent.change(within(templateForm).getByRole("textbox", { name: "Value of tag 1" }), { target: { value: "a" } });
    const lifecycle = '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}';
    fireEvent.change(within(templateForm).getByRole("textbox", { name: /^Lifecycle policy/ }), { target: { value: lifecycle } });
    fireEvent.click(within(templateForm).getByRole("button", { name: "Create template" }));
    const templates = await within(dialog).findByRole("table", { name: "Creation templates" });
    expect(within(templates).getByText("a push creates it, replication")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "create_creation_template")!.args.template).toMatchObject({
      prefix: "team-a/", applied_for: ["CREATE_ON_PUSH", "REPLICATION"], mutability: "IMMUTABLE", tags: [{ key: "team", value: "a" }],
      lifecycle_policy: lifecycle, repository_policy: null,
    });
    expect(within(templates).getByText("1 resource tag, lifecycle policy")).toBeTruthy();
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete the creation template team-a/" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "delete_creation_template")).toBe(true));
    expect(within(dialog).queryByRole("alert")).toBeNull();
    expect(within(templates).getByText("team-a/")).toBeTruthy();
  });

  it("says so when the registry goes away, and reads again with Try again once it is back", async () => {
    let down = true;
    mockIPC((cmd) => {
      if (down) throw { code: "unreachable", message: "cannot reach the ECR API: nothing answers there (connection refused)" };
      if (cmd === "replication") return { rules: [] };
      if (cmd === "pull_through_rules") return [];
      throw new Error(`unexpected ${cmd}`);
    });
    render(<RegistrySettingsDialog registry={ecr} onClose={() => {}} />);
    const dialog = await screen.findByRole("dialog", { name: "Registry settings" });
    expect((await within(dialog).findByRole("alert")).textContent).toContain("cannot reach the ECR API");
    fireEvent.click(within(dialog).getByRole("tab", { name: "Pull-through cache" }));
    await waitFor(() => expect(within(dialog).getAllByRole("alert").map((a) => a.textContent).join()).toContain("connection refused"));
    down = false;
    fireEvent.click(within(dialog).getAllByRole("button", { name: "Try again" }).pop()!);
    expect(await within(dialog).findByText("No pull-through cache rule.")).toBeTruthy();
    fireEvent.click(within(dialog).getByRole("tab", { name: "Replication" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Try again" }));
    expect(await within(dialog).findByText("No replication: images stay in this region.")).toBeTruthy();
  });

  it("edits the registry policy in the statement editor, with the registry's own template and actions", async () => {
    const calls = backend();
    render(<RegistrySettingsDialog registry={ecr} onClose={() => {}} />);
    // An edit in progress below stays while the policy is open above it.
    fireEvent.click(await screen.findByRole("button", { name: "+ Replication rule" }));
    fireEvent.click(await screen.findByRole("button", { name: "Registry policy…" }));
    const editor = await screen.findByRole("dialog", { name: "Registry policy" });
    expect(await within(editor).findByText(/^No registry policy/)).toBeTruthy();
    expect(within(editor).queryByRole("button", { name: "Pull for accounts…" })).toBeNull();
    fireEvent.click(within(editor).getByRole("button", { name: "Replication from accounts…" }));
    fireEvent.change(within(editor).getByRole("textbox", { name: "The AWS account IDs that replicate here (space separated)" }), { target: { value: "444455556666" } });
    fireEvent.click(within(editor).getByRole("button", { name: "Add statement" }));
    const card = within(editor).getByRole("listitem", { name: "AllowReplication" });
    expect((within(card).getByRole("checkbox", { name: /^Replicate/ }) as HTMLInputElement).checked).toBe(true);
    expect((within(card).getByRole("checkbox", { name: /^Create repositories/ }) as HTMLInputElement).checked).toBe(true);
    expect((within(card).getByRole("checkbox", { name: /^Pull through/ }) as HTMLInputElement).checked).toBe(false);
    const save = within(editor).getByRole("button", { name: "Save policy" }) as HTMLButtonElement;
    await waitFor(() => expect(save.disabled).toBe(false));
    fireEvent.click(save);
    expect(await within(editor).findByText("Saved: the policy applies at once.")).toBeTruthy();
    const saved = JSON.parse(calls.find((c) => c.cmd === "save_registry_policy")!.args.text as string);
    expect(saved.Statement[0]).toEqual({
      Sid: "AllowReplication", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::444455556666:root"] },
      Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/*",
    });
    // Closing the policy goes back to the registry's settings.
    fireEvent.click(within(editor).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Registry policy" })).toBeNull());
    expect(within(screen.getByRole("dialog", { name: "Registry settings" })).getByRole("listitem", { name: "Replication rule 1" })).toBeTruthy();
  });
});

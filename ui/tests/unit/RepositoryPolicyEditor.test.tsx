import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { RepositoryPolicyEditor } from "../../src/components/RepositoryPolicyEditor";
import type { RegistryView } from "../../src/ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

const ecr = { id: "ecr:dev@eu-west-1", name: "dev · eu-west-1", kind: "ecr", account: "123456789012" } as unknown as RegistryView;

function backend(stored: string | null) {
  const calls: Array<{ cmd: string; args: Record<string, unknown> }> = [];
  mockIPC((cmd, raw) => {
    const args = raw as Record<string, unknown>;
    calls.push({ cmd, args });
    if (cmd === "repository_policy") return stored;
    if (cmd === "check_repository_policy") {
      const doc = JSON.parse(args.text as string);
      const open = doc.Statement.findIndex((s: { Principal?: unknown }) => s.Principal === "*");
      return {
        issues: [],
        lints: open >= 0 ? [{ statement: open, severity: "danger", message: `Statement ${open + 1} is public: anyone with an AWS account can pull from this repository.` }] : [],
      };
    }
    if (cmd === "confirm_destructive") return `token-for-${args.action}`;
    if (cmd === "save_repository_policy" || cmd === "delete_repository_policy") return null;
    throw new Error(`unexpected ${cmd}`);
  });
  return calls;
}

describe("the repository policy editor", () => {
  it("builds a statement from a template, saves it, and asks again before saving public access", async () => {
    const calls = backend(null);
    render(<RepositoryPolicyEditor registry={ecr} repository="team/web" onClose={() => {}} />);
    expect(await screen.findByText(/^No policy stored/)).toBeTruthy();
    // Nothing stored and nothing added: no change to save.
    expect((screen.getByRole("button", { name: "Save policy" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Pull for accounts…" }));
    fireEvent.change(screen.getByRole("textbox", { name: "AWS account IDs (space separated)" }), { target: { value: "111122223333 444455556666" } });
    fireEvent.click(screen.getByRole("button", { name: "Add statement" }));
    const card = screen.getByRole("listitem", { name: "AllowPull" });
    expect(within(card).getByText("arn:aws:iam::444455556666:root")).toBeTruthy();
    expect((within(card).getByRole("checkbox", { name: /^Pull/ }) as HTMLInputElement).checked).toBe(true);
    expect(await screen.findByText(/^No problems found/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Save policy" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "save_repository_policy")).toBe(true));
    const saved = calls.find((c) => c.cmd === "save_repository_policy")!.args;
    expect(saved.confirmation).toBeNull();
    expect(JSON.parse(saved.text as string).Statement[0].Principal.AWS).toEqual(["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]);
    expect(await screen.findByText("Saved: the policy applies at once.")).toBeTruthy();

    // Everyone may pull: the save asks first, naming the risk, and carries the confirmation.
    fireEvent.click(screen.getByRole("button", { name: "Pull for Lambda" }));
    fireEvent.click(screen.getByRole("tab", { name: "JSON" }));
    const json = screen.getByRole("textbox", { name: "Policy JSON" }) as HTMLTextAreaElement;
    const doc = JSON.parse(json.value);
    doc.Statement[1].Principal = "*";
    fireEvent.change(json, { target: { value: JSON.stringify(doc, null, 2) } });
    fireEvent.click(await screen.findByRole("button", { name: "Save policy…" }));
    const question = await screen.findByRole("alertdialog");
    expect(question.textContent).toContain("Statement 2 is public");
    fireEvent.click(within(question).getByRole("button", { name: "Save anyway" }));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "save_repository_policy")).toHaveLength(2));
    expect(calls.filter((c) => c.cmd === "save_repository_policy")[1]!.args.confirmation).toBe("token-for-risky_repository_policy");
    expect(calls.find((c) => c.cmd === "confirm_destructive")!.args).toEqual({ action: "risky_repository_policy", target: "ecr:dev@eu-west-1/team/web" });
  });

  it("shows the stored policy, the change against it, and deletes with confirmation", async () => {
    const calls = backend('{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:BatchGetImage"}]}');
    render(<RepositoryPolicyEditor registry={ecr} repository="team/web" onClose={() => {}} />);
    const card = await screen.findByRole("listitem", { name: "Pull" });
    expect(screen.getByText("As stored in ECR.")).toBeTruthy();
    expect(screen.getByText("None.")).toBeTruthy();
    fireEvent.click(within(card).getByRole("radio", { name: "Deny" }));
    const diff = screen.getByLabelText("Changes");
    expect([...diff.querySelectorAll(".removed")].map((l) => l.textContent)).toEqual(['-       "Effect": "Allow",']);
    expect([...diff.querySelectorAll(".added")].map((l) => l.textContent)).toEqual(['+       "Effect": "Deny",']);
    fireEvent.click(screen.getByRole("button", { name: "Delete policy…" }));
    fireEvent.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Delete policy" }));
    expect(await screen.findByText("The repository policy was deleted.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "delete_repository_policy")!.args).toEqual({
      id: "ecr:dev@eu-west-1", repository: "team/web", confirmation: "token-for-delete_repository_policy",
    });
  });
});

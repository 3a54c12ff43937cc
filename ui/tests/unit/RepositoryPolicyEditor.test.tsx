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
  let saidNo = false;
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
    // The backend's native question: the first risky save is answered "no".
    if (cmd === "save_repository_policy" && (args.text as string).includes('"Principal": "*"') && !saidNo) {
      saidNo = true;
      throw { code: "declined", message: "not confirmed; nothing was changed" };
    }
    if (cmd === "save_repository_policy" || cmd === "delete_repository_policy") return null;
    throw new Error(`unexpected ${cmd}`);
  });
  return calls;
}

describe("the repository policy editor", () => {
  it("builds a statement from a template, saves it; a risky save the native question declines stays unsaved", async () => {
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
    expect(Object.keys(saved).sort()).toEqual(["id", "repository", "text"]);
    expect(JSON.parse(saved.text as string).Statement[0].Principal.AWS).toEqual(["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]);
    expect(await screen.findByText("Saved: the policy applies at once.")).toBeTruthy();

    // Everyone may pull: the risk is shown in the page; the backend asks the yes natively.
    fireEvent.click(screen.getByRole("button", { name: "Pull for Lambda" }));
    fireEvent.click(screen.getByRole("tab", { name: "JSON" }));
    const json = screen.getByRole("textbox", { name: "Policy JSON" }) as HTMLTextAreaElement;
    const doc = JSON.parse(json.value);
    doc.Statement[1].Principal = "*";
    fireEvent.change(json, { target: { value: JSON.stringify(doc, null, 2) } });
    expect(await screen.findByText(/Statement 2 is public/)).toBeTruthy();
    fireEvent.click(await screen.findByRole("button", { name: "Save policy…" }));
    expect(await screen.findByText("Not saved.")).toBeTruthy();
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.getByText("Changed, not saved.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Save policy…" }));
    expect(await screen.findByText("Saved: the policy applies at once.")).toBeTruthy();
    expect(calls.filter((c) => c.cmd === "save_repository_policy")).toHaveLength(3);
  });

  it("shows the stored policy, the change against it, and deletes (the backend asks natively)", async () => {
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
    expect(await screen.findByText("The repository policy was deleted.")).toBeTruthy();
    expect(calls.find((c) => c.cmd === "delete_repository_policy")!.args).toEqual({
      id: "ecr:dev@eu-west-1", repository: "team/web",
    });
  });
});

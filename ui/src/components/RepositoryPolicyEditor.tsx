import { useEffect, useState, type FormEvent } from "react";
import { api, declined, type LadingError, type PolicyCheck, type RegistryView } from "../ipc";
import {
  ACTION_GROUPS,
  EMPTY_DOCUMENT,
  REGISTRY_ACTION_GROUPS,
  TEMPLATES,
  chipFor,
  chipsOf,
  customActions,
  diffLines,
  documentText,
  freshSid,
  groupState,
  normalised,
  otherFields,
  parseDocument,
  toggleGroup,
  withActions,
  withChips,
  type PolicyDocument,
  type Statement,
} from "../repoPolicy";
import { ConfirmDialog } from "./ConfirmDialog";
import { JsonPane, useJsonModel } from "./JsonPane";
import { Modal } from "./Modal";
import { readablePath } from "../format";

const CHIP_TITLE: Record<string, string> = {
  public: "Everyone: any AWS account, any principal",
  account: "Every principal of this AWS account (that its own IAM policies allow)",
  root: "Every principal of this AWS account (that its own IAM policies allow)",
  role: "An IAM role",
  user: "An IAM user",
  service: "An AWS service",
  other: "Another principal",
};

type Template = "accounts" | "ci" | "org" | "lambda" | "replicate";

const TEMPLATE_LABEL: Record<Template, string> = {
  accounts: "Pull for accounts",
  ci: "Push + pull for a CI role",
  org: "Pull for an organization",
  lambda: "Pull for Lambda",
  replicate: "Replication from accounts",
};
const TEMPLATES_OF = { repository: ["accounts", "ci", "org", "lambda"], registry: ["replicate"] } as const satisfies Record<string, readonly Template[]>;

/** Where the policy belongs: a repository, or (no repository) the registry itself. */
function policyScope(registry: RegistryView, repository?: string) {
  if (repository !== undefined)
    return {
      label: "Repository policy",
      title: `Permissions · ${repository}`,
      none: "No policy stored: only IAM policies of this account grant access.",
      deleted: "The repository policy was deleted.",
      groups: ACTION_GROUPS,
      templates: TEMPLATES_OF.repository,
      load: () => api.repositoryPolicy(registry.id, repository),
      save: (text: string) => api.saveRepositoryPolicy(registry.id, repository, text),
      remove: () => api.deleteRepositoryPolicy(registry.id, repository),
      call: "SetRepositoryPolicy",
    };
  return {
    label: "Registry policy",
    title: `Registry policy · ${registry.name}`,
    none: "No registry policy: no other account may replicate into this registry or create repositories in it.",
    deleted: "The registry policy was deleted.",
    groups: REGISTRY_ACTION_GROUPS,
    templates: TEMPLATES_OF.registry,
    load: () => api.registryPolicy(registry.id),
    save: (text: string) => api.saveRegistryPolicy(registry.id, text),
    remove: () => api.deleteRegistryPolicy(registry.id),
    call: "PutRegistryPolicy",
  };
}

/**
 * An ECR repository's permissions, or (without a repository) the registry's policy: one card per
 * statement (Allow/Deny, principals as chips, actions grouped, conditions read-only), the JSON in
 * sync both ways with unknown fields kept, the risks in plain words, and the change against the
 * stored policy before saving.
 */
export function RepositoryPolicyEditor({ registry, repository, onClose }: { registry: RegistryView; repository?: string; onClose: () => void }) {
  const scope = policyScope(registry, repository);
  const [stored, setStored] = useState<string | null | undefined>(undefined);
  const {
    value: doc,
    text,
    jsonError,
    change: changeDoc,
    changeText,
  } = useJsonModel<PolicyDocument>(EMPTY_DOCUMENT, documentText, (t) => {
    const parsed = parseDocument(t);
    return "doc" in parsed ? { value: parsed.doc } : parsed;
  });
  const [view, setView] = useState<"visual" | "json">("visual");
  const [check, setCheck] = useState<{ text: string; result: PolicyCheck } | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [confirming, setConfirming] = useState<"discard" | null>(null);
  const [template, setTemplate] = useState<Template | null>(null);

  useEffect(() => {
    scope.load().then((policy) => {
      setStored(policy);
      const parsed = policy ? parseDocument(policy) : null;
      const initial = parsed && "doc" in parsed ? parsed.doc : EMPTY_DOCUMENT;
      changeDoc(initial);
    }, setError);
  }, [registry.id, repository]);

  const escapeCloses = !confirming && !template;

  const changeStatement = (index: number, next: Statement) =>
    changeDoc({ ...doc, Statement: doc.Statement.map((s, i) => (i === index ? next : s)) });

  // Checked as it changes (after a pause in typing).
  useEffect(() => {
    if (stored === undefined || jsonError) return;
    let current = true;
    const timer = setTimeout(() => {
      api.checkRepositoryPolicy(registry.id, text).then(
        (result) => current && setCheck({ text, result }),
        (e: LadingError) => current && setError(e),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [registry.id, text, stored, jsonError]);

  const result = check?.text === text ? check.result : null;
  const before = normalised(stored ?? null);
  // With no stored policy, the empty document the editor starts from is not a change.
  const changed = text !== (stored ? before : documentText(EMPTY_DOCUMENT));
  const risky = (result?.lints.length ?? 0) > 0;
  // Closing with edits that are not in ECR asks first.
  const close = () => (stored !== undefined && changed ? setConfirming("discard") : onClose());
  const canSave = !!result && result.issues.length === 0 && !jsonError && changed && doc.Statement.length > 0 && !saving;
  const lintsOf = (i: number) => result?.lints.filter((l) => l.statement === i) ?? [];
  const issuesOf = (i: number) => result?.issues.filter((x) => x.path.startsWith(`Statement[${i}]`)) ?? [];

  // A flagged policy: the backend lists its risks in a native dialog and saves only on yes.
  function save() {
    setSaving(true);
    setNotice(null);
    const saved = text;
    scope.save(saved).then(
      () => {
        setStored(saved);
        setNotice("Saved: the policy applies at once.");
      },
      (e) => (declined(e) ? setNotice("Not saved.") : setError(e)),
    ).finally(() => setSaving(false));
  }


  // The backend asks the final yes natively; "no" leaves the policy.
  function deletePolicy() {
    setNotice(null);
    scope.remove().then(
      () => {
        setStored(null);
        changeDoc(EMPTY_DOCUMENT);
        setNotice(scope.deleted);
      },
      (e) => declined(e) || setError(e),
    );
  }

  return (
    <>
    <Modal label={scope.label} className="policy-editor" escape={escapeCloses} onClose={close}>
        <div className="lifecycle-head">
          <h2>{scope.title}</h2>
          <span className="hint">
            {stored === undefined ? "Reading…" : stored === null ? scope.none : changed ? "Changed, not saved." : "As stored in ECR."}
          </span>
          <div className="tabs" role="tablist" aria-label="Policy view">
            <button role="tab" aria-selected={view === "visual"} onClick={() => setView("visual")}>
              Statements
            </button>
            <button role="tab" aria-selected={view === "json"} onClick={() => setView("json")}>
              JSON
            </button>
          </div>
        </div>
        <div className="lifecycle-body">
          <section className="lifecycle-rules" aria-label={view === "visual" ? "Statements" : "Policy JSON"}>
            {view === "visual" ? (
              <>
                {jsonError && (
                  <p className="form-error" role="alert">
                    The JSON has an error (line {jsonError.line}); the cards show its last valid version.
                  </p>
                )}
                {doc.Statement.length === 0 && <p className="hint">No statements. Start from a template below, or add an empty one.</p>}
                <ol className="rule-list">
                  {doc.Statement.map((s, index) => (
                    <StatementCard
                      key={index}
                      index={index}
                      statement={s}
                      groups={scope.groups}
                      lints={lintsOf(index).map((l) => ({ danger: l.severity === "danger", message: l.message }))}
                      issues={issuesOf(index).map((x) => `${x.path.replace(/^Statement\[\d+\]\./, "")}: ${x.message}`)}
                      onChange={(next) => changeStatement(index, next)}
                      onDuplicate={() =>
                        changeDoc({
                          ...doc,
                          Statement: [...doc.Statement.slice(0, index + 1), { ...structuredClone(s), ...(s.Sid ? { Sid: freshSid(doc, s.Sid) } : {}) }, ...doc.Statement.slice(index + 1)],
                        })
                      }
                      onRemove={() => changeDoc({ ...doc, Statement: doc.Statement.filter((_, i) => i !== index) })}
                    />
                  ))}
                </ol>
                <div className="add-rule">
                  <span className="hint">Add:</span>
                  {scope.templates.map((t) =>
                    t === "lambda" ? (
                      <button key={t} onClick={() => changeDoc({ ...doc, Statement: [...doc.Statement, { ...TEMPLATES.lambdaPull(), Sid: freshSid(doc, "LambdaECRImageRetrievalPolicy") }] })}>
                        {TEMPLATE_LABEL[t]}
                      </button>
                    ) : (
                      <button key={t} onClick={() => setTemplate(t)}>
                        {TEMPLATE_LABEL[t]}…
                      </button>
                    ),
                  )}
                  <button onClick={() => changeDoc({ ...doc, Statement: [...doc.Statement, { Sid: freshSid(doc, "Statement"), Effect: "Allow", Action: [] }] })}>
                    Empty statement
                  </button>
                </div>
                {template && (
                  <TemplateForm
                    template={template}
                    registry={registry}
                    onCancel={() => setTemplate(null)}
                    onAdd={(statement) => {
                      setTemplate(null);
                      changeDoc({ ...doc, Statement: [...doc.Statement, { ...statement, Sid: freshSid(doc, statement.Sid ?? "Statement") }] });
                    }}
                  />
                )}
              </>
            ) : (
              <JsonPane text={text} error={jsonError} onChange={changeText} />
            )}
          </section>
          {/* Focusable so the keyboard can scroll a long check. */}
          <section className="lifecycle-dry-run" aria-label="Check and changes" tabIndex={0}>
            <h3>Before saving</h3>
            {error && (
              <p className="form-error" role="alert">
                {error.message}
              </p>
            )}
            {result && result.issues.length > 0 && (
              <ul className="policy-issues" aria-label="ECR would refuse">
                {result.issues.map((x) => (
                  <li key={x.path + x.message} className="form-error" title={x.path}>
                    {readablePath(x.path)}: {x.message}
                  </li>
                ))}
              </ul>
            )}
            {result && result.lints.length > 0 && (
              <ul className="policy-lints" aria-label="Risks">
                {result.lints.map((l) => (
                  <li key={l.message} className={`lint ${l.severity}`}>
                    {l.message}
                  </li>
                ))}
              </ul>
            )}
            {result && result.issues.length === 0 && result.lints.length === 0 && doc.Statement.length > 0 && (
              <p className="hint" role="status">
                No problems found: no public access, no lock-out, no wildcard actions.
              </p>
            )}
            <h3>Changes against the stored policy</h3>
            {changed ? (
              <pre className="policy-diff" aria-label="Changes" tabIndex={0}>
                {/* Both sides as the editor writes them: a policy pasted on one line differs only where it does. */}
                {diffLines(before, normalised(text)).map((line, i) => (
                  <div key={i} className={`diff-line ${line.op === "+" ? "added" : line.op === "-" ? "removed" : ""}`}>
                    {line.op} {line.text}
                  </div>
                ))}
              </pre>
            ) : (
              <p className="hint">None.</p>
            )}
          </section>
        </div>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <div className="dialog-actions">
          {stored && (
            <button className="danger lifecycle-delete" onClick={deletePolicy}>
              Delete policy…
            </button>
          )}
          <button onClick={close}>Close</button>
          <button
            className="primary"
            disabled={!canSave}
            onClick={save}
            title={canSave ? scope.call : "Save is possible once the policy is checked, has no problems and differs from the stored one"}
          >
            {saving ? "Saving…" : risky ? "Save policy…" : "Save policy"}
          </button>
        </div>
      </Modal>
      {confirming === "discard" && (
        <ConfirmDialog
          title="Discard your changes?"
          body="The policy in the editor is not the one stored in ECR; closing loses your changes."
          confirmLabel="Discard"
          cancelLabel="Keep editing"
          onClose={() => setConfirming(null)}
          onConfirm={onClose}
        />
      )}
    </>
  );
}

function StatementCard({
  index,
  statement: s,
  groups,
  lints,
  issues,
  onChange,
  onDuplicate,
  onRemove,
}: {
  index: number;
  statement: Statement;
  groups: typeof ACTION_GROUPS;
  lints: Array<{ danger: boolean; message: string }>;
  issues: string[];
  onChange: (s: Statement) => void;
  onDuplicate: () => void;
  onRemove: () => void;
}) {
  const [principal, setPrincipal] = useState("");
  const [action, setAction] = useState("");
  const chips = chipsOf(s);
  const custom = customActions(s, groups);
  const others = otherFields(s);
  const name = s.Sid || `Statement ${index + 1}`;
  function addPrincipal(e: FormEvent) {
    e.preventDefault();
    if (!principal.trim()) return;
    onChange(withChips(s, [...chips.filter((c) => c.key !== "*"), chipFor(principal)]));
    setPrincipal("");
  }
  function addAction(e: FormEvent) {
    e.preventDefault();
    const typed = action.trim();
    if (!typed) return;
    onChange(withActions(s, [...(Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : []), typed.includes(":") || typed === "*" ? typed : `ecr:${typed}`]));
    setAction("");
  }
  return (
    <li className={`rule-card statement ${s.Effect === "Deny" ? "deny" : ""}`} aria-label={name}>
      <div className="rule-top">
        <input
          className="rule-description sid"
          aria-label={`${name}: Sid`}
          placeholder="Sid (optional)"
          value={s.Sid ?? ""}
          onChange={(e) => {
            const next: Statement = { ...s, Sid: e.target.value };
            if (!e.target.value) delete next.Sid;
            onChange(next);
          }}
        />
        <span className="effect-toggle" role="radiogroup" aria-label={`${name}: effect`}>
          {(["Allow", "Deny"] as const).map((effect) => (
            <button key={effect} role="radio" aria-checked={s.Effect === effect} className={s.Effect === effect ? `effect ${effect.toLowerCase()} on` : "effect"} onClick={() => onChange({ ...s, Effect: effect })}>
              {effect}
            </button>
          ))}
        </span>
        <span className="rule-actions">
          <button className="icon-button" onClick={onDuplicate} aria-label={`Duplicate ${name}`} title="Duplicate">
            ⧉
          </button>
          <button className="icon-button" onClick={onRemove} aria-label={`Remove ${name}`} title="Remove">
            ×
          </button>
        </span>
      </div>
      <div className="statement-part">
        <span className="part-label">Who</span>
        <div className="chips principal-chips">
          {chips.map((c) => (
            <span key={`${c.key}:${c.value}`} className={`chip principal ${c.kind}`} title={`${CHIP_TITLE[c.kind]}${c.key !== "AWS" && c.key !== "*" ? ` (${c.key})` : ""}`}>
              {c.kind === "public" ? "* everyone" : c.value}
              <button className="chip-remove" aria-label={`Remove ${c.value}`} onClick={() => onChange(withChips(s, chips.filter((x) => x !== c)))}>
                ×
              </button>
            </span>
          ))}
          <form onSubmit={addPrincipal} className="chip-input">
            <input
              aria-label={`${name}: add a principal`}
              placeholder="account ID, ARN, service or *"
              value={principal}
              onChange={(e) => setPrincipal(e.target.value)}
              spellCheck={false}
            />
          </form>
        </div>
      </div>
      <div className="statement-part">
        <span className="part-label">What</span>
        <div className="action-groups">
          {groups.map((g) => {
            const state = groupState(s, g);
            return (
              <label key={g.name} className="action-group" title={g.actions.join("\n")}>
                <input
                  type="checkbox"
                  checked={state === "all"}
                  ref={(el) => {
                    if (el) el.indeterminate = state === "some";
                  }}
                  onChange={(e) => onChange(toggleGroup(s, g, e.target.checked))}
                />
                <span>{g.name}</span>
                <span className="hint group-actions-list">{g.actions.map((a) => a.replace("ecr:", "")).join(", ")}</span>
              </label>
            );
          })}
          <div className="chips">
            {custom.map((a) => (
              <span key={a} className={`chip action ${a.includes("*") ? "wildcard" : ""}`}>
                {a}
                <button className="chip-remove" aria-label={`Remove ${a}`} onClick={() => onChange(withActions(s, (Array.isArray(s.Action) ? s.Action : [s.Action ?? ""]).filter((x) => x !== a)))}>
                  ×
                </button>
              </span>
            ))}
            <form onSubmit={addAction} className="chip-input">
              <input aria-label={`${name}: add an action`} placeholder="other action (ecr:ListImages)" value={action} onChange={(e) => setAction(e.target.value)} spellCheck={false} />
            </form>
          </div>
        </div>
      </div>
      {s.Condition !== undefined && (
        <div className="statement-part">
          <span className="part-label">When</span>
          <pre className="condition" title="Conditions are edited in the JSON view">
            {JSON.stringify(s.Condition, null, 1).replace(/\n\s*/g, " ")}
          </pre>
        </div>
      )}
      {others.length > 0 && <p className="hint">Also {others.join(", ")} — kept as they are; edit them in the JSON view.</p>}
      {issues.map((x) => (
        <p key={x} className="form-error field-issue">
          {x}
        </p>
      ))}
      {lints.map((l) => (
        <p key={l.message} className={`field-issue lint ${l.danger ? "danger" : "warning"}`}>
          {l.message}
        </p>
      ))}
    </li>
  );
}

/** The one value a template needs: account IDs, a role ARN, an organization ID. */
function TemplateForm({ template, registry, onAdd, onCancel }: { template: Template; registry: RegistryView; onAdd: (s: Statement) => void; onCancel: () => void }) {
  const [value, setValue] = useState("");
  const byAccounts = template === "accounts" || template === "replicate";
  const label =
    template === "replicate" ? "The AWS account IDs that replicate here (space separated)" : byAccounts ? "AWS account IDs (space separated)" : template === "ci" ? "The CI role's ARN" : "The organization ID (o-…)";
  const placeholder = byAccounts ? "111122223333 444455556666" : template === "ci" ? "arn:aws:iam::111122223333:role/ci" : "o-a1b2c3d4e5";
  function submit(e: FormEvent) {
    e.preventDefault();
    const typed = value.trim();
    if (!typed) return;
    if (template === "replicate") onAdd(TEMPLATES.replicationFrom(typed.split(/[\s,]+/), registry.region, registry.account));
    else if (template === "accounts") onAdd(TEMPLATES.pullForAccounts(typed.split(/[\s,]+/)));
    else if (template === "ci") onAdd(TEMPLATES.pushPullForRole(typed));
    else onAdd(TEMPLATES.organizationPull(typed));
  }
  return (
    <form className="template-form" onSubmit={submit} aria-label={TEMPLATE_LABEL[template]}>
      <label className="field">
        <span>{label}</span>
        <input autoFocus value={value} onChange={(e) => setValue(e.target.value)} placeholder={placeholder} spellCheck={false} />
      </label>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={!value.trim()}>
          Add statement
        </button>
      </div>
    </form>
  );
}

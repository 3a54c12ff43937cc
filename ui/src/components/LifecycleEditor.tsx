import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { api, declined, type LadingError, type LifecycleDryRun, type RegistryView, type ServerPreview } from "../ipc";
import { readablePath } from "../format";
import {
  issueTarget,
  newRule,
  parsePolicy,
  policyText,
  renumber,
  sentenceText,
  tagsTyped,
  withAction,
  withCountType,
  withStorageClass,
  withTags,
  withTagStatus,
  type CountType,
  type NewRuleKind,
  type Rule,
  type TagStatus,
} from "../lifecycle";
import { ConfirmDialog } from "./ConfirmDialog";
import { JsonPane, useJsonModel } from "./JsonPane";
import { Modal } from "./Modal";
import { ErrorText } from "./ErrorText";
import { DryRunTable } from "./DryRunTable";

const COUNT_LABEL: Record<CountType, string> = {
  imageCountMoreThan: "keep the newest",
  sinceImagePushed: "pushed more than",
  sinceImagePulled: "not pulled for more than",
  sinceImageTransitioned: "archived more than",
};

const ADDABLE: Array<[NewRuleKind, string, string]> = [
  ["untagged", "Expire untagged images", "Untagged images pushed more than 14 days ago"],
  ["keep-newest", "Keep the newest tagged", "Keep the 10 newest release-* images"],
  ["old-tagged", "Expire old tagged", "dev-* images pushed more than 30 days ago"],
  ["archive-unpulled", "Archive unpulled", "Move images not pulled for 90 days to the archive storage class (cannot be pulled until restored)"],
  ["expire-archived", "Expire archived", "Images archived more than 180 days ago (ECR keeps archived images at least 90 days)"],
];

const STATUS_LABEL: Record<TagStatus, string> = { untagged: "untagged", tagged: "tagged", any: "any" };

/**
 * The lifecycle policy of an ECR repository: rules as sentences (drag or Alt+↑/↓ to change
 * priority), the JSON in sync both ways, and a live dry run on the repository's images. Saving
 * needs the dry run of exactly the text being saved on screen.
 */
export function LifecycleEditor({ registry, repository, onClose }: { registry: RegistryView; repository: string; onClose: () => void }) {
  const [stored, setStored] = useState<string | null | undefined>(undefined);
  const {
    value: rules,
    text,
    jsonError,
    change: changeRules,
    changeText,
  } = useJsonModel<Rule[]>([], policyText, (t) => {
    const parsed = parsePolicy(t);
    return "rules" in parsed ? { value: parsed.rules } : parsed;
  });
  const [view, setView] = useState<"rules" | "json">("rules");
  const [protectedText, setProtectedText] = useState("latest");
  const [run, setRun] = useState<{ text: string; result: LifecycleDryRun } | null>(null);
  const [running, setRunning] = useState(false);
  const [refresh, setRefresh] = useState(0);
  const [server, setServer] = useState<{ text: string; result: ServerPreview } | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<LadingError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const dragged = useRef<number | null>(null);

  useEffect(() => {
    api.lifecyclePolicy(registry.id, repository).then((policy) => {
      setStored(policy);
      changeText(policy ?? policyText([]));
    }, setError);
  }, [registry.id, repository]);

  const escapeCloses = !leaving;

  const protectedTags = useMemo(() => protectedText.split(/[\s,]+/).filter(Boolean), [protectedText]);
  const askedRefresh = useRef(0);
  // The dry run follows every change (after a pause in typing).
  useEffect(() => {
    // Nothing to evaluate yet (no policy stored, no rule added): no error, just the hint below.
    if (stored === undefined || jsonError || rules.length === 0) {
      setRun(null);
      setError(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      setRunning(true);
      const fresh = askedRefresh.current !== refresh;
      askedRefresh.current = refresh;
      api.lifecycleDryRun(registry.id, repository, text, protectedTags, fresh).then(
        (result) => {
          if (!current) return;
          setRun({ text, result });
          setError(null);
        },
        (e: LadingError) => current && setError(e),
      ).finally(() => current && setRunning(false));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [registry.id, repository, text, protectedTags, stored, jsonError, refresh, rules.length]);

  // Closing with edits that are not in ECR asks first.
  const unsaved = stored !== undefined && text !== (stored ?? policyText([]));
  const close = () => (unsaved ? setLeaving(true) : onClose());

  const result = run?.text === text ? run.result : null;
  const issues = result?.issues ?? [];
  const issuesOf = (index: number) => issues.filter((i) => issueTarget(i.path)?.rule === index);
  const general = issues.filter((i) => !issueTarget(i.path));
  const canSave = !!result && issues.length === 0 && !jsonError && text !== stored && !saving;

  function move(from: number, to: number) {
    if (to < 0 || to >= rules.length || from === to) return;
    const next = [...rules];
    const [rule] = next.splice(from, 1);
    next.splice(to, 0, rule!);
    changeRules(renumber(next));
  }

  function save() {
    setSaving(true);
    setNotice(null);
    api.saveLifecyclePolicy(registry.id, repository, text).then(
      () => {
        setStored(text);
        setNotice("Saved. ECR applies lifecycle rules within 24 hours of a change, not at once.");
      },
      // A policy that expires images asks natively first, with the backend's own count.
      (e) => (declined(e) ? setNotice("Not saved.") : setError(e)),
    ).finally(() => setSaving(false));
  }

  // The backend asks the final yes natively; "no" leaves the policy.
  function deletePolicy() {
    setNotice(null);
    api.deleteLifecyclePolicy(registry.id, repository).then(
      () => {
        setStored(null);
        setNotice("The lifecycle policy was deleted.");
      },
      (e) => declined(e) || setError(e),
    );
  }

  function askServer() {
    setAsking(true);
    const asked = text;
    api.lifecycleServerPreview(registry.id, repository, asked).then(
      (r) => setServer({ text: asked, result: r }),
      setError,
    ).finally(() => setAsking(false));
  }
  const serverResult = server?.text === text ? server.result : null;


  return (
    <>
    <Modal label="Lifecycle policy" className="lifecycle-editor" escape={escapeCloses} onClose={close}>
        <div className="lifecycle-head">
          <h2>Lifecycle policy · {repository}</h2>
          <span className="hint">
            {stored === undefined ? "Reading…" : stored === null ? "No policy stored: nothing expires." : text === stored ? "As stored in ECR." : "Changed, not saved."}
          </span>
          <div className="tabs" role="tablist" aria-label="Policy view">
            <button role="tab" aria-selected={view === "rules"} className={view === "rules" ? "tab active" : "tab"} onClick={() => setView("rules")}>
              Rules
            </button>
            <button role="tab" aria-selected={view === "json"} className={view === "json" ? "tab active" : "tab"} onClick={() => setView("json")}>
              JSON
            </button>
          </div>
        </div>
        <div className="lifecycle-body">
          <section className="lifecycle-rules" aria-label={view === "rules" ? "Rules" : "Policy JSON"}>
            {view === "rules" ? (
              <>
                {jsonError && (
                  <p className="form-error" role="alert">
                    The JSON has an error (line {jsonError.line}); the rules show its last valid version.
                  </p>
                )}
                {rules.length === 0 && <p className="hint">No rules yet. Add one below; ECR applies them in priority order, 1 first.</p>}
                <ol className="rule-list">
                  {rules.map((rule, index) => (
                    <li
                      key={index}
                      className="rule-card"
                      aria-label={`Rule ${rule.rulePriority}: ${sentenceText(rule)}`}
                      onDragOver={(e) => e.preventDefault()}
                      onDrop={(e) => {
                        e.preventDefault();
                        if (dragged.current !== null) move(dragged.current, index);
                        dragged.current = null;
                      }}
                      onKeyDown={(e) => {
                        if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
                        e.preventDefault();
                        move(index, index + (e.key === "ArrowUp" ? -1 : 1));
                      }}
                    >
                      <div className="rule-top">
                        <span
                          className="drag-handle"
                          draggable
                          onDragStart={() => (dragged.current = index)}
                          title="Drag to change the priority (or Alt+↑ / Alt+↓)"
                          aria-hidden
                        >
                          ⠿
                        </span>
                        <span className="priority" title="Rule priority: lower numbers are applied first">
                          {rule.rulePriority}
                        </span>
                        <input
                          className="rule-description"
                          aria-label={`Rule ${rule.rulePriority} description`}
                          placeholder="Description (optional)"
                          value={rule.description ?? ""}
                          onChange={(e) => {
                            const next = { ...rule, description: e.target.value || undefined };
                            if (!e.target.value) delete next.description;
                            changeRules(rules.map((r, i) => (i === index ? next : r)));
                          }}
                        />
                        <span className="rule-actions">
                          <button className="icon-button" onClick={() => move(index, index - 1)} disabled={index === 0} aria-label={`Move rule ${rule.rulePriority} up`} title="Move up (Alt+↑)">
                            ↑
                          </button>
                          <button className="icon-button" onClick={() => move(index, index + 1)} disabled={index === rules.length - 1} aria-label={`Move rule ${rule.rulePriority} down`} title="Move down (Alt+↓)">
                            ↓
                          </button>
                          <button className="icon-button" onClick={() => changeRules(renumber([...rules.slice(0, index + 1), structuredClone(rule), ...rules.slice(index + 1)]))} aria-label={`Duplicate rule ${rule.rulePriority}`} title="Duplicate">
                            ⧉
                          </button>
                          <button className="icon-button" onClick={() => changeRules(renumber(rules.filter((_, i) => i !== index)))} aria-label={`Remove rule ${rule.rulePriority}`} title="Remove">
                            ×
                          </button>
                        </span>
                      </div>
                      <RuleSentence
                        rule={rule}
                        invalid={(field, exact = false) =>
                          issuesOf(index).some((i) => {
                            const at = issueTarget(i.path)!.field;
                            return at === field || (!exact && (at.startsWith(`${field}.`) || at.startsWith(`${field}[`)));
                          })
                        }
                        onChange={(next) => changeRules(rules.map((r, i) => (i === index ? next : r)))}
                      />
                      {issuesOf(index).map((issue) => (
                        <p key={issue.path + issue.message} className="form-error field-issue">
                          {fieldName(issueTarget(issue.path)!.field)}: {issue.message}
                        </p>
                      ))}
                    </li>
                  ))}
                </ol>
                <div className="add-rule">
                  <span className="hint">Add:</span>
                  {ADDABLE.map(([kind, label, title]) => (
                    <button key={kind} title={title} onClick={() => changeRules(renumber([...rules, newRule(kind, rules.length + 1)]))}>
                      {label}
                    </button>
                  ))}
                </div>
              </>
            ) : (
              <>
                <JsonPane text={text} error={jsonError} onChange={changeText} />
                {issues.map((issue) => (
                  <p key={issue.path + issue.message} className="form-error" title={issue.path}>
                    {readablePath(issue.path)}: {issue.message}
                  </p>
                ))}
              </>
            )}
            {view === "rules" &&
              general.map((issue) => (
                <p key={issue.path + issue.message} className="form-error">
                  {issue.path === "rules" ? "" : `${readablePath(issue.path)}: `}
                  {issue.message}
                </p>
              ))}
          </section>
          {/* Focusable so the keyboard can scroll a long dry run. */}
          <section className="lifecycle-dry-run" aria-label="Dry run" tabIndex={0}>
            <div className="dry-run-head">
              <h3>
                {result && issues.length === 0
                  ? `Dry run on the ${result.verdicts.length.toLocaleString()} ${result.verdicts.length === 1 ? "image" : "images"} in ${repository} now`
                  : `Dry run on the images in ${repository}`}
              </h3>
              <button className="link-button" onClick={() => setRefresh((n) => n + 1)} disabled={running} title="Read the repository's images from ECR again">
                {running ? "Evaluating…" : "Read images again"}
              </button>
            </div>
            <label className="field protected-tags">
              <span>Warn when an image with these tags would go (patterns, * = anything)</span>
              <input value={protectedText} onChange={(e) => setProtectedText(e.target.value)} spellCheck={false} />
            </label>
            {error && (
              <div className="form-error" role="alert">
                <ErrorText error={error} />
              </div>
            )}
            {rules.length === 0 && !jsonError && (
              <p className="hint">No rules yet: add one on the left to see which images it would expire or archive.</p>
            )}
            {result && issues.length === 0 && <DryRunTable result={result} server={serverResult} />}
            {result && issues.length > 0 && <p className="hint">Fix the {issues.length === 1 ? "problem" : `${issues.length} problems`} on the left to see what the rules would do.</p>}
            {result && issues.length === 0 && (
              <div className="server-preview">
                {serverResult ? (
                  <p className={serverResult.disagreements.length ? "form-error" : "hint"} role="status">
                    {serverResult.message}
                  </p>
                ) : (
                  <button onClick={askServer} disabled={asking} title="StartLifecyclePolicyPreview: ECR's own answer, which can take a minute">
                    {asking ? "Asking ECR…" : "Compare with ECR's own preview"}
                  </button>
                )}
              </div>
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
            onClick={save}
            disabled={!canSave}
            title={canSave ? "PutLifecyclePolicy" : "Save is possible once the dry run of this exact policy is shown without problems"}
          >
            {saving ? "Saving…" : "Save policy"}
          </button>
        </div>
      </Modal>
      {leaving && (
        <ConfirmDialog
          title="Discard your changes?"
          body="The policy in the editor is not the one stored in ECR; closing loses your changes."
          confirmLabel="Discard"
          cancelLabel="Keep editing"
          onClose={() => setLeaving(false)}
          onConfirm={onClose}
        />
      )}
    </>
  );
}

function fieldName(field: string): string {
  const last = field.split(".").pop() ?? field;
  return last.replace(/\[\d+\]$/, "") || "rule";
}

/** The rule as a sentence whose values are its controls. */
function RuleSentence({
  rule,
  invalid,
  onChange,
}: {
  rule: Rule;
  /** Whether an issue concerns `field` (or, unless exact, a field inside it). */
  invalid: (field: string, exact?: boolean) => boolean;
  onChange: (rule: Rule) => void;
}) {
  const s = rule.selection;
  const countFirst = s.countType === "imageCountMoreThan";
  const actionWords = { expire: "expire", transition: "archive" };
  const actionLabel = (w: string) => (countFirst ? w : capital(w));
  const action = (
    <select
      className="inline-control"
      aria-label="Action"
      value={rule.action.type}
      style={fit(actionWords[rule.action.type])}
      aria-invalid={invalid("action")}
      onChange={(e) => onChange(withAction(rule, e.target.value as "expire" | "transition"))}
    >
      <option value="expire">{actionLabel("expire")}</option>
      <option value="transition">{actionLabel("archive")}</option>
    </select>
  );
  const storageWords = s.storageClass === "archive" ? "archived" : "active";
  const storage = (
    <select
      className="inline-control"
      aria-label="Storage class"
      title="Active images (standard storage class) or archived ones (archive storage class)"
      value={s.storageClass ?? "standard"}
      style={fit(storageWords)}
      aria-invalid={invalid("selection.storageClass")}
      onChange={(e) => onChange(withStorageClass(rule, e.target.value as "standard" | "archive"))}
    >
      <option value="standard">active</option>
      <option value="archive">archived</option>
    </select>
  );
  const status = (
    <select
      className="inline-control"
      aria-label="Which images"
      value={s.tagStatus}
      style={fit(STATUS_LABEL[s.tagStatus])}
      aria-invalid={invalid("selection.tagStatus", true)}
      onChange={(e) => onChange(withTagStatus(rule, e.target.value as TagStatus))}
    >
      {(Object.keys(STATUS_LABEL) as TagStatus[]).map((k) => (
        <option key={k} value={k}>
          {STATUS_LABEL[k]}
        </option>
      ))}
    </select>
  );
  const tags =
    s.tagStatus === "tagged" ? (
      <TagsInput
        value={tagsTyped(rule)}
        invalid={invalid("selection.tagPatternList") || invalid("selection.tagPrefixList") || invalid("selection", true)}
        onChange={(typed) => onChange(withTags(rule, typed))}
      />
    ) : null;
  const count = (
    <select
      className="inline-control"
      aria-label="When"
      value={s.countType}
      style={fit(COUNT_LABEL[s.countType])}
      aria-invalid={invalid("selection.countType")}
      onChange={(e) => onChange(withCountType(rule, e.target.value as CountType))}
    >
      {(Object.keys(COUNT_LABEL) as CountType[]).map((k) => (
        <option key={k} value={k}>
          {countFirst ? capital(COUNT_LABEL[k]) : COUNT_LABEL[k]}
        </option>
      ))}
    </select>
  );
  const number = (
    <input
      className="inline-control number"
      type="number"
      min={1}
      aria-label={s.countType === "imageCountMoreThan" ? "How many to keep" : "Days"}
      aria-invalid={invalid("selection.countNumber")}
      value={Number.isFinite(s.countNumber) ? s.countNumber : ""}
      onChange={(e) => onChange({ ...rule, selection: { ...s, countNumber: e.target.valueAsNumber } })}
    />
  );
  let words: ReactNode;
  if (countFirst)
    words = (
      <>
        {count} {number} {storage} {status} images {tags} — {action} the rest
      </>
    );
  else
    words = (
      <>
        {action} {storage} {status} images {tags} {count} {number} days{s.countType === "sinceImagePulled" ? " (never pulled: since the push)" : " ago"}
      </>
    );
  return (
    <p className="rule-sentence" title={sentenceText(rule)}>
      {words}
    </p>
  );
}

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
/** A select as wide as its chosen words (selects otherwise take their longest option's width). */
const fit = (label: string) => ({ width: `calc(${label.length}ch + 28px)` });

/** The tag patterns, committed on blur or Enter so typing "release-" does not churn the JSON. */
function TagsInput({ value, invalid, onChange }: { value: string; invalid: boolean; onChange: (typed: string) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <input
      className="inline-control tags"
      aria-label="Tags (patterns)"
      title="Tag patterns, space separated: release-* matches every tag starting release-; 1.0 only 1.0. An image needs a tag matching each."
      aria-invalid={invalid}
      value={draft}
      spellCheck={false}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => draft !== value && onChange(draft)}
      onKeyDown={(e) => e.key === "Enter" && draft !== value && onChange(draft)}
    />
  );
}

// An ECR registry's pull-through cache rules and repository creation templates: listed, created
// (the backend checks them against ECR's rules first) and deleted (after the user's native yes).
import { useEffect, useState, type FormEvent } from "react";
import { api, declined, type CreationTemplateView, type LadingError, type PullThroughRuleView, type RegistryView, type ResourceTag } from "../ipc";
import { relativeTime } from "../format";
import { ErrorText } from "./ErrorText";
import { TagRows, tagsToSend, tagsValid } from "./ResourceTags";

/** The upstreams ECR supports, for the URL field's suggestions. */
const UPSTREAMS = ["public.ecr.aws", "registry.k8s.io", "quay.io", "registry-1.docker.io", "ghcr.io", "registry.gitlab.com", "cgr.dev"];
const NEEDS_SECRET = new Set(["registry-1.docker.io", "ghcr.io", "registry.gitlab.com", "cgr.dev"]);

const APPLIED_FOR = [
  ["CREATE_ON_PUSH", "a push creates it"],
  ["PULL_THROUGH_CACHE", "a pull-through rule"],
  ["REPLICATION", "replication"],
] as const;

export function Problems({ error, retry }: { error: LadingError; retry?: () => void }) {
  return (
    <div className="form-error" role="alert">
      {retry && (
        <button className="link-button retry" onClick={retry}>
          Try again
        </button>
      )}
      {error.code === "invalid_input" ? (
        <ul className="policy-issues" aria-label="Problems">
          {error.message.split("; ").map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : (
        <ErrorText error={error} />
      )}
    </div>
  );
}

/**
 * A list read from the backend, and the changes made to it: each change says how it went (what
 * ECR refused, or `words` of what it did; a native "no" says nothing) and the list is read again.
 */
function useRules<T>(read: () => Promise<T[]>, key: string) {
  const [items, setItems] = useState<T[] | null>(null);
  const [readError, setReadError] = useState<LadingError | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    read().then(
      (list) => live && (setItems(list), setReadError(null)),
      (e: LadingError) => live && setReadError(e),
    );
    return () => {
      live = false;
    };
  }, [key, version]);
  const again = () => setVersion((n) => n + 1);
  function change<R>(done: Promise<R>, words: (result: R) => string, then?: () => void) {
    setError(null);
    setNotice(null);
    done.then(
      (result) => {
        setNotice(words(result));
        then?.();
        again();
      },
      (e: LadingError) => declined(e) || setError(e),
    );
  }
  const outcome = (
    <>
      {error && <Problems error={error} />}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
    </>
  );
  return { items, readError, again, change, outcome };
}

export function PullThroughRules({ registry }: { registry: RegistryView }) {
  const { items, readError, again, change, outcome } = useRules(() => api.pullThroughRules(registry.id), registry.id);
  const [prefix, setPrefix] = useState("");
  const [upstream, setUpstream] = useState("");
  const [secret, setSecret] = useState("");
  const host = upstream.trim().replace(/^https:\/\//, "").replace(/\/$/, "");

  function create(e: FormEvent) {
    e.preventDefault();
    change(
      api.createPullThroughRule(registry.id, { prefix, upstream_url: upstream, credential_arn: secret.trim() || null, upstream: null, created_at: null }),
      (made) => `Created: pulls of ${made.prefix}/… now fetch from ${made.upstream_url}.`,
      () => {
        setPrefix("");
        setUpstream("");
        setSecret("");
      },
    );
  }
  const remove = (rule: PullThroughRuleView) =>
    change(api.deletePullThroughRule(registry.id, rule.prefix), () => `Deleted the rule ${rule.prefix}.`);

  return (
    <div className="registry-rules">
      <p className="hint">A pull of PREFIX/name fetches name from the upstream registry once, then serves it from this registry.</p>
      {readError && <Problems error={readError} retry={again} />}
      {items && items.length === 0 && <p className="hint">No pull-through cache rule.</p>}
      {items && items.length > 0 && (
        <table className="settings-table" aria-label="Pull-through cache rules">
          <thead>
            <tr>
              <th>Prefix</th>
              <th>Upstream</th>
              <th>Credential</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.prefix}>
                <td>{r.prefix}</td>
                <td title={r.upstream ?? undefined}>{r.upstream_url}</td>
                <td className="ellipsis" title={r.credential_arn ?? undefined}>
                  {r.credential_arn ? r.credential_arn.split(":secret:")[1] ?? r.credential_arn : <span className="hint">none</span>}
                </td>
                <td>{relativeTime(r.created_at)}</td>
                <td>
                  <button className="danger compact" onClick={() => remove(r)} aria-label={`Delete the pull-through rule ${r.prefix}`}>
                    Delete…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="settings-form" onSubmit={create} aria-label="New pull-through cache rule">
        <label className="field">
          <span>Prefix</span>
          <input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="docker-hub" spellCheck={false} />
        </label>
        <label className="field">
          <span>Upstream registry</span>
          <input value={upstream} onChange={(e) => setUpstream(e.target.value)} list="pull-through-upstreams" placeholder="registry-1.docker.io" spellCheck={false} />
          <datalist id="pull-through-upstreams">
            {UPSTREAMS.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>Secrets Manager secret {NEEDS_SECRET.has(host) || host.endsWith(".azurecr.io") ? "(needed for this upstream)" : "(only for upstreams that need a sign-in)"}</span>
          <input value={secret} onChange={(e) => setSecret(e.target.value)} placeholder="arn:aws:secretsmanager:REGION:ACCOUNT:secret:ecr-pullthroughcache/NAME" spellCheck={false} />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={!prefix.trim() || !upstream.trim()}>
            Create rule
          </button>
        </div>
      </form>
      {outcome}
    </div>
  );
}

export function CreationTemplates({ registry }: { registry: RegistryView }) {
  const { items, readError, again, change, outcome } = useRules(() => api.creationTemplates(registry.id), registry.id);
  const [prefix, setPrefix] = useState("");
  const [description, setDescription] = useState("");
  const [appliedFor, setAppliedFor] = useState<string[]>(["CREATE_ON_PUSH"]);
  const [mutability, setMutability] = useState("");
  const [tags, setTags] = useState<ResourceTag[]>([]);
  const [lifecycle, setLifecycle] = useState("");
  const [policy, setPolicy] = useState("");

  function create(e: FormEvent) {
    e.preventDefault();
    const template: CreationTemplateView = {
      prefix, description: description.trim() || null, applied_for: appliedFor, mutability: mutability || null, tags: tagsToSend(tags),
      lifecycle_policy: lifecycle.trim() || null, repository_policy: policy.trim() || null,
    };
    change(api.createCreationTemplate(registry.id, template), () => `Created the template ${prefix.trim()}.`, () => {
      setPrefix("");
      setDescription("");
      setTags([]);
      setLifecycle("");
      setPolicy("");
    });
  }
  const remove = (t: CreationTemplateView) =>
    change(api.deleteCreationTemplate(registry.id, t.prefix), () => `Deleted the template ${t.prefix}.`);

  return (
    <div className="registry-rules">
      <p className="hint">The settings ECR gives a repository it creates itself, under a prefix (ROOT: any other).</p>
      {readError && <Problems error={readError} retry={again} />}
      {items && items.length === 0 && <p className="hint">No creation template: such repositories get ECR's defaults.</p>}
      {items && items.length > 0 && (
        <table className="settings-table" aria-label="Creation templates">
          <thead>
            <tr>
              <th>Prefix</th>
              <th>Applies to</th>
              <th>Tag mutability</th>
              <th>Carries</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.prefix} title={t.description ?? undefined}>
                <td>{t.prefix}</td>
                <td>{t.applied_for.map((a) => APPLIED_FOR.find(([k]) => k === a)?.[1] ?? a).join(", ")}</td>
                <td>{t.mutability ? t.mutability.toLowerCase() : <span className="hint">default</span>}</td>
                <td>
                  {[t.tags.length ? `${t.tags.length} resource ${t.tags.length === 1 ? "tag" : "tags"}` : "", t.lifecycle_policy ? "lifecycle policy" : "", t.repository_policy ? "repository policy" : ""]
                    .filter(Boolean)
                    .join(", ") || <span className="hint">—</span>}
                </td>
                <td>
                  <button className="danger compact" onClick={() => remove(t)} aria-label={`Delete the creation template ${t.prefix}`}>
                    Delete…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="settings-form" onSubmit={create} aria-label="New creation template">
        <label className="field">
          <span>Prefix</span>
          <input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="team-a/ or ROOT" spellCheck={false} />
        </label>
        <label className="field">
          <span>Description (optional)</span>
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <fieldset className="field">
          <legend>For repositories created by</legend>
          {APPLIED_FOR.map(([key, words]) => (
            <label key={key} className="check">
              <input
                type="checkbox"
                checked={appliedFor.includes(key)}
                onChange={(e) => setAppliedFor(e.target.checked ? [...appliedFor, key] : appliedFor.filter((a) => a !== key))}
              />
              {words}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Tag mutability</span>
          <select value={mutability} onChange={(e) => setMutability(e.target.value)}>
            <option value="">ECR's default (mutable)</option>
            <option value="MUTABLE">Mutable</option>
            <option value="IMMUTABLE">Immutable</option>
          </select>
        </label>
        <fieldset className="field template-tags">
          <legend>Resource tags of the repositories it makes</legend>
          <TagRows tags={tags} onChange={setTags} />
        </fieldset>
        <label className="field">
          <span>Lifecycle policy (JSON, optional: the Lifecycle… editor writes one)</span>
          <textarea className="policy-text" rows={3} value={lifecycle} onChange={(e) => setLifecycle(e.target.value)} spellCheck={false} placeholder='{"rules": [ … ]}' />
        </label>
        <label className="field">
          <span>Repository policy (JSON, optional)</span>
          <textarea className="policy-text" rows={3} value={policy} onChange={(e) => setPolicy(e.target.value)} spellCheck={false} placeholder='{"Version": "2012-10-17", "Statement": [ … ]}' />
        </label>
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={!prefix.trim() || appliedFor.length === 0 || !tagsValid(tags)}>
            Create template
          </button>
        </div>
      </form>
      {outcome}
    </div>
  );
}

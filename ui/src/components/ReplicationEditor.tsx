// An ECR registry's replication: rules of destinations (region and account) and repository
// prefixes. Saved as a whole; the backend checks it and asks natively, before and after.
import { useEffect, useState } from "react";
import { api, declined, type LadingError, type RegistryView, type ReplicationView } from "../ipc";
import { Problems } from "./RegistryRules";

interface RuleForm {
  destinations: Array<{ region: string; registry_id: string }>;
  /** Prefixes as typed, space separated. */
  filters: string;
}

const formOf = (v: ReplicationView): RuleForm[] => v.rules.map((r) => ({ destinations: r.destinations.map((d) => ({ ...d })), filters: r.filters.join(" ") }));
const replicationOf = (rules: RuleForm[]): ReplicationView => ({
  rules: rules.map((r) => ({
    destinations: r.destinations.map((d) => ({ region: d.region.trim(), registry_id: d.registry_id.trim() })),
    filters: r.filters.split(/[\s,]+/).filter(Boolean),
  })),
});

export function ReplicationEditor({ registry, onDirty }: { registry: RegistryView; onDirty: (dirty: boolean) => void }) {
  const [stored, setStored] = useState<ReplicationView | null>(null);
  const [rules, setRules] = useState<RuleForm[]>([]);
  const [error, setError] = useState<LadingError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const show = (v: ReplicationView) => {
    setStored(v);
    setRules(formOf(v));
  };
  const read = () => {
    setError(null);
    api.replication(registry.id).then(show, setError);
  };
  useEffect(read, [registry.id]);

  const wanted = replicationOf(rules);
  const changed = stored !== null && JSON.stringify(wanted) !== JSON.stringify(stored);
  useEffect(() => onDirty(changed), [changed]);

  const edit = (index: number, next: RuleForm) => setRules(rules.map((r, i) => (i === index ? next : r)));
  const own = registry.account ?? "";

  function save() {
    setSaving(true);
    setError(null);
    setNotice(null);
    api.setReplication(registry.id, wanted).then(
      (v) => {
        show(v);
        setNotice("Saved. Images pushed from now on are copied to each destination.");
      },
      (e: LadingError) => (declined(e) ? setNotice("Not changed.") : setError(e)),
    ).finally(() => setSaving(false));
  }

  if (!stored && !error) return <p className="hint">Reading the replication configuration…</p>;
  if (!stored && error) return <Problems error={error} retry={read} />;
  return (
    <div className="replication">
      <p className="hint">
        Each rule copies the images pushed to the repositories it names (by prefix; none: every repository) to other regions or accounts. Another account must allow this registry in its registry policy.
      </p>
      {rules.length === 0 && <p className="hint">No replication: images stay in this region.</p>}
      <ol className="rule-list">
        {rules.map((rule, i) => (
          <li key={i} className="rule-card" aria-label={`Replication rule ${i + 1}`}>
            <div className="rule-top">
              <span className="priority">{i + 1}</span>
              <label className="field inline-field">
                <span>Repositories starting with</span>
                <input
                  aria-label={`Rule ${i + 1} repository prefixes`}
                  placeholder="every repository"
                  value={rule.filters}
                  spellCheck={false}
                  onChange={(e) => edit(i, { ...rule, filters: e.target.value })}
                />
              </label>
              <button className="icon-button" onClick={() => setRules(rules.filter((_, j) => j !== i))} aria-label={`Remove replication rule ${i + 1}`} title="Remove">
                ×
              </button>
            </div>
            {rule.destinations.map((d, j) => (
              <div key={j} className="destination-row">
                <span className="hint">to</span>
                <input
                  aria-label={`Rule ${i + 1} destination ${j + 1} region`}
                  placeholder="eu-west-1"
                  value={d.region}
                  spellCheck={false}
                  onChange={(e) => edit(i, { ...rule, destinations: rule.destinations.map((x, k) => (k === j ? { ...x, region: e.target.value } : x)) })}
                />
                <span className="hint">in account</span>
                <input
                  aria-label={`Rule ${i + 1} destination ${j + 1} account`}
                  placeholder={registry.account ? "123456789012" : "this account"}
                  inputMode="numeric"
                  value={d.registry_id}
                  onChange={(e) => edit(i, { ...rule, destinations: rule.destinations.map((x, k) => (k === j ? { ...x, registry_id: e.target.value } : x)) })}
                />
                {d.registry_id.trim() === own && <span className="hint">(this account{own ? "" : ": left empty, ECR's own is used"})</span>}
                <button
                  className="icon-button"
                  onClick={() => edit(i, { ...rule, destinations: rule.destinations.filter((_, k) => k !== j) })}
                  aria-label={`Remove destination ${j + 1} of rule ${i + 1}`}
                  title="Remove destination"
                >
                  ×
                </button>
              </div>
            ))}
            <button className="link-button" onClick={() => edit(i, { ...rule, destinations: [...rule.destinations, { region: "", registry_id: own }] })}>
              + Destination
            </button>
          </li>
        ))}
      </ol>
      <div className="add-rule">
        <button onClick={() => setRules([...rules, { destinations: [{ region: "", registry_id: own }], filters: "" }])}>+ Replication rule</button>
      </div>
      {error && <Problems error={error} />}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <div className="dialog-actions">
        <button onClick={() => stored && show(stored)} disabled={!changed}>
          Undo changes
        </button>
        <button className="primary" onClick={save} disabled={!changed || saving} title="PutReplicationConfiguration (you confirm natively)">
          {saving ? "Saving…" : "Save replication…"}
        </button>
      </div>
    </div>
  );
}

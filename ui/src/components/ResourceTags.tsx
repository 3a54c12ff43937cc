import { useEffect, useState } from "react";
import { api, type LadingError, type RegistryView, type ResourceTag } from "../ipc";

/** ECR's rules for a resource tag, said at the field as the user types (the backend checks again). */
const ALLOWED = /^[\p{L}\p{N}\s_.:/=+\-@]*$/u;

/** A row left empty is no tag (it is dropped), not a mistake. */
export const blankTag = (tag: ResourceTag) => !tag.key.trim() && !tag.value.trim();

/** The tags to send: trimmed, empty rows dropped. */
export const tagsToSend = (tags: ResourceTag[]) =>
  tags.filter((t) => !blankTag(t)).map((t) => ({ key: t.key.trim(), value: t.value.trim() }));

export function tagProblem(tag: ResourceTag, all: ResourceTag[]): string | null {
  const key = tag.key.trim();
  if (blankTag(tag)) return null;
  if (!key) return "A key is needed.";
  if (key.length > 128) return "A key has at most 128 characters.";
  if (key.toLowerCase().startsWith("aws:")) return "Keys starting with aws: are reserved for AWS.";
  if (!ALLOWED.test(key)) return "Keys hold letters, digits, spaces and _ . : / = + - @ only.";
  if (all.filter((t) => t.key.trim() === key).length > 1) return "This key is given twice.";
  if (tag.value.length > 256) return "A value has at most 256 characters.";
  if (!ALLOWED.test(tag.value)) return "Values hold letters, digits, spaces and _ . : / = + - @ only.";
  return null;
}

export const tagsValid = (tags: ResourceTag[]) => tags.length <= 50 && tags.every((t) => tagProblem(t, tags) === null);

/** Key/value rows with add and remove; each problem under its row. */
export function TagRows({ tags, onChange }: { tags: ResourceTag[]; onChange: (tags: ResourceTag[]) => void }) {
  const set = (at: number, change: Partial<ResourceTag>) => onChange(tags.map((t, i) => (i === at ? { ...t, ...change } : t)));
  return (
    <div className="tag-rows">
      {tags.length === 0 && <p className="hint">No resource tags.</p>}
      {tags.map((tag, i) => {
        const problem = tagProblem(tag, tags);
        return (
          <div key={i} className="tag-row">
            <input
              aria-label={`Key of tag ${i + 1}`}
              aria-invalid={problem !== null}
              placeholder="key"
              value={tag.key}
              onChange={(e) => set(i, { key: e.target.value })}
              spellCheck={false}
            />
            <input
              aria-label={`Value of tag ${i + 1}`}
              placeholder="value"
              value={tag.value}
              onChange={(e) => set(i, { value: e.target.value })}
              spellCheck={false}
            />
            <button type="button" aria-label={`Remove tag ${i + 1}`} onClick={() => onChange(tags.filter((_, j) => j !== i))}>
              ×
            </button>
            {problem && <p className="form-error tag-problem">{problem}</p>}
          </div>
        );
      })}
      {tags.length > 50 && <p className="form-error">ECR takes at most 50 tags on a repository.</p>}
      <button type="button" className="link-button" onClick={() => onChange([...tags, { key: "", value: "" }])}>
        + Add a tag
      </button>
    </div>
  );
}

/** A repository's resource tags, read from ECR, edited, saved as a whole and read back. */
export function ResourceTagsEditor({
  registry,
  name,
  onDirty,
  onClose,
}: {
  registry: RegistryView;
  name: string;
  onDirty: (dirty: boolean) => void;
  onClose: () => void;
}) {
  const [stored, setStored] = useState<ResourceTag[] | null>(null);
  const [tags, setTags] = useState<ResourceTag[]>([]);
  const [error, setError] = useState<LadingError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const show = (t: ResourceTag[]) => {
    setStored(t);
    setTags(t);
  };
  useEffect(() => {
    api.repositoryTags(registry.id, name).then(show, setError);
  }, [registry.id, name]);
  const dirty = stored !== null && JSON.stringify(tags) !== JSON.stringify(stored);
  useEffect(() => onDirty(dirty), [dirty]);
  const save = async () => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      show(await api.setRepositoryTags(registry.id, name, tagsToSend(tags)));
      setSaved(true);
    } catch (err) {
      setError(err as LadingError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-label="Resource tags" className="resource-tags">
      {stored === null && !error && <p className="hint">Reading the tags from ECR…</p>}
      {stored !== null && <TagRows tags={tags} onChange={setTags} />}
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {saved && (
        <p className="notice" role="status">
          Saved; ECR now reports these tags.
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button type="button" className="primary" onClick={save} disabled={busy || !dirty || !tagsValid(tags)}>
          Save tags
        </button>
      </div>
    </section>
  );
}

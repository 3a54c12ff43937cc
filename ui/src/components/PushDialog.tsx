import { useEffect, useState, type FormEvent } from "react";
import { api, type LocalImageView, type LocalView, type RegistryView } from "../ipc";
import { formatBytes } from "../format";
import { immutableClashes, invalidTag, parseTags } from "../push";
import { Modal } from "./Modal";
import { TagsField, useEnqueue } from "./Transfer";

/** One image of an opened archive or layout folder. */
export interface PushItem {
  local: LocalView;
  image: LocalImageView;
}

interface ItemTarget {
  checked: boolean;
  repository: string;
  tagsText: string;
}

interface RepositoryFacts {
  mutability: string;
  exclusions: string[];
  tags: string[];
}

const imageName = (image: LocalImageView) => image.names[0] ?? `image ${image.index + 1}`;

function describeImage(image: LocalImageView): string {
  if (image.kind === "index") return `index of ${image.layers} images`;
  const layers = `${image.layers} ${image.layers === 1 ? "layer" : "layers"}`;
  return `${image.platform ? `${image.platform} · ` : ""}${layers} · ${formatBytes(image.size)}`;
}

/**
 * Push images of local sources: choose where and which tags, then each chosen image joins the
 * transfer queue (its progress shows there) and the sheet closes.
 */
export function PushDialog({
  items,
  checked,
  registries,
  browsed,
  origin,
  onClose,
}: {
  items: PushItem[];
  /** Which items start ticked. */
  checked: (item: PushItem) => boolean;
  registries: RegistryView[];
  /** The registry and repository open in the browser, if any: a single image goes there by default. */
  browsed: { registryId: string; repository: string | null } | null;
  /** Where the push sheet was opened (the sidebar selection). */
  origin: string;
  onClose: () => void;
}) {
  const enqueue = useEnqueue();
  const browsedRegistry = registries.some((r) => r.id === browsed?.registryId) ? browsed : null;
  const [registryId, setRegistryId] = useState(browsedRegistry?.registryId ?? registries[0]?.id ?? "");
  const [targets, setTargets] = useState<ItemTarget[]>(() =>
    items.map((item) => {
      // Where the image's names point, as the backend read them.
      const intoBrowsed = items.length === 1 && browsedRegistry?.repository;
      return {
        checked: checked(item),
        repository: intoBrowsed ? browsedRegistry.repository! : item.image.target_repository,
        tagsText: item.image.target_tags.join(" "),
      };
    }),
  );
  const [compression, setCompression] = useState("gzip");
  const [createRepository, setCreateRepository] = useState(true);
  const registry = registries.find((r) => r.id === registryId);
  const chosen = targets.map((t, i) => ({ ...t, item: items[i]!, name: t.repository.trim(), tags: parseTags(t.tagsText) })).filter((t) => t.checked);

  // ECR refuses to move a tag of an immutable repository: say so before the upload, not after.
  const [facts, setFacts] = useState<Record<string, RepositoryFacts>>({});
  const repositories = [...new Set(chosen.map((t) => t.name).filter(Boolean))].sort().join("\n");
  useEffect(() => {
    setFacts({});
    if (registry?.kind !== "ecr" || !repositories) return;
    let current = true;
    const timer = setTimeout(() => {
      for (const name of repositories.split("\n"))
        Promise.all([api.repositorySettings(registryId, name), api.listTags(registryId, name)]).then(
          ([settings, tags]) =>
            current &&
            setFacts((f) => ({ ...f, [name]: { mutability: settings.tag_mutability, exclusions: settings.mutability_exclusions, tags } })),
          // A repository that does not exist yet has nothing to clash with.
          () => {},
        );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [registryId, registry?.kind, repositories]);
  const clashesOf = (name: string, tags: string[]) => {
    const known = facts[name];
    return known ? immutableClashes(tags, known.tags, known.mutability, known.exclusions) : [];
  };
  const blocked =
    !registry ||
    chosen.length === 0 ||
    chosen.some((t) => !t.name || t.tags.some(invalidTag) || clashesOf(t.name, t.tags).length > 0);


  const change = (index: number, patch: Partial<ItemTarget>) =>
    setTargets((all) => all.map((t, i) => (i === index ? { ...t, ...patch } : t)));

  function push(e: FormEvent) {
    e.preventDefault();
    if (!registry || blocked) return;
    for (const { item, name, tags } of chosen) {
      const shownTag = tags.length ? `:${tags.join(", :")}` : " (by digest)";
      enqueue({
        kind: "push",
        title: `Push ${name}${shownTag} to ${registry.name}`,
        blobLabel: (blob) => (item.image.kind === "index" ? `Blob ${blob + 1}` : blob < item.image.layers ? `Layer ${blob + 1}` : "Config"),
        target: { registryId: registry.id, repository: name },
        origin,
        run: (onEvent) =>
          api.pushLocal(
            {
              source_id: item.local.id,
              image: item.image.index,
              registry_id: registry.id,
              repository: name,
              tags,
              compression,
              create_repository: registry.kind === "ecr" && createRepository,
            },
            onEvent,
          ),
        describe: (done) =>
          `Pushed ${name}${done.tags.length ? `:${done.tags.join(", :")}` : ""} as ${done.manifest_digest.slice(0, 19)}… (${formatBytes(done.bytes)} uploaded)`,
      });
    }
    onClose();
  }

  const single = items.length === 1;
  const sources = [...new Set(items.map((i) => i.local.name))];
  return (
    <Modal label="Push image" className="push-dialog" onClose={onClose}>
        <h2>{single ? `Push ${imageName(items[0]!.image)}` : `Push images`}</h2>
        <p className="hint">
          From {sources.join(", ")}
          {single ? ` · ${describeImage(items[0]!.image)}` : ` · ${items.length} images found`}
        </p>
        <form onSubmit={push}>
          {registries.length === 0 ? (
            <p className="form-error" role="alert">
              Add a registry first (+ Add): there is nowhere to push to.
            </p>
          ) : (
            <label className="field">
              <span>Registry</span>
              <select value={registryId} onChange={(e) => setRegistryId(e.target.value)}>
                {registries.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className={single ? "push-targets" : "push-targets several"}>
            {targets.map((target, index) => {
              const item = items[index]!;
              const name = target.repository.trim();
              const clashes = target.checked ? clashesOf(name, parseTags(target.tagsText)) : [];
              const fields = (
                <>
                  <label className="field">
                    <span>Repository</span>
                    <input
                      value={target.repository}
                      onChange={(e) => change(index, { repository: e.target.value })}
                      spellCheck={false}
                      required={target.checked}
                      disabled={!target.checked}
                    />
                  </label>
                  <TagsField
                    label="Tags (space separated; none pushes by digest only)"
                    value={target.tagsText}
                    onChange={(tagsText) => change(index, { tagsText })}
                  />
                  {clashes.length > 0 && (
                    <p className="form-error" role="alert">
                      {name} is immutable and already has {clashes.join(", ")}: ECR would refuse to move{" "}
                      {clashes.length === 1 ? "it" : "them"}. Choose another tag.
                    </p>
                  )}
                </>
              );
              if (single) return <div key={index}>{fields}</div>;
              return (
                <fieldset key={index} className={target.checked ? "push-item" : "push-item off"}>
                  <legend>
                    <label className="choice">
                      <input type="checkbox" checked={target.checked} onChange={(e) => change(index, { checked: e.target.checked })} />
                      {imageName(item.image)}
                      <span className="hint">
                        {" "}
                        · {describeImage(item.image)}
                        {sources.length > 1 && ` · ${item.local.name}`}
                      </span>
                    </label>
                  </legend>
                  {target.checked && fields}
                </fieldset>
              );
            })}
          </div>
          <label className="field">
            <span>Compression of uncompressed layers</span>
            <select value={compression} onChange={(e) => setCompression(e.target.value)}>
              <option value="gzip">gzip (every registry and runtime)</option>
              <option value="zstd">zstd (smaller, faster; needs a recent runtime)</option>
            </select>
          </label>
          {registry?.kind === "ecr" && (
            <label className="choice">
              <input type="checkbox" checked={createRepository} onChange={(e) => setCreateRepository(e.target.checked)} />
              Create the repository if it does not exist
            </label>
          )}
          <p className="hint">Pushes join the transfer queue (at the bottom of the window) and run one after another.</p>
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={blocked}>
              {chosen.length > 1 ? `Push ${chosen.length} images` : "Push"}
            </button>
          </div>
        </form>
    </Modal>
  );
}

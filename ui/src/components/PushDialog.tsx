import { useEffect, useState, type FormEvent } from "react";
import { api, type LocalImageView, type LocalView, type RegistryView } from "../ipc";
import { formatBytes } from "../format";
import { defaultTarget, immutableClashes, invalidTag, parseTags } from "../push";
import { TagsField, TransferProgress, useTransfer } from "./Transfer";

/** Push an image of a local source: choose where, then per-layer progress with cancel. */
export function PushDialog({
  local,
  image,
  registries,
  onClose,
  onShow,
}: {
  local: LocalView;
  image: LocalImageView;
  registries: RegistryView[];
  onClose: () => void;
  /** Opens the registry's repository the image went to. */
  onShow: (registryId: string, repository: string) => void;
}) {
  const initial = defaultTarget(image.names);
  const [registryId, setRegistryId] = useState(registries[0]?.id ?? "");
  const [repository, setRepository] = useState(initial.repository);
  const [tagsText, setTagsText] = useState(initial.tags.join(" "));
  const [compression, setCompression] = useState("gzip");
  const [createRepository, setCreateRepository] = useState(true);
  const transfer = useTransfer();
  const phase = transfer.phase;
  const registry = registries.find((r) => r.id === registryId);
  const tags = parseTags(tagsText);
  const badTags = tags.filter(invalidTag);
  // ECR refuses to move a tag of an immutable repository: say so before the upload, not after.
  const [target, setTarget] = useState<{ mutability: string; exclusions: string[]; tags: string[] } | null>(null);
  useEffect(() => {
    setTarget(null);
    const name = repository.trim();
    if (registry?.kind !== "ecr" || !name) return;
    let current = true;
    const timer = setTimeout(() => {
      Promise.all([api.repositorySettings(registryId, name), api.listTags(registryId, name)]).then(
        ([settings, existing]) =>
          current && setTarget({ mutability: settings.tag_mutability, exclusions: settings.mutability_exclusions, tags: existing }),
        // A repository that does not exist yet has nothing to clash with.
        () => {},
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [registryId, registry?.kind, repository]);
  const clashes = target ? immutableClashes(tags, target.tags, target.mutability, target.exclusions) : [];

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && phase !== "running" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, phase]);

  function push(e?: FormEvent) {
    e?.preventDefault();
    const target = repository.trim();
    transfer.start(
      (onEvent) =>
        api.pushLocal(
          {
            source_id: local.id,
            image: image.index,
            registry_id: registryId,
            repository: target,
            tags,
            compression,
            create_repository: registry?.kind === "ecr" && createRepository,
          },
          onEvent,
        ),
      (done) =>
        `Pushed ${target}${done.tags.length ? `:${done.tags.join(", :")}` : ""} as ${done.manifest_digest.slice(0, 19)}… (${formatBytes(done.bytes)} uploaded)`,
    );
  }

  return (
    <div className="dialog-backdrop">
      <div className="dialog push-dialog" role="dialog" aria-modal="true" aria-label="Push image">
        <h2>Push {image.names[0] ?? `image ${image.index + 1}`}</h2>
        <p className="hint">
          From {local.name} · {image.layers} {image.layers === 1 ? "layer" : "layers"} · {formatBytes(image.size)}
        </p>
        {phase === "form" ? (
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
            <label className="field">
              <span>Repository</span>
              <input value={repository} onChange={(e) => setRepository(e.target.value)} spellCheck={false} required />
            </label>
            <TagsField label="Tags (space separated; none pushes by digest only)" value={tagsText} onChange={setTagsText} />
            {clashes.length > 0 && (
              <p className="form-error" role="alert">
                {repository.trim()} is immutable and already has {clashes.join(", ")}: ECR would refuse to move{" "}
                {clashes.length === 1 ? "it" : "them"}. Choose another tag.
              </p>
            )}
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
            <div className="dialog-actions">
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={!registry || !repository.trim() || badTags.length > 0 || clashes.length > 0}>
                Push
              </button>
            </div>
          </form>
        ) : (
          <TransferProgress
            transfer={transfer}
            label={(blob) => (blob < image.layers ? `Layer ${blob + 1}` : "Config")}
            onRetry={() => push()}
            onClose={onClose}
            done={{ label: "Show in the registry", action: () => onShow(registryId, repository.trim()) }}
          />
        )}
      </div>
    </div>
  );
}

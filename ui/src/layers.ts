// An image's history matched to its layers: each step that made a layer takes the next layer in
// order (as docker does); steps that made none (ENV, CMD…) are marked. Pure, for unit tests.
import type { HistoryEntry, LayerEntry } from "./ipc";

export interface HistoryStep {
  command: string;
  created: string | null;
  /** Index into the layers of the layer this step made; null for a step that made none. */
  layer: number | null;
  size: number | null;
}

/** The history with each step's layer and size; layers no step names are appended, unnamed. */
export function historyWithLayers(history: HistoryEntry[], layers: LayerEntry[]): HistoryStep[] {
  const steps: HistoryStep[] = [];
  let next = 0;
  for (const h of history) {
    const makes = !h.empty_layer && next < layers.length;
    steps.push({
      command: h.created_by,
      created: h.created,
      layer: makes ? next : null,
      size: makes ? layers[next]!.size : null,
    });
    if (makes) next++;
  }
  // Builders that record no history (or less of it) still have layers.
  for (; next < layers.length; next++) steps.push({ command: "", created: null, layer: next, size: layers[next]!.size });
  return steps;
}

/** Each layer's command, by layer index ("" where the history does not say). */
export function layerCommands(history: HistoryEntry[], layers: LayerEntry[]): string[] {
  const commands = layers.map(() => "");
  for (const step of historyWithLayers(history, layers)) if (step.layer !== null) commands[step.layer] = step.command;
  return commands;
}

/** A Dockerfile step as people read it: buildkit's `/bin/sh -c #(nop) ` and `|1 ARG=…` noise dropped. */
export function readableCommand(command: string): string {
  return command
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, "")
    .replace(/^\|\d+ (\S+=\S* )*/, "")
    .trim();
}

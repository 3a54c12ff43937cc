// The transfer queue's state, kept pure for unit tests: pushes, exports and copies run one at a
// time in the order they were asked for; finished ones stay listed until cleared.
import type { BlobProgress, LadingError, TransferEvent } from "./ipc";

export type Finished = Extract<TransferEvent, { event: "finished" }>;
export type JobState = "queued" | "running" | "done" | "failed" | "cancelled";

/** Where a push or copy puts the image: what "Show" opens. */
export interface Target {
  registryId: string;
  repository: string;
}

export interface JobSpec {
  kind: "push" | "export" | "copy";
  title: string;
  /** Names blob n in the per-blob list ("Layer 2", "Config"). */
  blobLabel: (blob: number) => string;
  run: (onEvent: (event: TransferEvent) => void) => Promise<void>;
  /** The line shown once it succeeded. */
  describe: (done: Finished) => string;
  target?: Target;
  /** Where in the app it was started (a sidebar selection): its result is shown if the user is still there. */
  origin?: string;
  /** The registry a copy was started from: its notice shows there (without moving the user). */
  startedIn?: string;
  /** An export's destination, which a retry may change: the same transfer to another path. */
  destination?: { path: string; retarget: (path: string) => JobSpec };
}

export interface Job {
  id: number;
  spec: JobSpec;
  state: JobState;
  blobs: Record<number, BlobProgress>;
  startedAt: number | null;
  finishedAt: number | null;
  transferId: string | null;
  error: LadingError | null;
  result: string | null;
  finished: Finished | null;
}

export type QueueAction =
  | { type: "add"; id: number; spec: JobSpec }
  | { type: "start"; id: number; at: number }
  | { type: "event"; id: number; event: TransferEvent }
  | { type: "succeeded"; id: number; at: number }
  | { type: "failed"; id: number; at: number; error: LadingError }
  /** Drops a job that has not started; a running one is cancelled through the backend. */
  | { type: "unqueue"; id: number }
  /** Queued again; with a spec, as that (an export to another destination). */
  | { type: "retry"; id: number; spec?: JobSpec }
  | { type: "remove"; id: number }
  | { type: "clear" };

const isFinal = (state: JobState) => state === "done" || state === "failed" || state === "cancelled";

export function queueReducer(jobs: Job[], action: QueueAction): Job[] {
  const update = (id: number, change: (job: Job) => Partial<Job>) =>
    jobs.map((job) => (job.id === id ? { ...job, ...change(job) } : job));
  switch (action.type) {
    case "add":
      return [
        ...jobs,
        {
          id: action.id,
          spec: action.spec,
          state: "queued",
          blobs: {},
          startedAt: null,
          finishedAt: null,
          transferId: null,
          error: null,
          result: null,
          finished: null,
        },
      ];
    case "start":
      return update(action.id, () => ({ state: "running", startedAt: action.at, blobs: {}, error: null, result: null }));
    case "event": {
      const event = action.event;
      if (event.event === "started") return update(action.id, () => ({ transferId: event.transfer_id }));
      if (event.event === "progress")
        return update(action.id, (job) => {
          const blobs = { ...job.blobs };
          for (const p of event.blobs) blobs[p.blob] = p;
          return { blobs };
        });
      return update(action.id, (job) => ({ finished: event, result: job.spec.describe(event) }));
    }
    case "succeeded":
      return update(action.id, () => ({ state: "done", finishedAt: action.at, transferId: null }));
    case "failed":
      return update(action.id, () => ({
        state: action.error.code === "cancelled" ? "cancelled" : "failed",
        finishedAt: action.at,
        transferId: null,
        error: action.error,
      }));
    case "unqueue":
      return update(action.id, (job) => (job.state === "queued" ? { state: "cancelled", finishedAt: null } : {}));
    case "retry":
      return update(action.id, (job) =>
        isFinal(job.state) ? { state: "queued", error: null, result: null, blobs: {}, ...(action.spec ? { spec: action.spec } : {}) } : {},
      );
    case "remove":
      return jobs.filter((job) => job.id !== action.id || !isFinal(job.state));
    case "clear":
      return jobs.filter((job) => !isFinal(job.state));
  }
}

/** The job to start now: the oldest queued one, when nothing is running. */
export function nextToRun(jobs: Job[]): Job | undefined {
  if (jobs.some((job) => job.state === "running")) return undefined;
  return jobs.find((job) => job.state === "queued");
}

export function queueSummary(jobs: Job[]): string {
  const count = (state: JobState) => jobs.filter((job) => job.state === state).length;
  const parts = [
    [count("running"), "running"],
    [count("queued"), "queued"],
    [count("failed"), "failed"],
    [count("cancelled"), "cancelled"],
    [count("done"), "done"],
  ] as const;
  return parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(" · ");
}

/** Transfers still to finish: what closing the window would stop. */
export function unfinished(jobs: Job[]): number {
  return jobs.filter((job) => job.state === "running" || job.state === "queued").length;
}

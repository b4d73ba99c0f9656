import { monotonicMs } from '../clock/wall-clock.ts';
import type { EngineHooks, RunProgress, RunStart } from '../engine/engine-hooks.ts';
import type { PaceStatus } from '../engine/pace-control.ts';
import { nearestRank } from '../util/nearest-rank.ts';
import type { ActionRecord, ComplaintRecord, EventRecord } from '../store/records.ts';
import type { Redactor } from '../store/redact.ts';

/** One actor as the live grid knows it. */
export interface LiveActor {
  id: number;
  name: string;
  behavior: string;
  actions: number;
  failed: number;
  complaints: number;
  stopped: boolean;
  lastAction: { action: string; outcome: string; simTime: number } | null;
}

/** Where the run is, sent with every batch. */
export interface LiveStatus {
  runId: string | null;
  state: 'starting' | 'running' | 'done';
  simTime: number;
  simLimit: number;
  wallMs: number;
  actions: number;
  failed: number;
  complaints: number;
  actors: number;
  /** What the run's pace control reports (speed, paused, lag), when the run has one. */
  pace: PaceStatus | null;
  /** Counts by action name so far. */
  byAction: Record<string, { count: number; failed: number }>;
}

/** One point of the live charts: what happened between two batches. */
export interface LivePoint {
  /** Sim time at the end of the interval. */
  at: number;
  /** Wall ms since the feed started, at the end of the interval. */
  wallMs: number;
  actionsPerSecond: number;
  failed: number;
  complaints: number;
  p50: number | null;
  p99: number | null;
}

/** What a client gets every `everyMs` while something happened (throttled and batched: never one message per action). */
export interface LiveBatch {
  type: 'batch';
  status: LiveStatus;
  point: LivePoint;
  spawned: LiveActor[];
  /**
   * Actors whose counts changed in this batch (acted, failed, complained or stopped), as compact
   * rows `[id, actions, failed, complaints, stopped 0|1]`: with 10k actors most change in every
   * batch, and whole rows made the page stutter. The rest of a row: `actor(id)`.
   */
  changed: LiveCounts[];
  complaints: ComplaintRecord[];
  /** Calls made through the controls since the last batch (what, by whom). */
  controls: EventRecord[];
}

/** What a client gets first: everything it needs to draw the page, then batches. */
export interface LiveHello {
  type: 'hello';
  title: string;
  status: LiveStatus;
  actors: LiveActor[];
  points: LivePoint[];
  complaints: ComplaintRecord[];
  /** Names of the control operations the server accepts (empty: watch only). */
  controls: string[];
  /** Behaviors and actions the simulation defines (for the controls' menus). */
  behaviors: string[];
  actions: string[];
}

export type LiveMessage = LiveHello | LiveBatch;

/** `[id, actions, failed, complaints, stopped 0|1]` (see LiveBatch.changed). */
export type LiveCounts = [number, number, number, number, 0 | 1];

export interface LiveFeedOptions {
  title: string;
  /** Text from the run (complaints) goes through it before it leaves the process. */
  redactor: Redactor;
  /** How often a batch is sent, wall ms (default 250). */
  everyMs?: number;
  /** The run's pace (speed, paused, lag), read at every batch; null while there is none. */
  pace?: () => PaceStatus | null;
  behaviors?: string[];
  actions?: string[];
}

/** How many chart points and complaints a new client gets, and how many latencies an interval keeps. */
const keptPoints = 600;
const keptComplaints = 200;
const sampledLatencies = 4096;

/**
 * Follows a running run through its hooks and turns it into throttled batches for the live
 * dashboard: counts and latencies are folded per interval, actors that changed are sent once per
 * batch, so the page stays smooth with 10k actors acting many times a second.
 *
 * @example
 * const feed = new LiveFeed({ title: 'run', redactor });
 * await runSimulation(sim, { hooks: feed.hooks });
 * const stop = feed.subscribe((message) => socket.send(JSON.stringify(message)));
 */
export class LiveFeed {
  readonly #options: LiveFeedOptions;
  readonly #everyMs: number;
  readonly #startedAt = monotonicMs();
  readonly #actors = new Map<number, LiveActor>();
  readonly #points: LivePoint[] = [];
  readonly #complaints: ComplaintRecord[] = [];
  readonly #listeners = new Set<(message: LiveMessage) => void>();
  readonly #status: LiveStatus;
  #controlOps: string[] = [];
  // The interval being gathered.
  #spawned: LiveActor[] = [];
  readonly #changed = new Set<LiveActor>();
  #newComplaints: ComplaintRecord[] = [];
  #controls: EventRecord[] = [];
  #intervalActions = 0;
  #intervalFailed = 0;
  #intervalComplaints = 0;
  #latencies: number[] = [];
  #latencyStride = 1;
  #latencySeen = 0;
  #lastFlushAt = this.#startedAt;
  #timer: NodeJS.Timeout | null = null;

  constructor(options: LiveFeedOptions) {
    this.#options = options;
    this.#everyMs = options.everyMs ?? 250;
    this.#status = { runId: null, state: 'starting', simTime: 0, simLimit: 0, wallMs: 0, actions: 0, failed: 0, complaints: 0, actors: 0, pace: null, byAction: Object.create(null) as LiveStatus['byAction'] };
  }

  /** The listeners to give the run (`hooks`); each does a few field updates, nothing more. */
  readonly hooks: EngineHooks = {
    onRunStart: (start: RunStart) => {
      Object.assign(this.#status, { runId: start.runId, simLimit: start.simLimit, state: 'running' });
      this.#timer ??= setInterval(() => this.flush(), this.#everyMs).unref();
    },
    onAction: (row: ActionRecord) => {
      const status = this.#status;
      status.actions++;
      this.#intervalActions++;
      const failed = row.outcome !== 'ok';
      if (failed) {
        status.failed++;
        this.#intervalFailed++;
      }
      if (row.simTime > status.simTime) status.simTime = row.simTime;
      const tally = (status.byAction[row.action] ??= { count: 0, failed: 0 });
      tally.count++;
      if (failed) tally.failed++;
      this.#sampleLatency(row.latencyMs);
      const actor = this.#actors.get(row.actorId);
      if (actor) {
        actor.actions++;
        if (failed) actor.failed++;
        actor.lastAction = { action: row.action, outcome: row.outcome, simTime: row.simTime };
        this.#changed.add(actor);
      }
    },
    onComplaint: (row: ComplaintRecord) => {
      this.#status.complaints++;
      this.#intervalComplaints++;
      const redacted = this.#options.redactor.record(row);
      this.#newComplaints.push(redacted);
      const actor = this.#actors.get(row.actorId);
      if (actor) {
        actor.complaints++;
        this.#changed.add(actor);
      }
    },
    onEvent: (row: EventRecord) => {
      // Calls through the controls (the population API logs them as 'control' events), by whoever made them.
      if ((row.kind as string) === 'control') this.#controls.push(row);
      if (row.actorId === null) return;
      if (row.kind === 'spawn') {
        const detail = row.detail as { behavior: string; name: string };
        const actor: LiveActor = { id: row.actorId, name: detail.name, behavior: detail.behavior, actions: 0, failed: 0, complaints: 0, stopped: false, lastAction: null };
        this.#actors.set(actor.id, actor);
        this.#status.actors = this.#actors.size;
        this.#spawned.push(actor);
      } else if (row.kind === 'stop' || row.kind === 'retire' || row.kind === 'give-up') {
        const actor = this.#actors.get(row.actorId);
        if (actor) {
          actor.stopped = true;
          this.#changed.add(actor);
        }
      }
    },
    onProgress: (progress: RunProgress) => {
      if (progress.simTime > this.#status.simTime) this.#status.simTime = progress.simTime;
    },
  };

  /** `value` with what the run's redaction hides hidden (a control call's answer, before it leaves the process). */
  redact(value: unknown): unknown {
    return value !== null && typeof value === 'object' ? this.#options.redactor.record(value) : value;
  }

  /** One actor's whole row (for its card), or null. */
  actor(id: number): LiveActor | null {
    return this.#actors.get(id) ?? null;
  }

  /** The operations the page may offer (set once the run's controls are known). */
  set controlOps(ops: string[]) {
    this.#controlOps = ops;
  }

  get title(): string {
    return this.#options.title;
  }

  /** Everything a new client needs, then it gets batches. */
  hello(): LiveHello {
    return {
      type: 'hello', title: this.#options.title, status: this.#statusNow(), actors: [...this.#actors.values()],
      points: [...this.#points], complaints: [...this.#complaints], controls: this.#controlOps,
      behaviors: this.#options.behaviors ?? [], actions: this.#options.actions ?? [],
    };
  }

  /** Calls `listener` with every batch until the returned function is called. */
  subscribe(listener: (message: LiveMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The run ended: a last batch says so, and no more come. */
  end(): void {
    this.#status.state = 'done';
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.flush();
  }

  /** Sends what gathered since the last batch (the timer calls it; tests may too). */
  flush(): void {
    const now = monotonicMs();
    const seconds = Math.max(1e-3, (now - this.#lastFlushAt) / 1000);
    this.#lastFlushAt = now;
    const sorted = this.#latencies.sort((a, b) => a - b);
    const point: LivePoint = {
      at: this.#status.simTime, wallMs: Math.round(now - this.#startedAt), actionsPerSecond: this.#intervalActions / seconds,
      failed: this.#intervalFailed, complaints: this.#intervalComplaints, p50: nearestRank(sorted, 0.5), p99: nearestRank(sorted, 0.99),
    };
    this.#points.push(point);
    if (this.#points.length > keptPoints) this.#points.splice(0, this.#points.length - keptPoints);
    this.#complaints.push(...this.#newComplaints);
    if (this.#complaints.length > keptComplaints) this.#complaints.splice(0, this.#complaints.length - keptComplaints);
    const spawned = new Set(this.#spawned);
    const batch: LiveBatch = {
      type: 'batch', status: this.#statusNow(), point, spawned: this.#spawned.map((a) => ({ ...a })),
      changed: [...this.#changed].filter((a) => !spawned.has(a)).map((a): LiveCounts => [a.id, a.actions, a.failed, a.complaints, a.stopped ? 1 : 0]),
      complaints: this.#newComplaints, controls: this.#controls,
    };
    this.#spawned = [];
    this.#changed.clear();
    this.#newComplaints = [];
    this.#controls = [];
    this.#intervalActions = this.#intervalFailed = this.#intervalComplaints = 0;
    this.#latencies = [];
    this.#latencyStride = 1;
    this.#latencySeen = 0;
    for (const listener of this.#listeners) listener(batch);
  }

  #statusNow(): LiveStatus {
    return { ...this.#status, byAction: structuredClone(this.#status.byAction), wallMs: Math.round(monotonicMs() - this.#startedAt), pace: this.#options.pace?.() ?? null };
  }

  /** Keeps a bounded, evenly spread sample of the interval's latencies (every k-th once full, k doubling). */
  #sampleLatency(ms: number): void {
    if (this.#latencySeen++ % this.#latencyStride !== 0) return;
    this.#latencies.push(ms);
    if (this.#latencies.length >= sampledLatencies) {
      this.#latencies = this.#latencies.filter((_, i) => i % 2 === 0);
      this.#latencyStride *= 2;
    }
  }
}

/**
 * A binary min-heap of events keyed by (time, seq), stored as parallel typed arrays
 * (no object per event: a million idle actors cost a few bytes each here).
 * `seq` is a global insertion counter, so ties always break the same way.
 */
export class EventQueue {
  #time = new Float64Array(1024);
  #seq = new Float64Array(1024);
  #actor = new Int32Array(1024);
  #kind = new Uint8Array(1024);
  #size = 0;
  #nextSeq = 0;

  get size(): number {
    return this.#size;
  }

  push(time: number, actor: number, kind: number): void {
    if (this.#size === this.#time.length) this.#grow();
    let i = this.#size++;
    const seq = this.#nextSeq++;
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(time, seq, parent)) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#time[i] = time;
    this.#seq[i] = seq;
    this.#actor[i] = actor;
    this.#kind[i] = kind;
  }

  /** Time of the next event; Infinity when empty. */
  peekTime(): number {
    return this.#size > 0 ? this.#time[0]! : Infinity;
  }

  /** Actor of the next event; -1 when empty. */
  peekActor(): number {
    return this.#size > 0 ? this.#actor[0]! : -1;
  }

  /** Calls `fn` for every queued event, in no particular order (snapshots; not for the hot path). */
  forEach(fn: (time: number, seq: number, actor: number, kind: number) => void): void {
    for (let i = 0; i < this.#size; i++) fn(this.#time[i]!, this.#seq[i]!, this.#actor[i]!, this.#kind[i]!);
  }

  /** Removes the next event; read it with `popped*` right after. */
  pop(): void {
    const n = --this.#size;
    this.poppedTime = this.#time[0]!;
    this.poppedActor = this.#actor[0]!;
    this.poppedKind = this.#kind[0]!;
    if (n === 0) return;
    const time = this.#time[n]!;
    const seq = this.#seq[n]!;
    const actor = this.#actor[n]!;
    const kind = this.#kind[n]!;
    // Sift down the last element from the root.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.#lessAt(r, l) ? r : l;
      if (!this.#less(this.#time[c]!, this.#seq[c]!, i, time, seq)) break;
      this.#move(c, i);
      i = c;
    }
    this.#time[i] = time;
    this.#seq[i] = seq;
    this.#actor[i] = actor;
    this.#kind[i] = kind;
  }

  poppedTime = 0;
  poppedActor = 0;
  poppedKind = 0;

  // (time, seq) < entry j   — or, with explicit right-hand values, (time, seq) < (t2, s2).
  #less(time: number, seq: number, j: number, t2 = this.#time[j]!, s2 = this.#seq[j]!): boolean {
    return time < t2 || (time === t2 && seq < s2);
  }

  #lessAt(a: number, b: number): boolean {
    return this.#less(this.#time[a]!, this.#seq[a]!, b);
  }

  #move(from: number, to: number): void {
    this.#time[to] = this.#time[from]!;
    this.#seq[to] = this.#seq[from]!;
    this.#actor[to] = this.#actor[from]!;
    this.#kind[to] = this.#kind[from]!;
  }

  #grow(): void {
    const cap = this.#time.length * 2;
    const time = new Float64Array(cap); time.set(this.#time); this.#time = time;
    const seq = new Float64Array(cap); seq.set(this.#seq); this.#seq = seq;
    const actor = new Int32Array(cap); actor.set(this.#actor); this.#actor = actor;
    const kind = new Uint8Array(cap); kind.set(this.#kind); this.#kind = kind;
  }
}

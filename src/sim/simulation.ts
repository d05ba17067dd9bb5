/**
 * The discrete-event engine: a clock in integer cycles and a queue of events ordered by
 * (time, priority, sequence). Lower priority values run first; equal keys run in the order they
 * were scheduled. Everything that happens (callbacks, thread steps, wake-ups) is an event, so a
 * seed fixes the whole order. Simulated threads run on it through src/sim/thread.ts.
 */
import {HeapQueue, MAX_PRIORITY, MAX_SEQ, MIN_PRIORITY, type EventQueue} from './queue.js'
import {createRng, type Rng} from './rng.js'

/** Integer cycles of the reference clock; exact up to 2^53. */
export type Cycles = number
/** Returned by at()/after() for cancel(); it is the event's sequence number. */
export type EventId = number

export interface EngineStats {
  /** Events executed (cancelled ones are not counted). */
  events: number
  /** The clock at the time of the call (the simulation starts at 0). */
  simulatedCycles: number
  /** Host time spent inside run(), summed over calls. */
  hostSeconds: number
  eventsPerSecond: number
  /** null when the simulation was given no clock rate. */
  simulatedSecondsPerHostSecond: number | null
}

export interface SimulationOptions {
  seed: number
  /** The reference clock, to report simulated seconds; optional. */
  cyclesPerSecond?: number
  /** Called before every event runs, with its key and label ('' when none was given). */
  trace?: (time: number, priority: number, seq: number, label: string) => void
}

export interface RunOptions {
  /** Stop before any event later than this time; the clock then reads `until`. */
  until?: Cycles
  /** Stop after this many events (in this call). */
  maxEvents?: number
}

type Item = () => void

export class Simulation {
  readonly seed: number
  readonly cyclesPerSecond: number | undefined
  private clock = 0
  private seq = 0
  private readonly queue: EventQueue<Item> = new HeapQueue<Item>(1024)
  private cancelled = new Set<number>()
  private readonly trace: SimulationOptions['trace']
  private readonly labels: Map<number, string> | null
  private stopRequested = false
  private running = false
  private eventCount = 0
  private hostMs = 0
  private readonly streams = new Map<string, Rng>()

  constructor(opts: SimulationOptions) {
    if (!Number.isSafeInteger(opts.seed))
      throw new RangeError(`Simulation: seed must be a safe integer, got ${opts.seed}`)
    if (opts.cyclesPerSecond !== undefined && !(opts.cyclesPerSecond > 0)) {
      throw new RangeError(`Simulation: cyclesPerSecond must be positive, got ${opts.cyclesPerSecond}`)
    }
    this.seed = opts.seed
    this.cyclesPerSecond = opts.cyclesPerSecond
    this.trace = opts.trace
    this.labels = opts.trace ? new Map() : null
  }

  get now(): Cycles {
    return this.clock
  }

  /** Number of scheduled events not yet run (cancelled ones may still be counted until popped). */
  get pending(): number {
    return this.queue.size
  }

  /** Run `fn` at `time` (an integer >= now). */
  at(time: Cycles, fn: () => void, priority = 0, label?: string): EventId {
    return this.enqueue(time, fn, priority, label)
  }

  /** Run `fn` `delay` cycles from now. */
  after(delay: Cycles, fn: () => void, priority = 0, label?: string): EventId {
    return this.enqueue(this.clock + delay, fn, priority, label)
  }

  /** Forget a scheduled event. Cancelling one that already ran (or an unknown id) does nothing. */
  cancel(id: EventId): void {
    if (!(id >= 0 && id < this.seq)) return
    this.cancelled.add(id)
    // Ids of events that already ran would pile up; drop them now and then (amortised O(1)).
    if (this.cancelled.size > 2 * this.queue.size + 1024) this.pruneCancelled()
  }

  /**
   * Run events in order until the queue is empty, `until` is passed, `maxEvents` ran, or stop()
   * was called. Returns the engine's cumulative stats. Not re-entrant.
   */
  run(opts: RunOptions = {}): EngineStats {
    if (this.running) throw new Error('Simulation.run: already running (called from inside an event?)')
    const until = opts.until ?? Infinity
    const maxEvents = opts.maxEvents ?? Infinity
    if (until < this.clock) throw new RangeError(`Simulation.run: until ${until} is before now ${this.clock}`)
    const q = this.queue
    const trace = this.trace
    let n = 0
    let limited = false
    this.running = true
    this.stopRequested = false
    const t0 = performance.now()
    try {
      while (q.size > 0 && q.peekTime() <= until) {
        if (n >= maxEvents) {
          limited = true
          break
        }
        const item = q.pop()
        if (this.cancelled.size > 0 && this.cancelled.delete(q.lastSeq)) {
          this.labels?.delete(q.lastSeq)
          continue
        }
        this.clock = q.lastTime
        n++
        if (trace) trace(q.lastTime, q.lastPriority, q.lastSeq, this.labelOf(q.lastSeq))
        item()
        if (this.stopRequested) {
          limited = true
          break
        }
      }
    } finally {
      this.running = false
      this.eventCount += n
      this.hostMs += performance.now() - t0
    }
    if (!limited && until !== Infinity) this.clock = until
    return this.stats()
  }

  /** From inside an event: end run() after the current event. */
  stop(): void {
    this.stopRequested = true
  }

  stats(): EngineStats {
    const hostSeconds = this.hostMs / 1000
    const cps = this.cyclesPerSecond
    return {
      events: this.eventCount,
      simulatedCycles: this.clock,
      hostSeconds,
      eventsPerSecond: hostSeconds > 0 ? this.eventCount / hostSeconds : 0,
      simulatedSecondsPerHostSecond: cps === undefined ? null : hostSeconds > 0 ? this.clock / cps / hostSeconds : 0,
    }
  }

  /** The named random stream: the same (seed, name) gives the same sequence; one instance per name. */
  rng(stream: string): Rng {
    let r = this.streams.get(stream)
    if (!r) {
      r = createRng(this.seed, stream)
      this.streams.set(stream, r)
    }
    return r
  }

  private enqueue(time: number, item: Item, priority: number, label: string | undefined): EventId {
    // One check covers non-integers, NaN, the past and beyond 2^53.
    if (!(time >= this.clock && time <= Number.MAX_SAFE_INTEGER && Math.floor(time) === time)) {
      throw new RangeError(`Simulation: event time ${time} must be an integer cycle >= now (${this.clock})`)
    }
    if (
      priority !== 0 &&
      !(priority >= MIN_PRIORITY && priority <= MAX_PRIORITY && Math.floor(priority) === priority)
    ) {
      throw new RangeError(`Simulation: priority ${priority} must be an integer in [${MIN_PRIORITY}, ${MAX_PRIORITY}]`)
    }
    const id = this.seq++
    if (id >= MAX_SEQ) throw new RangeError('Simulation: more than 2^40 events scheduled')
    this.queue.push(time, priority, id, item)
    if (label !== undefined && this.labels) this.labels.set(id, label)
    return id
  }

  private labelOf(seq: number): string {
    const l = this.labels!.get(seq)
    if (l !== undefined) {
      this.labels!.delete(seq)
      return l
    }
    return ''
  }

  private pruneCancelled(): void {
    const live = new Set<number>()
    this.queue.forEachSeq((s) => {
      if (this.cancelled.has(s)) live.add(s)
    })
    this.cancelled = live
  }
}

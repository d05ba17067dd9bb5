/**
 * Where the cycles go: every cycle a simulated core spends is charged to one activity, named by the
 * code that spends it (`sched.compute(thread, cycles, Act.trap)`, `sched.steal(core, cycles,
 * Act.interrupt)`), or split over several by a Bill when one stretch pays for several things at
 * once (a trap, a grant map and an event channel in one go). The scheduler adds each stretch to its
 * core's tally as it runs; the ledger of a system is those tallies per domain and core, plus idle
 * (elapsed minus busy), so it adds up to cores x elapsed exactly. Observation only: naming an
 * activity never changes what a stretch costs or when it runs.
 */
import type {Kernel} from './kernel.js'

/** The activities, in report order (idle last). */
export const ACTIVITIES = [
  'user', // user compute at the program's IPC
  'refill', // user refill stalls: lines kernel work displaced, fetched again
  'switch', // context and address-space switches, user-level (M:N) thread switches
  'trap', // trap entry and exit (a PV guest's bounce through Xen included)
  'handler-warm', // a call's kernel work at its warm end
  'handler-cold', // the rest of its cost: the share of its footprint the core had lost
  'kernel', // other kernel work: wake-ups, protocol and per-packet work, poll checks
  'library', // a design's user-level call library (VirtuOS's, FlexSC's post and harvest)
  'copy', // copies between user and kernel (or a service domain's data region)
  'queue', // call pages, lock-free stacks, rings: the cache lines they move between cores
  'polling', // a thread polling for work while holding its core
  'spinning', // a thread spinning before it blocks
  'event-channel', // event-channel sends and virtual-interrupt delivery
  'ipi', // inter-processor interrupts
  'ipc', // a microkernel's synchronous message passing: trap, message transfer, address-space switch
  'grant', // grant map, unmap and copy
  'hypervisor', // other hypercalls
  'interrupt', // device interrupts and softirq work (steal)
  'idle', // no thread and no interrupt work on the core
] as const

export type ActivityName = (typeof ACTIVITIES)[number]

/** Activity ids by name (an index into ACTIVITIES: what the hot path adds into). */
export const Act = Object.freeze(
  Object.fromEntries(ACTIVITIES.map((a, i) => [camel(a), i])) as {[K in ActivityName as Camel<K>]: number},
)
export type Activity = number

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S
function camel(s: string): string {
  return s.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())
}

export const ACTIVITY_COUNT = ACTIVITIES.length

/** A fresh tally: cycles by activity id. */
export function emptyTally(): number[] {
  return new Array<number>(ACTIVITY_COUNT).fill(0)
}

/**
 * One stretch's cycles split by activity, in the order they are paid. The total is rounded as a
 * single `compute(thread, a + b + c)` would round it (parts are summed left to right, as the
 * expression they replace), and each part gets the cycles between the rounded running sums, so the
 * parts add up to that total exactly. Reused: `clear()` then `add()`s, consumed by one compute or
 * steal before the next `clear()` (a thread's own bill: one generator drives a thread).
 */
export class Bill {
  private readonly acts: number[] = []
  /** Rounded running sums: part i covers [ends[i-1], ends[i]). */
  private readonly ends: number[] = []
  private sum = 0
  private parts = 0
  /** Where the stretch being run has got to: the part, and cycles into the stretch. */
  private part = 0
  private at = 0

  clear(): this {
    this.sum = 0
    this.parts = 0
    this.part = 0
    this.at = 0
    return this
  }

  add(activity: Activity, cycles: number): this {
    this.sum += cycles
    this.acts[this.parts] = activity
    this.ends[this.parts] = Math.max(0, Math.round(this.sum))
    this.parts++
    return this
  }

  /**
   * The stretch costs `total` (the value the site computed, however it grouped its sums): the
   * parts keep their shares, the last absorbing the rounding. No part: all of it on `fallback`.
   */
  exact(total: number, fallback: Activity): this {
    if (this.parts === 0) return this.add(fallback, total)
    const end = Math.max(0, Math.round(total))
    this.sum = total
    for (let i = 0; i < this.parts; i++) this.ends[i] = Math.min(this.ends[i], end)
    this.ends[this.parts - 1] = end
    return this
  }

  /** The parts' sum before rounding. */
  get unrounded(): number {
    return this.sum
  }

  /** The cycles the stretch costs: what compute/steal would have rounded the summed expression to. */
  get total(): number {
    return Math.max(0, Math.round(this.sum))
  }

  /**
   * Take the next `cycles` of the stretch: add them to `tally` by part and tell `each` of every
   * piece (its activity, cycles, and offset into the taken cycles).
   */
  take(
    cycles: number,
    tally: number[],
    each: ((activity: Activity, cycles: number, offset: number) => void) | null,
  ): void {
    let left = cycles
    let offset = 0
    while (left > 0 && this.part < this.parts) {
      const piece = Math.min(left, this.ends[this.part] - this.at)
      if (piece > 0) {
        const a = this.acts[this.part]
        tally[a] += piece
        each?.(a, piece, offset)
        this.at += piece
        offset += piece
        left -= piece
      }
      if (this.at >= this.ends[this.part]) this.part++
    }
    // a total rounded past the last part's end cannot happen (the last end is the total)
    if (left > 0) throw new Error(`bill: ${left} cycles taken past its total`)
  }
}

/** One line of a ledger: cycles of one activity on one core of one domain. */
export interface LedgerEntry {
  domain: string
  core: number
  activity: ActivityName
  cycles: number
}

/**
 * The ledger of `kernels` after `elapsed` cycles: per domain, core and activity (zero rows left
 * out), idle = elapsed - busy on each core. Busy past `elapsed` (interrupt work queued beyond the
 * end) is a model error the ledger refuses to hide.
 */
export function ledgerOf(kernels: readonly Kernel[], elapsed: number): LedgerEntry[] {
  const out: LedgerEntry[] = []
  for (const k of kernels) {
    for (const core of k.sched.cpus) {
      const tally = k.sched.activityCycles(core)
      let busy = 0
      for (let a = 0; a < ACTIVITY_COUNT; a++) {
        if (a === Act.idle) continue
        busy += tally[a]
        if (tally[a] !== 0) out.push({domain: String(k.domain), core, activity: ACTIVITIES[a], cycles: tally[a]})
      }
      const idle = elapsed - busy
      if (idle < 0) throw new Error(`ledger: core ${core} of ${k.domain} busy ${busy} cycles in ${elapsed}`)
      if (idle > 0) out.push({domain: String(k.domain), core, activity: 'idle', cycles: idle})
    }
  }
  return out
}

/** Cycles by (domain, activity), summed over cores; `share` of the domain's cores x elapsed. */
export interface LedgerTotal {
  domain: string
  activity: ActivityName
  cycles: number
}

export function byDomain(entries: readonly LedgerEntry[]): LedgerTotal[] {
  const sums = new Map<string, LedgerTotal>()
  for (const e of entries) {
    const key = `${e.domain}|${e.activity}`
    const t = sums.get(key)
    if (t) t.cycles += e.cycles
    else sums.set(key, {domain: e.domain, activity: e.activity, cycles: e.cycles})
  }
  const order = (t: LedgerTotal) => ACTIVITIES.indexOf(t.activity)
  const domains = [...new Set(entries.map((e) => e.domain))]
  return [...sums.values()].sort((a, b) => domains.indexOf(a.domain) - domains.indexOf(b.domain) || order(a) - order(b))
}

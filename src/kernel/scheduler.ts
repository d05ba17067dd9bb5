/**
 * One Scheduler per domain over its CPUs (physical core ids; a domain's vCPUs are pinned 1:1).
 * A KThread runs only while it holds one of these CPUs. Threads waiting for a CPU sit in a FIFO run
 * queue; a running thread is preempted to the back of it when its timeslice is used and others
 * wait. Blocking gives the CPU to the next runnable thread, which pays the context switch (and the
 * address-space switch when the address space differs) before it runs.
 *
 * Interrupt and softirq work (`steal`) takes time on its core when it happens, one piece after
 * another (a core runs its interrupt work serially): a thread running there is delayed by it (it
 * pays the time at the end of its current stretch), a thread that gets the core while interrupt
 * work is queued there waits until it is done. It counts as busy time of the core, never as the
 * thread's own compute.
 */
import {InvariantError} from '../errors.js'
import {contextSwitch} from '../machine/cost.js'
import {countInXen, xenSwitchShare} from './dispatch/pv.js'
import type {Core} from '../machine/core.js'
import type {Machine} from '../machine/machine.js'
import type {MachineParams} from '../machine/params.js'
import {Wakeup, type Simulation} from './engine.js'
import {Act, type Activity, Bill, emptyTally} from './ledger.js'
import type {KThread} from './process.js'
import type {DomainId, Gen} from './types.js'

/**
 * A design's port into `block` (VirtuOS's service domains notice a worker blocking inside a call,
 * as the release's patch to the service kernel's scheduler does). One per scheduler.
 */
export interface BlockHook {
  /**
   * `thread` is about to give up its CPU to wait; it still holds it, so the hook may compute on it.
   * Returns what to run once the wait is over and the thread has a CPU again, or null.
   */
  beforeBlock(thread: KThread): Gen<(() => void) | null>
}

export interface SchedulerOptions {
  /** Cycles a thread may run while others wait before it is preempted. */
  timeslice: number
}

interface CpuState {
  readonly core: number
  current: KThread | null
  /** The thread whose state is loaded on the core (survives idle), and its address space. */
  lastThread: KThread | null
  lastAsid: number | null
  /** Thread compute and interrupt work on the core. */
  busyCycles: number
  /** Interrupt work on the core (part of busyCycles). */
  irqCycles: number
  /** When the interrupt work queued on the core is done (its softirq queue drains). */
  irqUntil: number
  /** Interrupt time the running thread has not yet been delayed by. */
  owed: number
  /** busyCycles by activity (ledger.ts), plus the time threads held the core spinning (held()). */
  readonly tally: number[]
  /** Cycles threads held the core without modelled work (held(): spins on a wake-up). */
  heldCycles: number
}

/** Sees a stretch of `cycles` of `thread` on its CPU, starting at cycle `at`, spent on `activity`. */
export type SpendObserver = (thread: KThread, cycles: number, at: number, activity: Activity) => void

/** Sees interrupt work of `cycles` on `core` from cycle `at` (when it runs, behind queued work). */
export type InterruptObserver = (core: number, cycles: number, at: number, activity: Activity) => void

export class Scheduler {
  readonly runQueue: KThread[] = []
  /** Threads polling while holding their CPU (holdPolling), each with how to ask it to yield. */
  private readonly pollers = new Map<KThread, () => void>()
  private readonly cpuStates: CpuState[]
  /** cpuStates by core - firstCore (the hot lookup; a domain's cores need not start at 0). */
  private readonly byCore: (CpuState | undefined)[] = []
  private readonly firstCore: number
  /** Threads bound to one core (sched_setaffinity to a single CPU, e.g. FlexSC's syscall threads). */
  private readonly pinned = new Map<KThread, number>()
  contextSwitches = 0
  addressSpaceSwitches = 0
  preemptions = 0
  stolenCycles = 0

  constructor(
    readonly sim: Simulation,
    readonly params: MachineParams,
    readonly domain: DomainId,
    readonly cpus: readonly number[],
    readonly options: SchedulerOptions,
    /** The machine whose cores these are (null: a client host's cores, not modelled in detail). */
    readonly machine: Machine | null = null,
  ) {
    if (cpus.length === 0) throw new Error(`scheduler of domain ${domain} has no CPUs`)
    this.cpuStates = cpus.map((core) => ({
      core,
      current: null,
      lastThread: null,
      lastAsid: null,
      busyCycles: 0,
      irqCycles: 0,
      irqUntil: 0,
      owed: 0,
      tally: emptyTally(),
      heldCycles: 0,
    }))
    this.firstCore = Math.min(...cpus)
    for (const cpu of this.cpuStates) this.byCore[cpu.core - this.firstCore] ??= cpu
  }

  /** Threads currently holding a CPU, by core. */
  running(): (KThread | null)[] {
    return this.cpuStates.map((c) => c.current)
  }

  /** Cycles the core was busy: threads' compute and interrupt work. */
  busyCycles(core: number): number {
    return this.state(core).busyCycles
  }

  /** The core's cycles by activity id (ledger.ts): they add up to busyCycles + heldCycles. */
  activityCycles(core: number): readonly number[] {
    return this.state(core).tally
  }

  /** Cycles threads held the core while waiting without modelled work (see held()). */
  heldCycles(core: number): number {
    return this.state(core).heldCycles
  }

  /**
   * `thread` held its CPU from `since` until now waiting on a wake-up (a spin before blocking, which
   * the model times with the wake-up's timeout rather than as compute): for the ledger and traces
   * only, not busyCycles, so what the model reports as busy is unchanged.
   */
  held(thread: KThread, since: number, activity: Activity): void {
    if (thread.cpu === null) return
    const cpu = this.state(thread.cpu)
    const cycles = this.sim.now - since
    if (cycles <= 0) return
    cpu.tally[activity] += cycles
    cpu.heldCycles += cycles
    this.spendObserver?.(thread, cycles, since, activity)
  }

  private readonly irqBill_ = new Bill()
  /** A cleared bill for one stealBill() right after it (interrupt work is queued synchronously). */
  irqBill(): Bill {
    return this.irqBill_.clear()
  }

  /** Cycles of interrupt work on the core (included in busyCycles). */
  irqCycles(core: number): number {
    return this.state(core).irqCycles
  }

  /** Cycles until the interrupt work queued on `core` now is done (0: none queued). */
  irqBacklog(core: number): number {
    return Math.max(0, this.state(core).irqUntil - this.sim.now)
  }

  /**
   * Bind `thread` to `core`: from its next acquire on it runs only there (waiting in the run queue
   * while that core is busy). A thread already running elsewhere moves at its next block or preemption.
   */
  pin(thread: KThread, core: number): void {
    this.state(core)
    this.pinned.set(thread, core)
    thread.lastCpu = core
  }

  /** Let `thread` run on any core again. */
  unpin(thread: KThread): void {
    this.pinned.delete(thread)
  }

  /** The core `thread` is bound to, or null. */
  pinnedTo(thread: KThread): number | null {
    return this.pinned.get(thread) ?? null
  }

  /**
   * Get a CPU for `thread` if it has none: an idle one (its last core first), else wait in the run
   * queue. With a CPU held already: a finished generator, so the fast path allocates none.
   */
  acquire(thread: KThread): Gen<void> {
    return thread.cpu !== null ? NOTHING : this.acquireCpu(thread)
  }

  private *acquireCpu(thread: KThread): Gen<void> {
    const idle = this.idleCpu(thread)
    // queued threads that may run on the idle core go first (with no pinned threads: an empty queue)
    if (idle && !this.waitingFor(idle)) {
      this.assign(idle, thread)
    } else {
      // one generator drives a KThread: a second one queueing it would be handed the same CPU grant
      if (thread.cpuGrant !== null) throw new InvariantError(`thread ${thread.tid} waits for a CPU twice`)
      const grant = new Wakeup<unknown>(this.sim)
      thread.cpuGrant = grant
      thread.state = 'runnable'
      this.runQueue.push(thread)
      this.callPoller(thread)
      yield* grant.wait() // release() assigned us the CPU before firing
      thread.cpuGrant = null
    }
    const cpu = this.state(thread.cpu!)
    // interrupt work queued on the core runs first
    if (cpu.owed > 0) yield* this.settle(thread, cpu)
    if (cpu.lastThread !== thread) yield* this.switchIn(thread)
  }

  /** The running thread waits out the interrupt time it owes (more may land meanwhile). */
  private *settle(thread: KThread, cpu: CpuState): Gen<void> {
    while (cpu.owed > 0 && cpu.current === thread) {
      const owed = cpu.owed
      cpu.owed = 0
      yield owed
    }
  }

  /**
   * Run `cycles` on the thread's CPU, honouring the timeslice, spent on `activity`. Nothing to do
   * (no cycles, the CPU held): a finished generator, allocation-free.
   */
  compute(thread: KThread, cycles: number, activity: Activity): Gen<void> {
    return thread.cpu !== null && !(Math.round(cycles) > 0) ? NOTHING : this.computeOn(thread, cycles, activity, null)
  }

  /** compute() of a stretch that pays for several activities: `bill`'s total, split as it says. */
  computeBill(thread: KThread, bill: Bill): Gen<void> {
    return thread.cpu !== null && !(bill.total > 0) ? NOTHING : this.computeOn(thread, bill.total, Act.user, bill)
  }

  private *computeOn(thread: KThread, cycles: number, activity: Activity, bill: Bill | null): Gen<void> {
    let left = Math.max(0, Math.round(cycles))
    if (thread.cpu === null) yield* this.acquireCpu(thread)
    while (left > 0) {
      const chunk = Math.min(left, this.options.timeslice - thread.sliceUsed)
      if (chunk > 0) {
        // spend(), inlined: the hottest path of the model, without a generator per chunk
        const cpu = this.state(thread.cpu!)
        if (cpu.owed > 0) yield* this.settle(thread, cpu)
        if (bill === null) {
          cpu.tally[activity] += chunk
          this.spendObserver?.(thread, chunk, this.sim.now, activity)
        } else this.takeBill(thread, cpu, bill, chunk)
        cpu.busyCycles += chunk
        thread.runCycles += chunk
        thread.sliceUsed += chunk
        yield chunk
        left -= chunk
        // interrupts that landed during the chunk delay it before anything else happens
        if (cpu.owed > 0) yield* this.settle(thread, cpu)
      }
      if (thread.sliceUsed >= this.options.timeslice) {
        thread.sliceUsed = 0
        if (this.waitingFor(this.state(thread.cpu!))) {
          this.preemptions++
          this.release(thread)
          yield* this.acquire(thread)
        }
      }
    }
  }

  /**
   * Give up the CPU, wait (on whatever `wait` waits on), then get a CPU again. The value of `wait`
   * is returned. Blocking on an already satisfied condition still goes through the run queue.
   */
  *block<T>(thread: KThread, wait: Gen<T>): Gen<T> {
    const resumed = this.blockHook === null ? null : yield* this.blockHook.beforeBlock(thread)
    // interrupt work that landed since its last stretch delays its way into the wait
    if (thread.cpu !== null) yield* this.settle(thread, this.state(thread.cpu))
    this.release(thread)
    thread.state = 'blocked'
    const value = yield* wait
    yield* this.acquire(thread)
    resumed?.()
    return value
  }

  private blockHook: BlockHook | null = null

  /** Register the design's block hook (see BlockHook). */
  setBlockHook(hook: BlockHook): void {
    if (this.blockHook) throw new InvariantError(`scheduler of domain ${this.domain} has a block hook already`)
    this.blockHook = hook
  }
  /**
   * Wait on `wait` holding the CPU, as a poll-and-sched_yield loop does: the time counts as busy on
   * the core and no other thread gets it, unless one queues that may run there: then `onContender`
   * is called (once) and should end the wait at the poller's next poll, which then yields. Interrupt
   * work that lands meanwhile is paid when the wait ends (the poll ran that much later): the core's
   * busy time is the wait plus that interrupt work, as its wall-clock span.
   */
  *holdPolling<T>(thread: KThread, wait: Gen<T>, onContender: () => void, activity: Activity): Gen<T> {
    const cpu = this.state(thread.cpu!)
    const t0 = this.sim.now
    if (this.waitingFor(cpu)) onContender()
    else this.pollers.set(thread, onContender)
    const value = yield* wait
    this.pollers.delete(thread)
    const held = this.sim.now - t0
    if (thread.cpu !== null) {
      this.spendObserver?.(thread, held, t0, activity)
      cpu.tally[activity] += held
      cpu.busyCycles += held
      thread.runCycles += held
      yield* this.settle(thread, cpu)
    }
    return value
  }

  /** A thread just queued: ask one poller on a CPU it may run on to yield to it. */
  private callPoller(queued: KThread): void {
    for (const [poller, ask] of this.pollers) {
      if (poller.cpu !== null && this.mayRun(queued, this.state(poller.cpu))) {
        this.pollers.delete(poller)
        ask()
        return
      }
    }
  }

  /** sched_yield(): to the back of the run queue if someone waits, else keep running. */
  *yield(thread: KThread): Gen<void> {
    thread.sliceUsed = 0
    if (thread.cpu !== null && this.waitingFor(this.state(thread.cpu))) {
      yield* this.settle(thread, this.state(thread.cpu))
      this.release(thread)
    }
    if (thread.cpu === null) yield* this.acquire(thread)
  }

  /** Told when a thread has exited (the kernel stops background timers once no user work is left). */
  private onExit: ((thread: KThread) => void) | null = null

  /**
   * Told of every stretch of CPU time before it runs, with the thread on its CPU and the cycle the
   * stretch starts at (after interrupt work owed on that core), for tests and traces.
   */
  private spendObserver: SpendObserver | null = null

  /** Watch every stretch of CPU time a thread spends (one observer; null removes it). */
  observeSpend(observer: SpendObserver | null): void {
    this.spendObserver = observer
  }

  /** Told of every piece of interrupt work (steal) as it is queued, for traces. */
  private interruptObserver: InterruptObserver | null = null

  /** Watch interrupt work on the cores (one observer; null removes it). */
  observeInterrupts(observer: InterruptObserver | null): void {
    this.interruptObserver = observer
  }

  /** A chunk of a billed stretch: into the core's tally by part, each part told to the observer. */
  private takeBill(thread: KThread, cpu: CpuState, bill: Bill, chunk: number): void {
    const observer = this.spendObserver
    const now = this.sim.now
    bill.take(chunk, cpu.tally, observer && ((a, c, offset) => observer(thread, c, now + offset, a)))
  }

  /** Register the exit hook (its Kernel, once). */
  setExitHook(hook: (thread: KThread) => void): void {
    if (this.onExit !== null) throw new InvariantError(`scheduler of domain ${this.domain}: exit hook set twice`)
    this.onExit = hook
  }

  /** The thread finished: free its CPU for good. */
  exit(thread: KThread): void {
    this.release(thread)
    this.pinned.delete(thread)
    thread.state = 'exited'
    this.onExit?.(thread)
  }

  /** Free the thread's CPU and hand it to the head of the run queue. */
  release(thread: KThread): void {
    if (thread.cpu === null) return
    const cpu = this.state(thread.cpu)
    this.pollers.delete(thread)
    this.machineCore(cpu.core)?.release(thread)
    cpu.current = null
    // leaving with interrupt time unpaid (a hand-over between holds): the core stays taken that long
    if (cpu.owed > 0) cpu.irqUntil = Math.max(cpu.irqUntil, this.sim.now + cpu.owed)
    cpu.owed = 0
    thread.lastCpu = thread.cpu
    thread.cpu = null
    thread.state = 'runnable'
    // the longest-waiting thread that may run on this core
    const next = this.runQueue.length === 0 ? undefined : this.takeRunnable(cpu)
    if (next) {
      this.assign(cpu, next)
      next.cpuGrant!.fire(cpu)
    }
  }

  /**
   * Interrupt/softirq work of `cycles` on `core`, now: it starts once the interrupt work already
   * queued there is done (one softirq queue per core) and occupies the core meanwhile; the thread
   * running there is delayed by it, an idle core is busy with it. Returns the cycles from now until
   * it is done (when its results, e.g. received frames, are delivered). Spent on `activity`.
   */
  steal(core: number, cycles: number, activity: Activity): number {
    return this.stealOn(core, Math.max(0, Math.round(cycles)), activity, null)
  }

  /** steal() of interrupt work that pays for several activities: `bill`'s total, split as it says. */
  stealBill(core: number, bill: Bill): number {
    return this.stealOn(core, bill.total, Act.interrupt, bill)
  }

  private stealOn(core: number, c: number, activity: Activity, bill: Bill | null): number {
    const cpu = this.state(core)
    const now = this.sim.now
    const start = Math.max(now, cpu.irqUntil)
    const observer = this.interruptObserver
    if (bill === null) {
      cpu.tally[activity] += c
      if (c > 0) observer?.(core, c, start, activity)
    } else bill.take(c, cpu.tally, observer && ((a, n, offset) => observer(core, n, start + offset, a)))
    cpu.irqUntil = start + c
    cpu.busyCycles += c
    cpu.irqCycles += c
    this.stolenCycles += c
    if (cpu.current !== null) cpu.owed += c
    return cpu.irqUntil - now
  }

  /** Cycles spent by `thread` on its CPU (already held), after interrupt work that delays it there. */
  *spend(thread: KThread, cycles: number, activity: Activity): Gen<void> {
    if (cycles <= 0) return
    const cpu = this.state(thread.cpu!)
    if (cpu.owed > 0) yield* this.settle(thread, cpu)
    const c = Math.round(cycles)
    this.spendObserver?.(thread, c, this.sim.now, activity)
    cpu.tally[activity] += c
    cpu.busyCycles += c
    thread.runCycles += c
    thread.sliceUsed += c
    yield c
    if (cpu.owed > 0) yield* this.settle(thread, cpu)
  }

  /** Remove and return the longest-waiting queued thread that may run on `cpu`. */
  private takeRunnable(cpu: CpuState): KThread | undefined {
    const q = this.runQueue
    const i = this.pinned.size === 0 ? 0 : q.findIndex((t) => this.mayRun(t, cpu))
    return i < 0 ? undefined : q.splice(i, 1)[0]
  }

  private *switchIn(thread: KThread): Gen<void> {
    const cpu = this.state(thread.cpu!)
    if (cpu.lastThread === thread) return
    const sameAs = cpu.lastAsid === null || cpu.lastAsid === thread.asid
    if (!sameAs) this.addressSpaceSwitches++
    const cost = contextSwitch(this.params, sameAs)
    countInXen(this, cpu.core, xenSwitchShare(this.params))
    this.contextSwitches++
    thread.switchesIn++
    cpu.lastThread = thread
    cpu.lastAsid = thread.asid
    this.machineCore(cpu.core)?.switchTo(thread.asid, thread.domain)
    thread.sliceUsed = 0
    yield* this.spend(thread, cost, Act.switch)
  }

  /** The machine's per-core state (address space, domain, pollution, occupant) of `core`. */
  machineCore(core: number): Core | undefined {
    return this.machine && core < this.machine.cores.length ? this.machine.cores[core] : undefined
  }

  private assign(cpu: CpuState, thread: KThread): void {
    this.machineCore(cpu.core)?.claim(thread)
    cpu.current = thread
    // interrupt work still queued on the core runs before the thread
    cpu.owed = Math.max(0, cpu.irqUntil - this.sim.now)
    thread.cpu = cpu.core
    thread.state = 'running'
  }

  private mayRun(thread: KThread, cpu: CpuState): boolean {
    const core = this.pinned.get(thread)
    return core === undefined || core === cpu.core
  }

  /** A queued thread may take `cpu`. */
  private waitingFor(cpu: CpuState): boolean {
    if (this.pinned.size === 0) return this.runQueue.length > 0
    return this.runQueue.some((q) => this.mayRun(q, cpu))
  }

  private idleCpu(thread: KThread): CpuState | undefined {
    const pin = this.pinned.get(thread)
    if (pin !== undefined) {
      const cpu = this.state(pin)
      return cpu.current === null ? cpu : undefined
    }
    const last = thread.lastCpu === null ? undefined : this.byCore[thread.lastCpu - this.firstCore]
    if (last && last.current === null) return last
    for (const cpu of this.cpuStates) if (cpu.current === null) return cpu
    return undefined
  }

  private state(core: number): CpuState {
    const cpu = this.byCore[core - this.firstCore]
    if (cpu === undefined) throw new Error(`core ${core} is not a CPU of domain ${this.domain}`)
    return cpu
  }
}

/**
 * A generator that has already finished: `yield*` on it returns undefined at once. Finished
 * generators stay finished, so one instance serves every fast path.
 */
const NOTHING: Gen<void> = (function* (): Gen<void> {})()
NOTHING.next()

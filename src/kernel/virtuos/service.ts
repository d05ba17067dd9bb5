/**
 * A service domain (storage or network) as VirtuOS runs it: its own Kernel on its own vCPUs, the
 * wake word shared by its processes, one worker group per registered process (call pages, data
 * region, a mirror KProcess holding the remote fd table), and crash/restart.
 *
 * Workers are kernel threads of the mirror process. An idle worker polls its group's submitted
 * stack (modelled as waiting for a push while yielding its CPU, as sched_yield would, and charged a
 * half poll iteration of phase when it sees one) as long as the domain's running workers are at
 * most MIN_RUNNING_THREADS; after 5000 empty polls it sets WAKE_REQUESTED and sleeps (stated
 * assumption: the release's worker "keeps going" until its next check, then sleeps). Extra idle
 * workers sleep. A worker that blocks inside a call stops counting as running and hands off to a
 * sleeping worker with pending work.
 */
import {InvariantError} from '../../errors.js'
import {eventChannelSend, grantMap, trapEntry, trapExit, virqDelivery} from '../../machine/cost.js'
import {after, spawn, TIMED_OUT, Wakeup, type SimCommand, type Simulation} from '../engine.js'
import type {Kernel} from '../kernel.js'
import type {KProcess, KThread} from '../process.js'
import type {BlockHook} from '../scheduler.js'
import {exitProcess} from '../syscalls/proc.js'
import {fail, type Errno, type Gen, type SyscallArgs, type SyscallName, type SyscallResult} from '../types.js'
import {CacheLine} from './cache-line.js'
import {CallPageSet, type CallEntry} from './call-page.js'
import {socketOfCore, type VirtuosContext} from './context.js'
import {DataRegion, type Allocation} from './data-region.js'
import type {ServiceDomain} from './params.js'
import {WakeWord} from './wake-word.js'

/** What a request asks the domain to do: a system call, or a library-internal operation. */
export type RemoteOp =
  | {kind: 'call'; name: SyscallName; args: SyscallArgs}
  | {kind: 'setcred'; uid: number; gid: number}

/** Whoever waits for requests (the primary-side process): told when a worker finishes one. */
export interface RequestOwner {
  readonly pid: number
  /**
   * `req` is done (its entry reads DONE). `enqueue`: the waiter had set 0x80. Returns the cycles
   * the completing side spends (ready-queue CAS, ring message, event channel).
   */
  completed(req: Request, enqueue: boolean, core: number, byCrash: boolean): number
}

export class Request {
  result: SyscallResult | null = null
  /** Fired when answered (a submitter spinning on the entry watches it). */
  readonly done: Wakeup<true>
  /** Set by a cross-domain poll: completion also signals the primary eventfd (ring message). */
  onDone: (() => void) | null = null
  alloc: Allocation | null = null
  constructor(
    sim: Simulation,
    /** Unique in the run (RequestLedger.newId). */
    readonly id: number,
    readonly group: WorkerGroup,
    readonly op: RemoteOp,
    readonly entry: CallEntry,
    /** The waiting user thread's ready-queue slot. */
    readonly waiter: number,
  ) {
    this.done = new Wakeup<true>(sim)
  }
  get answered(): boolean {
    return this.result !== null
  }
  get name(): string {
    return this.op.kind === 'call' ? this.op.name : this.op.kind
  }
}

export type WorkerState = 'polling' | 'serving' | 'blocked' | 'sleeping' | 'gone'

export class Worker {
  state: WorkerState = 'polling'
  killed = false
  /** Its domain crashed while it served a call: it finishes that call's kernel work, unseen, and ends. */
  ghost = false
  emptyPolls = 0
  wake: Wakeup<true> | null = null
  current: Request | null = null
  served = 0
  constructor(readonly group: WorkerGroup, readonly thread: KThread) {}
}

/** Run a generator like engine.spawn, but drop it for good once `dead()` says so (a VM crash). */
export function spawnKillable(sim: Simulation, body: Generator<SimCommand, unknown, any>, dead: () => boolean): void {
  spawn(sim, body, 'killable', dead)
}

export class WorkerGroup {
  readonly pages: CallPageSet
  readonly data: DataRegion
  readonly freeLine: CacheLine
  readonly submittedLine: CacheLine
  private readonly entryLines: CacheLine[] = []
  readonly workers: Worker[] = []
  idle = 0
  readonly pollers = new Set<Wakeup<true>>()
  readonly inFlight = new Set<Request>()
  /** Torn down (process exit) or lost (domain crash). */
  dead = false

  constructor(
    readonly domain: ServiceDomainRuntime,
    readonly owner: RequestOwner,
    readonly mirror: KProcess,
    /** Used a pre-allocated slot (no grant set-up at registration). */
    readonly preallocated: boolean,
  ) {
    const v = domain.ctx.vparams
    this.pages = new CallPageSet(v.entriesPerProcess)
    this.data = new DataRegion(v.dataRegionMaxPages, v.dataGrowBatchGrants, v.pageBytes)
    this.freeLine = new CacheLine(domain.ctx.params)
    this.submittedLine = new CacheLine(domain.ctx.params)
  }

  entryLine(e: CallEntry): CacheLine {
    return (this.entryLines[e.index] ??= new CacheLine(this.domain.ctx.params))
  }

  get hasPending(): boolean {
    return !this.pages.submitted.empty
  }

  /** A submitter pushed: polling workers see it. */
  pushed(): void {
    for (const w of [...this.pollers]) w.fire(true)
    this.pollers.clear()
  }

  /** Answer a request exactly once. */
  answer(req: Request, result: SyscallResult): void {
    if (req.answered) throw new InvariantError(`virtuos: request ${req.id} (${req.name}) answered twice`)
    req.result = result
    this.domain.ctx.ledger.answer(req.id)
    req.done.fire(true)
    req.onDone?.()
  }
}

export class ServiceDomainRuntime implements BlockHook {
  /** Bumped by every restart: fds and groups of an older life are stale. */
  incarnation = 1
  up = true
  wake = new WakeWord()
  wakeLine: CacheLine
  readonly groups = new Map<number, WorkerGroup>()
  readonly sleepers = new Set<Worker>()
  private readonly workerOf = new Map<KThread, Worker>()
  /** Workers of a crashed life still inside a call. */
  private readonly ghosts = new Map<KThread, Worker>()
  readonly errno: Errno
  readonly socket: number
  crashes = 0
  private restartTimerSet = false

  constructor(
    readonly ctx: VirtuosContext,
    readonly name: ServiceDomain,
    readonly kernel: Kernel,
  ) {
    this.errno = name === 'storage' ? 'EIO' : 'ECONNRESET'
    this.socket = socketOfCore(ctx.params, kernel.sched.cpus[0])
    this.wakeLine = new CacheLine(ctx.params)
    kernel.sched.setBlockHook(this)
  }

  get minRunning(): number {
    return this.ctx.vparams.minRunningThreads ?? this.kernel.sched.cpus.length
  }

  /**
   * One poll iteration: look at the stack head, then yield the CPU. Workers are kernel threads, so
   * they call the scheduler directly: the sched_yield handler's work, no trap (and, in a PV domain,
   * no bounce through Xen).
   */
  get pollPeriod(): number {
    const p = this.ctx.params
    return Math.ceil(this.ctx.vparams.pollInstructions / p.cpu.kernelIpc) + this.kernel.handlerCycles('sched_yield')
  }

  get irqCore(): number {
    return this.kernel.sched.cpus[0]
  }

  liveWorkers(): Worker[] {
    return [...this.workerOf.values()].filter((w) => !w.killed && w.state !== 'gone')
  }

  /** Register a process: a group with its first worker (the caller pays the set-up round trip). */
  register(owner: RequestOwner, ppid: number, cloneFrom?: WorkerGroup): WorkerGroup {
    const k = this.kernel
    const old = k.processes.get(owner.pid)
    if (old) k.processes.delete(owner.pid)
    const mirror = k.createProcess(ppid, owner.pid, k.newAddressSpace())
    if (cloneFrom) {
      for (const [fd, file] of cloneFrom.mirror.fds.entries()) {
        file.refs++
        mirror.fds.installAt(fd, file)
      }
      mirror.cred = {...cloneFrom.mirror.cred}
    }
    const used = [...this.groups.values()].filter((g) => g.preallocated).length
    const group = new WorkerGroup(this, owner, mirror, used < this.ctx.vparams.preallocatedSlots)
    this.groups.set(owner.pid, group)
    this.spawnWorker(group)
    this.ctx.stats.registrations++
    return group
  }

  /** Cycles the registering thread waits: messages both ways, grant set-up without a pre-allocated slot. */
  registrationCycles(group: WorkerGroup, dupFds: number): number {
    const p = this.ctx.params
    const v = this.ctx.vparams
    const grants = group.preallocated ? 0 : grantMap(p, v.callPages + v.readyQueuePages + 1)
    const serviceWork = Math.ceil((v.registerInstructions + dupFds * v.forkDupInstructionsPerFd) / p.cpu.kernelIpc)
    return trapEntry(p) + eventChannelSend(p) + virqDelivery(p) + serviceWork + grants + eventChannelSend(p) + virqDelivery(p) + trapExit(p)
  }

  spawnWorker(group: WorkerGroup): Worker {
    const thread = this.kernel.createThread(group.mirror, 'kernel', `worker-${group.owner.pid}`)
    const w = new Worker(group, thread)
    group.workers.push(w)
    group.idle++
    this.workerOf.set(thread, w)
    this.wake.addRunning(1)
    this.ctx.stats.workersSpawned++
    spawnKillable(this.ctx.sim, this.workerLoop(w), () => w.killed)
    return w
  }

  /** The submitter read WAKE_REQUESTED and sent the wake event channel: the domain's handler. */
  sendWake(): void {
    const p = this.ctx.params
    after(this.ctx.sim, eventChannelSend(p) + virqDelivery(p), () => {
      if (!this.up) return
      this.kernel.sched.steal(this.irqCore, virqDelivery(p))
      this.wake.wakeHandled()
      const woken = new Set<WorkerGroup>()
      for (const w of [...this.sleepers]) {
        if ((w.group.hasPending || w.group.dead) && !woken.has(w.group)) {
          woken.add(w.group)
          this.wakeWorker(w)
        }
      }
      if (this.needsWake()) this.wake.request()
    })
  }

  /** The waker updates the word: the worker counts as running (and polling) from now on. */
  private wakeWorker(w: Worker): void {
    if (!this.sleepers.delete(w)) return
    this.wake.addSleeping(-1)
    this.wake.addRunning(1)
    w.state = 'polling'
    w.wake?.fire(true)
  }

  /** A group whose idle workers all sleep can only be reached through a wake event. */
  private needsWake(): boolean {
    for (const g of this.groups.values()) {
      const sleeping = g.workers.some((w) => w.state === 'sleeping')
      if (sleeping && !g.workers.some((w) => w.state === 'polling')) return true
    }
    return false
  }

  /** A worker about to block inside a call keeps the running count at the vCPUs: wake one with work. */
  private handOff(): boolean {
    for (const w of this.sleepers) {
      if (w.group.hasPending) {
        this.wakeWorker(w)
        this.ctx.stats.workerHandOffs++
        return true
      }
    }
    return false
  }

  /**
   * The service kernel's block hook (the release patches that kernel's scheduler for this): a
   * worker blocking inside a call stops counting as running and hands off to a sleeping worker with
   * pending work; it counts again once it has a CPU after the wait.
   */
  *beforeBlock(thread: KThread): Gen<(() => void) | null> {
    const w = this.workerOf.get(thread) ?? this.ghosts.get(thread)
    if (!w || w.state !== 'serving' || w.ghost) return null
    w.state = 'blocked'
    this.wake.addRunning(-1)
    if (this.handOff()) yield* this.kernel.sched.compute(thread, this.ctx.params.cpu.wakeup)
    // Nobody left polling while this call blocks: requests submitted meanwhile need a wake event.
    else if (this.needsWake()) this.wake.request()
    return () => {
      if (w.killed || w.ghost) return
      w.state = 'serving'
      this.wake.addRunning(1)
    }
  }

  private *workerLoop(w: Worker): Gen<void> {
    const g = w.group
    const sched = this.kernel.sched
    const v = this.ctx.vparams
    for (;;) {
      if (w.ghost || w.state === 'gone') return
      if (g.dead) return this.retire(w)
      yield* sched.acquire(w.thread)
      const core = w.thread.cpu!
      const look = g.hasPending ? g.submittedLine.atomic(core) : g.submittedLine.read(core)
      yield* sched.compute(w.thread, look)
      if (g.dead) return this.retire(w)
      const e = g.pages.take()
      if (e) {
        yield* this.serve(w, e)
        if ((w.state as WorkerState) === 'gone') return
        continue
      }
      if (this.wake.fields.running > this.minRunning) {
        yield* this.sleep(w)
        continue
      }
      // poll until a push or until the empty polls run out
      const period = this.pollPeriod
      const budget = Math.max(1, (v.emptyPollsBeforeWake - w.emptyPolls) * period)
      const seen = new Wakeup<true>(this.ctx.sim)
      g.pollers.add(seen)
      const t0 = this.ctx.sim.now
      const got = yield* sched.block(w.thread, seen.wait(budget))
      g.pollers.delete(seen)
      this.ctx.stats.pollCycles += this.ctx.sim.now - t0
      if (got === TIMED_OUT) {
        w.emptyPolls = 0
        this.wake.request()
        yield* this.sleep(w)
        continue
      }
      w.emptyPolls = 0
      yield* sched.compute(w.thread, Math.round(period / 2)) // the push landed mid-iteration
    }
  }

  private *sleep(w: Worker): Gen<void> {
    if (w.group.dead) return
    w.state = 'sleeping'
    this.wake.addRunning(-1)
    this.wake.addSleeping(1)
    this.sleepers.add(w)
    if (this.needsWake()) this.wake.request()
    this.ctx.stats.workerSleeps++
    w.wake = new Wakeup<true>(this.ctx.sim)
    yield* this.kernel.sched.block(w.thread, w.wake.wait())
    w.wake = null
  }

  private *serve(w: Worker, e: CallEntry): Gen<void> {
    const g = w.group
    const req = e.request as Request
    const sched = this.kernel.sched
    g.idle--
    w.state = 'serving'
    w.current = req
    // The group's last poller stopped polling with work still queued: if its other idle workers
    // sleep, only a wake event reaches them now (else that request waits unseen).
    if (g.hasPending && this.needsWake()) this.wake.request()
    if (g.idle === 0) {
      // the last idle worker took a request: another one first (one per concurrently blocked call)
      yield* sched.compute(w.thread, this.kernel.handlerCycles('fork'))
      if (!g.dead) this.spawnWorker(g)
    }
    yield* sched.compute(w.thread, g.entryLine(e).read(w.thread.cpu ?? this.irqCore))
    const result = yield* this.run(w, req)
    if (w.ghost) {
      // the VM is gone: nobody sees this result; the thread ends
      this.ghosts.delete(w.thread)
      w.state = 'gone'
      sched.exit(w.thread)
      return
    }
    yield* sched.acquire(w.thread)
    const core = w.thread.cpu!
    yield* sched.compute(w.thread, g.entryLine(e).atomic(core))
    w.current = null
    w.served++
    g.idle++
    w.state = 'polling'
    if (g.dead || req.answered) return
    const enqueue = g.pages.complete(e, result)
    g.answer(req, result)
    const cost = g.owner.completed(req, enqueue, core, false)
    if (cost > 0) yield* sched.compute(w.thread, cost)
  }

  /** The handler (the kernel core's), run by the worker for the mirror process. */
  private *run(w: Worker, req: Request): Gen<SyscallResult> {
    const op = req.op
    const ctx = {kernel: this.kernel, thread: w.thread, process: w.group.mirror}
    if (op.kind === 'setcred') {
      yield* this.kernel.sched.compute(w.thread, this.kernel.handlerCycles('getpid'))
      w.group.mirror.cred = {uid: op.uid, gid: op.gid}
      return {ret: 0}
    }
    return yield* this.kernel.invoke({...ctx, name: op.name}, op.name, op.args as never)
  }

  private retire(w: Worker): void {
    if (w.state === 'gone') return
    if (w.state === 'sleeping') {
      this.wake.addSleeping(-1)
      this.sleepers.delete(w)
    } else if (w.state !== 'blocked') {
      this.wake.addRunning(-1)
    }
    w.state = 'gone'
    this.kernel.sched.exit(w.thread)
    w.group.mirror.threads.delete(w.thread)
  }

  /** The process exits: its group goes away (workers retire at their next step). */
  unregister(pid: number): WorkerGroup | undefined {
    const g = this.groups.get(pid)
    if (!g) return undefined
    g.dead = true
    this.groups.delete(pid)
    for (const w of g.workers) {
      if (w.state === 'sleeping') this.wakeWorker(w)
    }
    g.pushed()
    exitProcess(this.kernel, g.mirror, 0)
    this.kernel.processes.delete(pid)
    return g
  }

  // --- faults ---

  /**
   * The domain crashes now (stated model assumption, the paper's semantics being unavailable):
   * every request in flight is answered with EIO (storage) or ECONNRESET (network) and its waiter
   * woken by the primary's disconnect handler; workers vanish with the VM (their kernel threads
   * leave the CPUs; calls they were serving count as answered with the error); the mirror processes
   * and their fds are gone, so fds into the domain are stale (EBADF) until re-opened; after the
   * restart delay the domain takes new registrations again.
   */
  crash(): void {
    if (!this.up) return
    this.up = false
    this.incarnation++ // fds of the old life are stale from now on
    this.crashes++
    for (const g of this.groups.values()) {
      g.dead = true
      for (const req of [...g.inFlight]) {
        if (req.answered) continue
        const e = req.entry
        let enqueue = false
        if (e.state === 'submitted' || e.state === 'taken') enqueue = g.pages.complete(e, fail(this.errno))
        g.answer(req, fail(this.errno))
        this.ctx.stats.failedByCrash++
        g.owner.completed(req, enqueue, -1, true)
      }
    }
    for (const w of this.workerOf.values()) {
      if (w.killed || w.state === 'gone') continue
      if (w.current && (w.state === 'serving' || w.state === 'blocked')) {
        // inside the kernel (a disk read, a socket wait): let that finish unseen, so the kernel's own
        // state (pages being read, locks) stays consistent; killed at the restart if still blocked
        w.ghost = true
        w.state = 'serving'
        this.ghosts.set(w.thread, w)
        continue
      }
      this.kill(w)
    }
    this.workerOf.clear()
    this.sleepers.clear()
    for (const g of this.groups.values()) {
      exitProcess(this.kernel, g.mirror, -1)
      this.kernel.processes.delete(g.mirror.pid)
    }
    this.groups.clear()
    this.wake = new WakeWord()
    this.wakeLine = new CacheLine(this.ctx.params)
  }

  /** The worker's thread vanishes with the VM: off the run queue and the CPU, its generator dropped. */
  private kill(w: Worker): void {
    const sched = this.kernel.sched
    w.killed = true
    const i = sched.runQueue.indexOf(w.thread)
    if (i >= 0) sched.runQueue.splice(i, 1)
    if (w.thread.cpu !== null) sched.release(w.thread)
    w.thread.state = 'exited'
    w.state = 'gone'
  }

  /** Ghosts still blocked at the restart are never coming back: their calls end with the error. */
  private buryGhosts(): void {
    for (const w of this.ghosts.values()) {
      if (w.current && w.current.op.kind === 'call') this.kernel.counters.answer(w.current.op.name, fail(this.errno))
      this.kill(w)
    }
    this.ghosts.clear()
  }

  /** Crash at `atCycles` and come back `delayCycles` later (new incarnation). */
  scheduleCrash(atCycles: number, delayCycles: number): void {
    const now = this.ctx.sim.now
    after(this.ctx.sim, Math.max(0, atCycles - now), () => {
      this.crash()
      if (this.restartTimerSet) return
      this.restartTimerSet = true
      after(this.ctx.sim, delayCycles, () => {
        this.restartTimerSet = false
        this.buryGhosts()
        this.up = true
      })
    })
  }

  /** Group-level invariants of live groups; with no thread left, nothing may be in flight. */
  check(quiescent: boolean): void {
    for (const g of this.groups.values()) {
      g.pages.check(`${this.name}/pid ${g.owner.pid}`)
      if (quiescent) {
        const c = g.pages.census()
        if (c.free !== g.pages.capacity) throw new InvariantError(`${this.name}/pid ${g.owner.pid}: ${g.pages.capacity - c.free} call-page entries leaked (${JSON.stringify(c)})`)
        if (g.data.allocations !== 0) throw new InvariantError(`${this.name}/pid ${g.owner.pid}: ${g.data.allocations} data-region buffers leaked`)
      }
    }
    const live = this.liveWorkers()
    const running = live.filter((w) => w.state === 'polling' || w.state === 'serving').length
    const sleeping = live.filter((w) => w.state === 'sleeping').length
    const f = this.wake.fields
    if (f.running !== running || f.sleeping !== sleeping) {
      throw new InvariantError(`${this.name}: wake word counts running ${f.running}/sleeping ${f.sleeping}, workers are ${running}/${sleeping}`)
    }
  }
}


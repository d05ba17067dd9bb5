/**
 * A service domain (storage or network) as VirtuOS runs it: its own Kernel on its own vCPUs, the
 * wake word shared by its processes, one worker group per registered process (call pages, data
 * region, a mirror KProcess holding the remote fd table); crash and restart in domain-lifecycle.ts.
 *
 * Workers (worker.ts, worker-loop.ts) are kernel threads of the mirror process. An idle worker polls
 * its group's submitted stack (modelled as waiting for a push while yielding its CPU, as sched_yield
 * would, and charged a half poll iteration of phase when it sees one) as long as the domain's
 * running workers are at most MIN_RUNNING_THREADS; after 5000 empty polls it sets WAKE_REQUESTED
 * and sleeps (stated assumption: the release's worker "keeps going" until its next check, then
 * sleeps). Extra idle workers sleep. A worker that blocks inside a call stops counting as running
 * and hands off to a sleeping worker with pending work (the runtime is its kernel's block hook).
 */
import {InvariantError} from '../../errors.js'
import {compute, eventChannelSend, grantMap, trapEntry, trapExit, virqDelivery} from '../../machine/cost.js'
import {ALL_RESIDENT, costAt} from '../../machine/kernel-locality.js'
import {countInXen} from '../dispatch/pv.js'
import {after} from '../engine.js'
import type {Kernel} from '../kernel.js'
import type {KThread} from '../process.js'
import type {BlockHook} from '../scheduler.js'
import {exitProcess} from '../syscalls/proc.js'
import type {Errno, Gen} from '../types.js'
import {CacheLine} from './cache-line.js'
import {socketOfCore, type VirtuosContext} from './context.js'
import {DomainLifecycle} from './domain-lifecycle.js'
import type {ServiceDomain} from './params.js'
import type {RequestOwner} from './request.js'
import {WakeWord} from './wake-word.js'
import {spawnKillable, Worker} from './worker.js'
import {WorkerGroup} from './worker-group.js'
import {workerLoop} from './worker-loop.js'
import {Act} from '../ledger.js'

export class ServiceDomainRuntime implements BlockHook {
  /** Bumped by every restart: fds and groups of an older life are stale. */
  incarnation = 1
  up = true
  wake = new WakeWord()
  wakeLine: CacheLine
  readonly groups = new Map<number, WorkerGroup>()
  readonly sleepers = new Set<Worker>()
  /** Live workers by thread (read by the worker loop and the lifecycle). */
  readonly workerOf = new Map<KThread, Worker>()
  /** Workers of a crashed life still inside a call. */
  readonly ghosts = new Map<KThread, Worker>()
  readonly errno: Errno
  readonly socket: number
  crashes = 0
  readonly lifecycle: DomainLifecycle = new DomainLifecycle(this)

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
   * no bounce through Xen). The loop's steady state: the same code ran one iteration ago on this
   * core with nothing in between, so the kernel-locality model finds it resident: its warm cost.
   */
  get pollPeriod(): number {
    const p = this.ctx.params
    const loop = compute(this.ctx.vparams.pollInstructions, p.cpu.warmKernelIpc)
    return loop + costAt(p, this.kernel.footprint('sched_yield'), ALL_RESIDENT).cycles
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
    return (
      trapEntry(p) +
      eventChannelSend(p) +
      virqDelivery(p) +
      serviceWork +
      grants +
      eventChannelSend(p) +
      virqDelivery(p) +
      trapExit(p)
    )
  }

  spawnWorker(group: WorkerGroup): Worker {
    const thread = this.kernel.createThread(group.mirror, 'kernel', `worker-${group.owner.pid}`)
    const w = new Worker(group, thread)
    group.workers.push(w)
    group.idle++
    this.workerOf.set(thread, w)
    this.wake.addRunning(1)
    this.ctx.stats.workersSpawned++
    spawnKillable(this.ctx.sim, workerLoop(this, w), () => w.killed)
    return w
  }

  /**
   * The submitter read WAKE_REQUESTED and has sent the wake event channel (its send is on its own
   * time, see wakeIfAsked): after the delivery, the domain's handler wakes a worker per group with
   * work, each wake-up charged to the handler's core as the primary's notification handler pays its.
   */
  sendWake(): void {
    const p = this.ctx.params
    after(this.ctx.sim, virqDelivery(p), () => {
      if (!this.up) return
      this.wake.wakeHandled()
      const woken = new Set<WorkerGroup>()
      for (const w of [...this.sleepers]) {
        if ((w.group.hasPending || w.group.dead) && !woken.has(w.group)) {
          woken.add(w.group)
          this.wakeWorker(w)
        }
      }
      const virq = countInXen(this.kernel.sched, this.irqCore, virqDelivery(p))
      const bill = this.kernel.sched.irqBill().add(Act.eventChannel, virq)
      this.kernel.sched.stealBill(this.irqCore, bill.add(Act.kernel, woken.size * p.cpu.wakeup))
      if (this.needsWake()) this.wake.request()
    })
  }

  /** The waker updates the word: the worker counts as running (and polling) from now on. */
  wakeWorker(w: Worker): void {
    if (!this.sleepers.delete(w)) return
    this.wake.addSleeping(-1)
    this.wake.addRunning(1)
    w.state = 'polling'
    w.wake?.fire(true)
  }

  /** A group whose idle workers all sleep can only be reached through a wake event. */
  needsWake(): boolean {
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
    if (this.handOff()) yield* this.kernel.sched.compute(thread, this.ctx.params.cpu.wakeup, Act.kernel)
    // Nobody left polling while this call blocks: requests submitted meanwhile need a wake event.
    else if (this.needsWake()) this.wake.request()
    return () => {
      if (w.killed || w.ghost) return
      w.state = 'serving'
      this.wake.addRunning(1)
    }
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

  /** Group-level invariants of live groups; with no thread left, nothing may be in flight. */
  check(quiescent: boolean): void {
    for (const g of this.groups.values()) {
      g.pages.check(`${this.name}/pid ${g.owner.pid}`)
      if (quiescent) {
        const c = g.pages.census()
        if (c.free !== g.pages.capacity) {
          throw new InvariantError(
            `${this.name}/pid ${g.owner.pid}: ${g.pages.capacity - c.free} call-page entries leaked (${JSON.stringify(c)})`,
          )
        }
        if (g.data.allocations !== 0) {
          throw new InvariantError(`${this.name}/pid ${g.owner.pid}: ${g.data.allocations} data-region buffers leaked`)
        }
      }
    }
    const live = this.liveWorkers()
    const running = live.filter((w) => w.state === 'polling' || w.state === 'serving').length
    const sleeping = live.filter((w) => w.state === 'sleeping').length
    const f = this.wake.fields
    if (f.running !== running || f.sleeping !== sleeping) {
      throw new InvariantError(
        `${this.name}: wake word counts running ${f.running}/sleeping ${f.sleeping}, workers are ${running}/${sleeping}`,
      )
    }
  }
}

/**
 * A service domain's crash and restart (stated model assumption, the paper's semantics being
 * unavailable): the requests in flight fail, the workers vanish with the VM (those inside the
 * kernel finish that call's kernel work unseen, as ghosts), the mirror processes and their fds are
 * gone, and after the restart delay the domain takes new registrations again.
 */
import {after} from '../engine.js'
import {exitProcess} from '../syscalls/proc.js'
import {fail} from '../types.js'
import {CacheLine} from './cache-line.js'
import type {ServiceDomainRuntime} from './service-runtime.js'
import {WakeWord} from './wake-word.js'
import type {Worker} from './worker.js'

export class DomainLifecycle {
  private restartTimerSet = false

  constructor(private readonly d: ServiceDomainRuntime) {}

  /**
   * The domain crashes now (stated model assumption, the paper's semantics being unavailable):
   * every request in flight is answered with EIO (storage) or ECONNRESET (network) and its waiter
   * woken by the primary's disconnect handler; workers vanish with the VM (their kernel threads
   * leave the CPUs; calls they were serving count as answered with the error); the mirror processes
   * and their fds are gone, so fds into the domain are stale (EBADF) until re-opened; after the
   * restart delay the domain takes new registrations again.
   */
  crash(): void {
    if (!this.d.up) return
    this.d.up = false
    this.d.incarnation++ // fds of the old life are stale from now on
    this.d.crashes++
    for (const g of this.d.groups.values()) {
      g.dead = true
      for (const req of [...g.inFlight]) {
        if (req.answered) continue
        const e = req.entry
        let enqueue = false
        if (e.state === 'submitted' || e.state === 'taken') enqueue = g.pages.complete(e, fail(this.d.errno))
        g.answer(req, fail(this.d.errno))
        this.d.ctx.stats.failedByCrash++
        g.owner.completed(req, enqueue, -1, true)
      }
    }
    for (const w of this.d.workerOf.values()) {
      if (w.killed || w.state === 'gone') continue
      if (w.current && (w.state === 'serving' || w.state === 'blocked')) {
        // inside the kernel (a disk read, a socket wait): let that finish unseen, so the kernel's own
        // state (pages being read, locks) stays consistent; killed at the restart if still blocked
        w.ghost = true
        w.state = 'serving'
        this.d.ghosts.set(w.thread, w)
        continue
      }
      this.kill(w)
    }
    this.d.workerOf.clear()
    this.d.sleepers.clear()
    for (const g of this.d.groups.values()) {
      exitProcess(this.d.kernel, g.mirror, -1)
      this.d.kernel.processes.delete(g.mirror.pid)
    }
    this.d.groups.clear()
    this.d.wake = new WakeWord()
    this.d.wakeLine = new CacheLine(this.d.ctx.params)
  }

  /** The worker's thread vanishes with the VM: off the run queue and the CPU, its generator dropped. */
  private kill(w: Worker): void {
    const sched = this.d.kernel.sched
    w.killed = true
    const i = sched.runQueue.indexOf(w.thread)
    if (i >= 0) sched.runQueue.splice(i, 1)
    if (w.thread.cpu !== null) sched.release(w.thread)
    w.thread.state = 'exited'
    w.state = 'gone'
  }

  /** Ghosts still blocked at the restart are never coming back: their calls end with the error. */
  private buryGhosts(): void {
    for (const w of this.d.ghosts.values()) {
      if (w.current && w.current.op.kind === 'call') {
        this.d.kernel.counters.answer(w.current.op.name, fail(this.d.errno))
      }
      this.kill(w)
    }
    this.d.ghosts.clear()
  }

  /** Crash at `atCycles` and come back `delayCycles` later (new incarnation). */
  scheduleCrash(atCycles: number, delayCycles: number): void {
    const now = this.d.ctx.sim.now
    after(this.d.ctx.sim, Math.max(0, atCycles - now), () => {
      this.crash()
      if (this.restartTimerSet) return
      this.restartTimerSet = true
      after(this.d.ctx.sim, delayCycles, () => {
        this.restartTimerSet = false
        this.buryGhosts()
        this.d.up = true
      })
    })
  }
}

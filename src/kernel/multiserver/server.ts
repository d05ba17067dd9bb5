/**
 * A user-level server's life: up, crashed, restarted (Minix 3's reincarnation server starts a fresh
 * copy), and what each crash does to the calls it was serving. A crash of the storage server is
 * its block driver's, the component Minix 3 restarts transparently: the file server (VFS, page
 * cache) keeps its state and re-issues the block requests the dead driver held (block-driver.ts).
 * A crash of the network server loses its TCP/IP state: every socket dies (its fds answer EBADF
 * until closed, its peers see the connection closed, as when VirtuOS's network domain dies), calls
 * in flight fail with ECONNRESET, and calls while it is down fail at once.
 */
import {InvariantError} from '../../errors.js'
import {after, Wakeup, type Simulation} from '../engine.js'
import {fail, type Errno, type Gen, type SyscallArgs, type SyscallName, type SyscallResult} from '../types.js'
import type {KProcess} from '../process.js'
import type {ServerName} from './params.js'

/** Counters a run reports and tests read. */
export class MultiserverStats {
  localCalls = 0
  remoteCalls: Record<ServerName, number> = {storage: 0, network: 0}
  oneWayIpcs = 0
  /** Same-core: address-space switches between a caller and a server (two per call). */
  addressSpaceSwitches = 0
  /** Dedicated: notifications to a server's core and back to the caller's. */
  ipis = 0
  /** Payloads larger than a message, moved by a granted copy (one kernel call each way). */
  safecopies = 0
  failedByCrash = 0
  /** Block requests a crashed driver held, issued again by the file server after the restart. */
  reissuedBlockRequests = 0
  crashes = 0
}

/** A call a server is serving for a caller on another core (dedicated placement). */
export interface PendingCall {
  name: SyscallName
  args: SyscallArgs
  process: KProcess
  reply: Wakeup<SyscallResult>
  answered: boolean
}

export class Server {
  up = true
  /** Lives so far: a call that began in an older life lost its server. */
  incarnation = 0
  readonly errno: Errno
  /** Calls handed to this server's workers and not answered yet. */
  readonly inFlight = new Set<PendingCall>()
  private waitingForRestart: Wakeup<true>[] = []
  /** What else dies with the server (the network server's sockets): see setCrashHook. */
  private crashHook: (() => void) | null = null

  constructor(
    readonly name: ServerName,
    private readonly sim: Simulation,
    private readonly stats: MultiserverStats,
  ) {
    this.errno = name === 'storage' ? 'EIO' : 'ECONNRESET'
  }

  /** Register, once, what else the server's crash takes with it. */
  setCrashHook(hook: () => void): void {
    if (this.crashHook) throw new InvariantError(`multiserver: the ${this.name} server has a crash hook already`)
    this.crashHook = hook
  }

  /** Answer a pending call once (the reply, or the crash's error, whichever comes first). */
  answer(call: PendingCall, result: SyscallResult, delay: number): void {
    if (call.answered) return
    call.answered = true
    this.inFlight.delete(call)
    if (delay > 0) after(this.sim, delay, () => call.reply.fire(result))
    else call.reply.fire(result)
  }

  /** Wait until the server is up again (at once if it is). */
  *whenUp(): Gen<void> {
    if (this.up) return
    const w = new Wakeup<true>(this.sim)
    this.waitingForRestart.push(w)
    yield* w.wait()
  }

  crash(): void {
    if (!this.up) return
    this.up = false
    this.incarnation++
    this.stats.crashes++
    if (this.name === 'network') {
      // the calls it was serving end with the error, told to their callers by the kernel
      for (const call of [...this.inFlight]) {
        this.stats.failedByCrash++
        this.answer(call, fail(this.errno), 0)
      }
    }
    this.crashHook?.()
  }

  restart(): void {
    if (this.up) return
    this.up = true
    for (const w of this.waitingForRestart.splice(0)) w.fire(true)
  }

  /** Crash at `atCycles`, serve again `delayCycles` later. */
  scheduleCrash(atCycles: number, delayCycles: number): void {
    after(this.sim, Math.max(0, atCycles - this.sim.now), () => {
      this.crash()
      after(this.sim, delayCycles, () => this.restart())
    })
  }
}

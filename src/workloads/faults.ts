/**
 * The two workloads of the fault experiments, run at once on one system, and the per-call ledger
 * that says what happened to every call they issued:
 *  - a file server (one process, user threads each looping open/pread/pwrite/close on its own file
 *    under /storage): under VirtuOS every call of its loop goes to the storage domain;
 *  - a request/response service across the NIC (a server process, a thread per connection, and
 *    closed-loop clients on a client host): under VirtuOS its sockets live in the network domain.
 * Both retry after an error, as a robust application would: a failed call makes the thread drop its
 * descriptors, sleep `retryCycles` and start over (re-open / re-listen / reconnect), so a restarted
 * domain is picked up without help. They stop issuing new work at `endCycles` and then end, so the
 * run reaches quiescence and every call can be accounted for.
 */
import type {SyscallInterface} from '../kernel/syscalls/interface.js'
import {O, POLL, type Gen, type Program, type SyscallResult} from '../kernel/types.js'
import {STORAGE_DIR} from './micro.js'

/** What happened to the calls of one workload, and when its operations completed. */
export class CallLedger {
  issued = 0
  returned = 0
  /** Calls that returned an error (ret < 0). */
  failed = 0
  /** Completion times (cycles) of whole operations (a file request, a request/response, a buffer moved). */
  readonly opTimes: number[] = []
  /** Bytes the operations moved, cumulative: movedTo[i] is the total after operation i. */
  private readonly movedTo: number[] = []
  /** Times (cycles) of calls that returned an error. */
  readonly failTimes: number[] = []

  constructor(readonly name: string) {}

  /** Issue a call through the ledger: counted when issued and again when it returns. */
  *call(sys: SyscallInterface, g: Gen<SyscallResult>): Gen<SyscallResult> {
    this.issued++
    const r = yield* g
    this.returned++
    if (r.ret < 0) {
      this.failed++
      this.failTimes.push(sys.now())
    }
    return r
  }

  /** An operation completed at `now`, moving `bytes` (the workload's payload: what its MB/s count). */
  op(now: number, bytes = 0): void {
    this.opTimes.push(now)
    this.movedTo.push(this.bytesMoved + bytes)
  }

  /** Bytes moved by all operations so far. */
  get bytesMoved(): number {
    return this.movedTo.length === 0 ? 0 : this.movedTo[this.movedTo.length - 1]
  }

  /** Calls issued that never came back (a hang, or a machine that went down under them). */
  get outstanding(): number {
    return this.issued - this.returned
  }

  /** Operations completed in [from, to). */
  opsIn(from: number, to: number): number {
    return countIn(this.opTimes, from, to)
  }

  /** Bytes moved by the operations completed in [from, to). */
  bytesIn(from: number, to: number): number {
    const upTo = (t: number) => {
      const i = lowerBound(this.opTimes, t)
      return i === 0 ? 0 : this.movedTo[i - 1]
    }
    return upTo(to) - upTo(from)
  }

  failsIn(from: number, to: number): number {
    return countIn(this.failTimes, from, to)
  }

  /** The first operation completed at or after `t`, or null. */
  firstOpAfter(t: number): number | null {
    const i = lowerBound(this.opTimes, t)
    return i < this.opTimes.length ? this.opTimes[i] : null
  }
}

/** Times in [from, to) of a nondecreasing list (simulated time only moves forward). */
export function countIn(times: readonly number[], from: number, to: number): number {
  return lowerBound(times, to) - lowerBound(times, from)
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0
  let hi = a.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (a[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

export interface FileServerConfig {
  threads: number
  /** Size of each thread's file; requests read and write one block at wrapping offsets. */
  fileBytes: number
  blockBytes: number
  /** User instructions per request (parsing, building the reply). */
  thinkInstructions: number
  retryCycles: number
  endCycles: number
}

export interface WorkloadRun {
  program: Program
  ledger: CallLedger
  readonly finished: () => boolean
}

/** One process; thread i serves requests on /storage/fault-<i>: open, pread, pwrite, close. */
export function fileServer(cfg: FileServerConfig): WorkloadRun {
  const ledger = new CallLedger('file-server')
  let done = false
  const path = (i: number) => `${STORAGE_DIR}/fault-${i}`
  const worker = (i: number): Program =>
    function* (sys) {
      let offset = 0
      let created = false
      while (sys.now() < cfg.endCycles) {
        const flags = created ? O.RDWR : O.RDWR | O.CREAT
        const fd = (yield* ledger.call(sys, sys.open(path(i), flags))).ret
        if (fd < 0) {
          yield* sys.sleep(cfg.retryCycles)
          continue
        }
        created = true
        const r = yield* ledger.call(sys, sys.pread(fd, cfg.blockBytes, offset))
        const w = r.ret < 0 ? r : yield* ledger.call(sys, sys.pwrite(fd, cfg.blockBytes, offset))
        const c = yield* ledger.call(sys, sys.close(fd))
        if (r.ret < 0 || w.ret < 0 || c.ret < 0) {
          yield* sys.sleep(cfg.retryCycles)
          continue
        }
        offset = (offset + cfg.blockBytes) % cfg.fileBytes
        if (cfg.thinkInstructions > 0) yield* sys.compute(cfg.thinkInstructions)
        ledger.op(sys.now(), 2 * cfg.blockBytes)
      }
    }
  const program: Program = function* (sys) {
    const tids: number[] = []
    for (let i = 0; i < cfg.threads; i++) tids.push(yield* sys.spawnThread(worker(i), `files-${i}`))
    for (const t of tids) yield* sys.joinThread(t)
    done = true
  }
  return {program, ledger, finished: () => done}
}

export interface RequestServiceConfig {
  /** Client connections (one client thread each, on client host 0). */
  clients: number
  port: number
  requestBytes: number
  responseBytes: number
  /** Server instructions per request; clients think `clientThinkInstructions` between requests. */
  serverInstructions: number
  clientThinkInstructions: number
  retryCycles: number
  endCycles: number
  /** How long the server's accept loop waits in poll before looking at the clock again. */
  pollCycles: number
}

export interface RequestServiceRun {
  server: Program
  /** Client `index`, connecting `startDelayCycles` after the server first listens. */
  client: (index: number, startDelayCycles?: number) => Program
  /** Calls of the server process (the system under test). */
  ledger: CallLedger
  /** Calls of the clients (their own kernels across the link); operations count here. */
  clientLedger: CallLedger
  readonly finished: () => boolean
}

/** What the service's server and clients share. */
interface Service {
  cfg: RequestServiceConfig
  ledger: CallLedger
  clientLedger: CallLedger
  /** Clients start once the server first listens (a start-up order, not a fault: no refused connects). */
  listening: boolean
  serverDone: boolean
  clientsDone: number
}

/**
 * A request/response service: clients send `requestBytes`, the server answers `responseBytes`.
 * The server's accept loop re-creates its listener when the old one fails (a network-domain
 * restart makes it stale); a client whose connection fails or ends reconnects after a pause.
 */
export function requestService(cfg: RequestServiceConfig): RequestServiceRun {
  const svc: Service = {
    cfg,
    ledger: new CallLedger('net-server'),
    clientLedger: new CallLedger('net-clients'),
    listening: false,
    serverDone: false,
    clientsDone: 0,
  }
  return {
    server: serviceServer(svc),
    client: (_index, startDelayCycles = 0) => serviceClient(svc, startDelayCycles),
    ledger: svc.ledger,
    clientLedger: svc.clientLedger,
    finished: () => svc.serverDone && svc.clientsDone === cfg.clients,
  }
}

/** A connection of the server: answer every full request until the client goes. */
function serviceHandler(svc: Service, fd: number): Program {
  const {cfg, ledger} = svc
  return function* (sys) {
    for (;;) {
      const got = yield* readFull(sys, ledger, fd, cfg.requestBytes)
      if (got < cfg.requestBytes) break
      if (cfg.serverInstructions > 0) yield* sys.compute(cfg.serverInstructions)
      const s = yield* ledger.call(sys, sys.send(fd, cfg.responseBytes))
      if (s.ret < 0) break
    }
    yield* ledger.call(sys, sys.close(fd))
  }
}

/** A listening socket on `port`, or -1 after a failure (the caller pauses and retries). */
export function* listenOn(sys: SyscallInterface, ledger: CallLedger, port: number): Gen<number> {
  const ls = (yield* ledger.call(sys, sys.socket('AF_INET', 'SOCK_STREAM'))).ret
  if (ls < 0) return -1
  const b = yield* ledger.call(sys, sys.bind(ls, {family: 'AF_INET', port}))
  const l = b.ret < 0 ? b : yield* ledger.call(sys, sys.listen(ls, 128))
  if (l.ret < 0) {
    yield* ledger.call(sys, sys.close(ls))
    return -1
  }
  return ls
}

/** What an accept loop needs: where it listens, how it retries, when it stops. */
export interface AcceptLoopConfig {
  port: number
  retryCycles: number
  endCycles: number
  /** How long the loop waits in poll before looking at the clock again. */
  pollCycles: number
}

/**
 * A server's accept loop: (re-)listen, poll, accept into a `handler` thread; join them at the end.
 * `onListening` is told each time it listens; `onDone` once every handler has ended. The listener
 * is re-created when it fails (a network-domain restart makes it stale).
 */
export function acceptLoop(
  cfg: AcceptLoopConfig,
  ledger: CallLedger,
  handler: (fd: number) => Program,
  on: {listening: () => void; done: () => void},
): Program {
  return function* (sys) {
    const handlers: number[] = []
    let ls = -1
    // the accept loop outlives the clients' end by a retry, so a late reconnect is still served
    while (sys.now() < cfg.endCycles + cfg.retryCycles) {
      if (ls < 0) {
        ls = yield* listenOn(sys, ledger, cfg.port)
        if (ls < 0) yield* sys.sleep(cfg.retryCycles)
        else on.listening()
        continue
      }
      const p = yield* ledger.call(sys, sys.poll([{fd: ls, events: POLL.IN}], cfg.pollCycles))
      if (p.ret === 0) continue
      const a = p.ret < 0 ? p : yield* ledger.call(sys, sys.accept(ls))
      if (a.ret < 0) {
        yield* ledger.call(sys, sys.close(ls))
        ls = -1
        yield* sys.sleep(cfg.retryCycles)
        continue
      }
      handlers.push(yield* sys.spawnThread(handler(a.ret), `conn-${handlers.length}`))
    }
    if (ls >= 0) yield* ledger.call(sys, sys.close(ls))
    for (const t of handlers) yield* sys.joinThread(t)
    on.done()
  }
}

/** The service's accept loop. */
function serviceServer(svc: Service): Program {
  return acceptLoop(svc.cfg, svc.ledger, (fd) => serviceHandler(svc, fd), {
    listening: () => {
      svc.listening = true
    },
    done: () => {
      svc.serverDone = true
    },
  })
}

/** A socket connected to the server's `port`, or -1 after a failure (the caller pauses and retries). */
export function* connectTo(sys: SyscallInterface, ledger: CallLedger, port: number): Gen<number> {
  const fd = (yield* ledger.call(sys, sys.socket('AF_INET', 'SOCK_STREAM'))).ret
  const c = fd < 0 ? null : yield* ledger.call(sys, sys.connect(fd, {family: 'AF_INET', host: 'server', port}))
  if (c && c.ret >= 0) return fd
  if (fd >= 0) yield* ledger.call(sys, sys.close(fd))
  return -1
}

/** A client: request after request on one connection, reconnecting after a pause when it fails. */
function serviceClient(svc: Service, startDelayCycles: number): Program {
  const {cfg, clientLedger} = svc
  return function* (sys) {
    let fd = -1
    while (!svc.listening && sys.now() < cfg.endCycles) yield* sys.sleep(cfg.retryCycles)
    if (startDelayCycles > 0) yield* sys.sleep(startDelayCycles)
    while (sys.now() < cfg.endCycles) {
      if (fd < 0) {
        fd = yield* connectTo(sys, clientLedger, cfg.port)
        if (fd < 0) {
          yield* sys.sleep(cfg.retryCycles)
          continue
        }
      }
      const s = yield* clientLedger.call(sys, sys.send(fd, cfg.requestBytes))
      const got = s.ret < 0 ? -1 : yield* readFull(sys, clientLedger, fd, cfg.responseBytes)
      if (got < cfg.responseBytes) {
        yield* clientLedger.call(sys, sys.close(fd))
        fd = -1
        yield* sys.sleep(cfg.retryCycles)
        continue
      }
      clientLedger.op(sys.now(), cfg.requestBytes + cfg.responseBytes)
      if (cfg.clientThinkInstructions > 0) yield* sys.compute(cfg.clientThinkInstructions)
    }
    if (fd >= 0) yield* clientLedger.call(sys, sys.close(fd))
    svc.clientsDone++
  }
}

/** recv until `bytes` arrived; fewer (EOF or an error) means the connection is over. */
export function* readFull(sys: SyscallInterface, ledger: CallLedger, fd: number, bytes: number): Gen<number> {
  let got = 0
  while (got < bytes) {
    const r = yield* ledger.call(sys, sys.recv(fd, bytes - got))
    if (r.ret <= 0) return got
    got += r.ret
  }
  return got
}

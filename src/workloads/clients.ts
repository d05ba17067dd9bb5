/**
 * Load generators and measurement shared by the macrobenchmarks: closed-loop clients that run on a
 * client host across the NIC (ab-like: one connection per request; sysbench-like: a persistent
 * connection per client thread, see oltp.ts), a recorder of operations completed inside the
 * measurement window, and small socket helpers. Clients stop starting new work at `endCycles`.
 */
import type {SyscallInterface} from '../kernel/syscalls/interface.js'
import type {Gen, Program, SockAddr} from '../kernel/types.js'
import type {Rng} from '../sim/rng.js'
import {quantile} from '../sim/stats.js'

/** The stream of the clients' start offsets (one draw per client, in client order). */
export const CLIENT_START_STREAM = 'client-start'

/**
 * When each of `n` clients starts its first connection after the server is ready: uniform in
 * [0, spreadCycles], one draw per client from `rng` in client order. ab and sysbench have no think
 * time (closed loops); what varies run to run is how their connections come up at the start (ab's
 * event loop opens them one after another, sysbench creates its threads one by one), so the
 * clients' phases against each other and against the server are not all zero.
 */
export function startOffsets(rng: Rng, n: number, spreadCycles: number): number[] {
  if (!Number.isSafeInteger(spreadCycles) || spreadCycles < 0) {
    throw new RangeError(`startOffsets: spread ${spreadCycles}: expected integer cycles >= 0`)
  }
  return Array.from({length: n}, () => rng.int(0, spreadCycles))
}

/** The measurement window: operations completing in [fromCycles, toCycles) count. */
export interface MeasureWindow {
  fromCycles: number
  toCycles: number
}

/** Operations and their latencies (cycles) completed inside the window. */
export class OpRecorder {
  readonly latencies: number[] = []
  /** Operations finished anywhere (warm-up included), for call-mix checks. */
  total = 0
  /** Operations that failed (short read, refused connection): a model problem if not 0. */
  failed = 0

  constructor(readonly window: MeasureWindow) {}

  record(start: number, end: number): void {
    this.total++
    if (end >= this.window.fromCycles && end < this.window.toCycles) this.latencies.push(end - start)
  }

  get count(): number {
    return this.latencies.length
  }

  /** Operations per second of the window (cycles per second `hz`). */
  rate(hz: number): number {
    return this.count / ((this.window.toCycles - this.window.fromCycles) / hz)
  }

  meanCycles(): number {
    return this.count === 0 ? 0 : this.latencies.reduce((a, b) => a + b, 0) / this.count
  }

  /** The q-quantile (0..1) of the latencies, nearest rank; 0 without samples. */
  quantileCycles(q: number): number {
    return quantile(this.latencies, q)
  }
}

/** recv until `bytes` arrived; returns what arrived (fewer: EOF or an error). */
export function* readExactly(sys: SyscallInterface, fd: number, bytes: number, chunk = 65536): Gen<number> {
  let got = 0
  while (got < bytes) {
    const r = yield* sys.recv(fd, Math.min(chunk, bytes - got))
    if (r.ret <= 0) return got
    got += r.ret
  }
  return got
}

/** send until `bytes` are gone; returns what was sent (fewer: an error). */
export function* sendAll(sys: SyscallInterface, fd: number, bytes: number): Gen<number> {
  let sent = 0
  while (sent < bytes) {
    const r = yield* sys.send(fd, bytes - sent)
    if (r.ret <= 0) return sent
    sent += r.ret
  }
  return sent
}

/** Where the clients find the server. */
export function serverAddr(port: number): SockAddr {
  return {family: 'AF_INET', host: 'server', port}
}

/**
 * A gate the server opens once it is ready (files warm, listening), so clients never meet a refused
 * connection; opening it places the measurement window after a warm-up, so set-up time (disk reads
 * of a cold data set) never counts.
 */
export class StartGate {
  open = false
  /** Filled in by `openAt`. */
  readonly window: MeasureWindow = {fromCycles: Infinity, toCycles: Infinity}

  constructor(
    readonly warmupCycles: number,
    readonly measureCycles: number,
  ) {}

  /** Clients start no new work from here on. */
  get endCycles(): number {
    return this.window.toCycles
  }

  openAt(now: number): void {
    this.open = true
    this.window.fromCycles = now + this.warmupCycles
    this.window.toCycles = this.window.fromCycles + this.measureCycles
  }

  /** Sleep in steps of `pollCycles` until the gate opens. */
  *wait(sys: SyscallInterface, pollCycles: number): Gen<void> {
    while (!this.open) yield* sys.sleep(pollCycles)
  }
}

export interface AbClientConfig {
  port: number
  requestBytes: number
  /** Headers plus body the server answers with. */
  responseBytes: number
  /** Client-side work per request (building the request, parsing the reply). */
  thinkInstructions: number
  gate: StartGate
  gatePollCycles: number
  /** Wait after the gate opens before the first connection (see startOffsets). */
  startDelayCycles?: number
  /** Called when the client stops (here rather than in a wrapping program: one generator less per event). */
  onDone?: () => void
}

/**
 * ApacheBench-like client thread (no keep-alive): per request connect, send the request, read the
 * whole response, close; start again until the gate's end.
 */
export function abClient(cfg: AbClientConfig, rec: OpRecorder): Program {
  return function* (sys) {
    yield* cfg.gate.wait(sys, cfg.gatePollCycles)
    if (cfg.startDelayCycles) yield* sys.sleep(cfg.startDelayCycles)
    while (sys.now() < cfg.gate.endCycles) {
      const t0 = sys.now()
      const fd = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      if (fd < 0) throw new Error(`ab client: socket failed`)
      const c = yield* sys.connect(fd, serverAddr(cfg.port))
      let ok = c.ret >= 0
      if (ok) ok = (yield* sendAll(sys, fd, cfg.requestBytes)) === cfg.requestBytes
      if (ok) ok = (yield* readExactly(sys, fd, cfg.responseBytes)) === cfg.responseBytes
      yield* sys.close(fd)
      if (!ok) {
        // the server stopped accepting at the end of the run: not a failure before the end
        if (sys.now() < cfg.gate.endCycles) rec.failed++
        break
      }
      rec.record(t0, sys.now())
      if (cfg.thinkInstructions > 0) yield* sys.compute(cfg.thinkInstructions)
    }
    cfg.onDone?.()
  }
}

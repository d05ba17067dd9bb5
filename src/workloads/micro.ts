/**
 * Microbenchmark building blocks: the fixtures (a page-cached file on the storage mount, loopback
 * TCP connections) and the single calls the overhead experiments time, as programs on the
 * SyscallInterface. Under VirtuOS the storage file lives in the storage domain and AF_INET sockets
 * in the network domain, so the same program measures local and remote calls.
 */
import {InvariantError} from '../errors.js'
import type {SyscallInterface} from '../kernel/syscalls/interface.js'
import {O, SEEK, type Gen, type Program, type SyscallResult} from '../kernel/types.js'
import {STORAGE_TMPFS} from '../kernel/vfs/vfs.js'

/** The call classes of the syscall-overhead experiment, in table order. */
export const CALL_CLASSES = [
  'getppid',
  'fstat',
  'getsockopt',
  'read_file',
  'write_file',
  'read_socket',
  'write_socket',
] as const
export type CallClass = (typeof CALL_CLASSES)[number]

/** What each class needs set up: nothing, a storage file, or a loopback connection. */
export function fixtureOf(c: CallClass): 'none' | 'file' | 'socket' {
  if (c === 'fstat' || c === 'read_file' || c === 'write_file') return 'file'
  if (c === 'getsockopt' || c === 'read_socket' || c === 'write_socket') return 'socket'
  return 'none'
}

/** Where the storage domain's files live (VirtuOS routes this prefix to the storage domain). */
export const STORAGE_DIR = '/storage'

function check(what: string, r: SyscallResult): number {
  if (r.ret < 0) throw new Error(`workload setup: ${what} failed with ${r.errno ?? r.ret}`)
  return r.ret
}

/**
 * Creates `path` and writes `bytes` in `chunk`-sized writes, so its pages sit in the page cache;
 * returns the fd (opened read-write, offset at the end).
 */
export function* cachedFile(sys: SyscallInterface, path: string, bytes: number, chunk = 256 * 1024): Gen<number> {
  const fd = check(`open ${path}`, yield* sys.open(path, O.CREAT | O.RDWR | O.TRUNC))
  for (let done = 0; done < bytes; done += chunk)
    check(`write ${path}`, yield* sys.write(fd, Math.min(chunk, bytes - done)))
  return fd
}

export interface Connection {
  /** The connecting end. */
  client: number
  /** The accepted end. */
  server: number
}

/** A listening AF_INET socket on the loopback `port`. */
export function* listener(sys: SyscallInterface, port: number, backlog = 128): Gen<number> {
  const ls = check('socket', yield* sys.socket('AF_INET', 'SOCK_STREAM'))
  check('bind', yield* sys.bind(ls, {family: 'AF_INET', port}))
  check('listen', yield* sys.listen(ls, backlog))
  return ls
}

/** One loopback TCP connection through listener `ls` on `port` (connect completes from the backlog). */
export function* loopbackConnection(sys: SyscallInterface, ls: number, port: number): Gen<Connection> {
  const client = check('socket', yield* sys.socket('AF_INET', 'SOCK_STREAM'))
  check('connect', yield* sys.connect(client, {family: 'AF_INET', host: 'localhost', port}))
  const server = check('accept', yield* sys.accept(ls))
  return {client, server}
}

/** The descriptors one measuring thread uses. */
export interface CallTarget {
  /** The storage file (fstat, read_file, write_file) or the connection's client end (socket classes). */
  fd: number
}

/** One call of class `c` moving `bytes` (1 for the byte classes). */
export function issueCall(sys: SyscallInterface, c: CallClass, t: CallTarget, bytes = 1): Gen<SyscallResult> {
  switch (c) {
    case 'getppid':
      return sys.getppid()
    case 'fstat':
      return sys.fstat(t.fd)
    case 'getsockopt':
      return sys.call('getsockopt', {fd: t.fd, level: 'SOL_SOCKET', name: 'SO_RCVBUF'})
    case 'read_file':
    case 'read_socket':
      return sys.read(t.fd, bytes)
    case 'write_file':
    case 'write_socket':
      return sys.write(t.fd, bytes)
  }
}

/** The syscall name each class issues (for call-mix checks). */
export function syscallOf(c: CallClass): string {
  if (c === 'read_file' || c === 'read_socket') return 'read'
  if (c === 'write_file' || c === 'write_socket') return 'write'
  return c
}

// --- workloads ---

/** Calls that completed inside the measurement window, and their summed latency (cycles). */
export interface CallTally {
  /** Calls that returned inside the window, and their summed latency. */
  calls: number
  latencyCycles: number
  /**
   * callLatencyWorkload: calls outstanding for the whole window (issued before it, returned after
   * it), and their waits up to the window's end (a lower bound of their latency).
   */
  starved?: number
  starvedCycles?: number
}

export interface CallLatencyConfig {
  call: CallClass
  /** User threads issuing calls back to back (1: the process's main thread, no M:N). */
  threads: number
  /** User instructions between calls (the loop, argument set-up). */
  loopInstructions: number
  /** Cycles after set-up before calls count, then cycles during which they count. */
  warmupCycles: number
  measureCycles: number
  /** Bytes in each thread's storage file before it reads 1 byte at a time. */
  fileBytes: number
  /** Bytes queued on each thread's connection before it reads 1 byte at a time. */
  socketPrefillBytes: number
  port: number
}

export interface CallLatencyRun {
  program: Program
  /** Per thread, filled as the run goes. */
  tallies: CallTally[]
  /** Simulated time set-up ended (windows start from here); -1 until then. */
  readonly setupEnd: () => number
  readonly finished: () => boolean
}

/**
 * `threads` user threads of one process each issue `call` back to back (with `loopInstructions`
 * between calls) on their own descriptor, from set-up end + warm-up until the window closes.
 */
export function callLatencyWorkload(cfg: CallLatencyConfig): CallLatencyRun {
  const tallies: CallTally[] = Array.from({length: cfg.threads}, () => ({
    calls: 0,
    latencyCycles: 0,
    starved: 0,
    starvedCycles: 0,
  }))
  let setupEnd = -1
  let done = false
  const program: Program = function* (sys) {
    const targets: CallTarget[] = []
    const kind = fixtureOf(cfg.call)
    const ls = kind === 'socket' ? yield* listener(sys, cfg.port) : -1
    for (let i = 0; i < cfg.threads; i++) targets.push(yield* callTarget(sys, cfg, kind, ls, i))
    setupEnd = sys.now()
    const window = {from: setupEnd + cfg.warmupCycles, to: setupEnd + cfg.warmupCycles + cfg.measureCycles}
    const body =
      (i: number): Program =>
      (s) =>
        timedCalls(s, cfg, targets[i], window, tallies[i])
    if (cfg.threads === 1) {
      yield* body(0)(sys)
    } else {
      const tids: number[] = []
      for (let i = 0; i < cfg.threads; i++) tids.push(yield* sys.spawnThread(body(i), `caller-${i}`))
      for (const tid of tids) yield* sys.joinThread(tid)
    }
    done = true
  }
  return {program, tallies, setupEnd: () => setupEnd, finished: () => done}
}

function* callTarget(
  sys: SyscallInterface,
  cfg: CallLatencyConfig,
  kind: 'none' | 'file' | 'socket',
  ls: number,
  i: number,
): Gen<CallTarget> {
  if (kind === 'none') return {fd: -1}
  if (kind === 'file') {
    const fd = yield* cachedFile(sys, `${STORAGE_DIR}/calls-${i}`, cfg.call === 'read_file' ? cfg.fileBytes : 0)
    if (cfg.call === 'read_file') check('lseek', yield* sys.lseek(fd, 0, SEEK.SET))
    return {fd}
  }
  const conn = yield* loopbackConnection(sys, ls, cfg.port)
  if (cfg.call === 'read_socket') check('prefill write', yield* sys.write(conn.server, cfg.socketPrefillBytes))
  return {fd: conn.client}
}

function* timedCalls(
  sys: SyscallInterface,
  cfg: CallLatencyConfig,
  target: CallTarget,
  window: {from: number; to: number},
  tally: CallTally,
): Gen<void> {
  for (;;) {
    if (cfg.loopInstructions > 0) yield* sys.compute(cfg.loopInstructions)
    const t0 = sys.now()
    if (t0 >= window.to) return
    const r = yield* issueCall(sys, cfg.call, target)
    if (r.ret < 0 || ((cfg.call === 'read_file' || cfg.call === 'read_socket') && r.ret === 0)) {
      const why = r.errno ?? '(end of data: raise fileBytes/socketPrefillBytes)'
      throw new InvariantError(`${cfg.call} workload: call returned ${r.ret} ${why}`)
    }
    // counted by completion, with the whole wait: a call starved since before the window (the
    // submitted stack is LIFO) still weighs in, so latency and rate agree (Little's law)
    const t1 = sys.now()
    if (t1 >= window.from && t1 < window.to) {
      tally.calls++
      tally.latencyCycles += t1 - t0
    } else if (t0 < window.from && t1 >= window.to) {
      // waited through the whole window: a saturated domain starves the oldest entries of its
      // LIFO submitted stack; leaving them out would report only the lucky calls' latency
      tally.starved = (tally.starved ?? 0) + 1
      tally.starvedCycles = (tally.starvedCycles ?? 0) + (window.to - t0)
    }
  }
}

export interface GapConfig {
  call: CallClass
  /** Idle cycles (nanosleep) before each timed call; 0 issues them back to back. */
  gapCycles: number
  warmupCalls: number
  measuredCalls: number
  port: number
}

export interface GapRun {
  program: Program
  tally: CallTally
  readonly finished: () => boolean
}

/**
 * One thread: sleep `gapCycles`, then time one call; repeated. `onMeasureStart`/`onMeasureEnd` let
 * the caller snapshot counters around the timed calls (e.g. event channels sent).
 */
export function gapWorkload(
  cfg: GapConfig,
  hooks: {onMeasureStart?: () => void; onMeasureEnd?: () => void} = {},
): GapRun {
  const tally: CallTally = {calls: 0, latencyCycles: 0}
  let done = false
  const program: Program = function* (sys) {
    const kind = fixtureOf(cfg.call)
    const ls = kind === 'socket' ? yield* listener(sys, cfg.port) : -1
    const base = {
      threads: 1,
      loopInstructions: 0,
      warmupCycles: 0,
      measureCycles: 0,
      fileBytes: 1 << 20,
      socketPrefillBytes: 64 * 1024,
      port: cfg.port,
    }
    const target = yield* callTarget(sys, {...base, call: cfg.call}, kind, ls, 0)
    for (let i = 0; i < cfg.warmupCalls + cfg.measuredCalls; i++) {
      if (i === cfg.warmupCalls) hooks.onMeasureStart?.()
      if (cfg.gapCycles > 0) check('nanosleep', yield* sys.sleep(cfg.gapCycles))
      const t0 = sys.now()
      const r = yield* issueCall(sys, cfg.call, target)
      if (r.ret < 0) throw new InvariantError(`${cfg.call} workload: call returned ${r.ret} ${r.errno}`)
      if (i >= cfg.warmupCalls) {
        tally.calls++
        tally.latencyCycles += sys.now() - t0
      }
    }
    hooks.onMeasureEnd?.()
    done = true
  }
  return {program, tally, finished: () => done}
}

export type CopyOp = 'read' | 'write'
export type CopyTarget = 'file' | 'tmpfs' | 'socket'

export interface CopyConfig {
  op: CopyOp
  target: CopyTarget
  bufferBytes: number
  /** Calls before timing starts (warm caches, grow the data region). */
  warmupCalls: number
  /** Timed calls (reads from a socket count until calls x buffer bytes have arrived). */
  measuredCalls: number
  /** Size of the file the calls cycle over (pread/pwrite at wrapping offsets). */
  fileBytes: number
  /** The loopback partner's read/write size (it drains or feeds the measured end). */
  partnerBytes: number
  port: number
}

export interface CopyRun {
  program: Program
  /** Bytes moved and cycles taken by the timed calls. */
  result: {bytes: number; cycles: number; calls: number}
  readonly finished: () => boolean
}

/**
 * Moves `bufferBytes` per call into or out of the kernel: pread/pwrite over a page-cached storage
 * file ('file') or a file on the storage tmpfs ('tmpfs'), or read/write on a loopback TCP
 * connection whose other end a second thread drains or feeds.
 */
export function copyWorkload(cfg: CopyConfig): CopyRun {
  const result = {bytes: 0, cycles: 0, calls: 0}
  let done = false
  const program: Program = function* (sys) {
    if (cfg.target === 'socket') yield* socketCopies(sys, cfg, result)
    else yield* fileCopies(sys, cfg, result)
    done = true
  }
  return {program, result, finished: () => done}
}

function* fileCopies(sys: SyscallInterface, cfg: CopyConfig, out: CopyRun['result']): Gen<void> {
  const size = Math.max(cfg.fileBytes, cfg.bufferBytes)
  // the storage domain's disk-backed file system, or the tmpfs mounted under it
  const dir = cfg.target === 'tmpfs' ? STORAGE_TMPFS : STORAGE_DIR
  const fd = yield* cachedFile(sys, `${dir}/copy`, size)
  let offset = 0
  let t0 = sys.now()
  for (let i = 0; i < cfg.warmupCalls + cfg.measuredCalls; i++) {
    if (i === cfg.warmupCalls) t0 = sys.now()
    if (offset + cfg.bufferBytes > size) offset = 0
    const r =
      cfg.op === 'read' ? yield* sys.pread(fd, cfg.bufferBytes, offset) : yield* sys.pwrite(fd, cfg.bufferBytes, offset)
    if (r.ret !== cfg.bufferBytes) {
      throw new InvariantError(`copy workload: p${cfg.op} of ${cfg.bufferBytes} returned ${r.ret} ${r.errno ?? ''}`)
    }
    offset += cfg.bufferBytes
    if (i >= cfg.warmupCalls) out.bytes += r.ret
  }
  out.cycles = sys.now() - t0
  out.calls = cfg.measuredCalls
}

function* socketCopies(sys: SyscallInterface, cfg: CopyConfig, out: CopyRun['result']): Gen<void> {
  const ls = yield* listener(sys, cfg.port)
  const conn = yield* loopbackConnection(sys, ls, cfg.port)
  const warmBytes = cfg.warmupCalls * cfg.bufferBytes
  const total = (cfg.warmupCalls + cfg.measuredCalls) * cfg.bufferBytes
  // the partner: drains what the measured end writes, or feeds exactly what it will read
  let drained = 0
  let lastByteAt = -1
  const partner: Program = function* (s) {
    if (cfg.op === 'write') {
      for (;;) {
        const r = yield* s.read(conn.server, cfg.partnerBytes)
        if (r.ret <= 0) break
        drained += r.ret
        if (drained >= total) lastByteAt = s.now()
      }
    } else {
      for (let sent = 0; sent < total;) {
        const r = yield* s.write(conn.server, Math.min(cfg.partnerBytes, total - sent))
        if (r.ret <= 0) throw new InvariantError(`copy workload: feeder write returned ${r.ret} ${r.errno ?? ''}`)
        sent += r.ret
      }
    }
  }
  const tid = yield* sys.spawnThread(partner, 'partner')
  let moved = 0
  let t0 = sys.now()
  let timing = false
  let calls = 0
  while (moved < total) {
    if (!timing && moved >= warmBytes) {
      timing = true
      t0 = sys.now()
    }
    const want = cfg.op === 'write' ? Math.min(cfg.bufferBytes, total - moved) : cfg.bufferBytes
    const r = cfg.op === 'read' ? yield* sys.read(conn.client, want) : yield* sys.write(conn.client, want)
    if (r.ret <= 0)
      throw new InvariantError(`copy workload: socket ${cfg.op} of ${want} returned ${r.ret} ${r.errno ?? ''}`)
    moved += r.ret
    if (timing) {
      out.bytes += r.ret
      calls++
    }
  }
  out.calls = calls
  const lastWrite = sys.now()
  check('close', yield* sys.close(conn.client))
  yield* sys.joinThread(tid)
  // a write returns once its bytes sit in the socket buffers; the bytes have moved when the reader
  // has them (else the last writes' buffering inflates the rate, more so the fewer calls a point has)
  out.cycles = (cfg.op === 'write' ? Math.max(lastByteAt, lastWrite) : lastWrite) - t0
}

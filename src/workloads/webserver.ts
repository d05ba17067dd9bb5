/**
 * A static-file web server (Apache-like) serving files under /storage to ab-like clients, as one
 * multithreaded process (a pool of threads blocking in accept, Apache's worker MPM) or as N
 * single-threaded processes forked after listen (prefork). Per request: accept, recv the request,
 * stat and open the file, read+send it (or sendfile), close the file and the connection, with the
 * server's user work spread evenly before each call (`instructionsPerCall`, FlexSC table 2's
 * "instructions between calls" for Apache).
 *
 * Shutdown works like Apache's "dummy connection": once the clients have finished (they start
 * nothing after `endCycles`, and their last requests are served in full) a flag is set and one
 * connection per worker is made, so every worker blocked in accept wakes, sees the flag and exits;
 * the run then ends at quiescence with every call answered. The dummy connections come from a
 * stopper on client host 0 rather than from the server itself: under VirtuOS a server whose
 * workers all sit in accept could otherwise strand its own connect (see the report on the worker
 * wake word), and the stopper runs after the measurement window either way.
 */
import type {SyscallInterface} from '../kernel/syscalls/interface.js'
import {O, type Gen, type Program} from '../kernel/types.js'
import {InvariantError} from '../errors.js'
import type {KernelParams} from '../kernel/params.js'
import type {MachineParams} from '../machine/params.js'
import type {EngineStats} from '../sim/index.js'
import {abClient, CLIENT_START_STREAM, OpRecorder, sendAll, serverAddr, startOffsets, StartGate} from './clients.js'
import {buildBench, EXPERIMENT_FLEXSC, runBench, type Bench} from './common.js'
import {STORAGE_DIR} from './micro.js'
import {type FileLayout, LAYOUT_STREAM, layOutFiles, preloadFile} from './storage.js'

export type FileIo = 'read' | 'sendfile'

export interface WebServerConfig {
  port: number
  /** Files served, chosen round robin per worker; each `fileBytes` long. */
  files: number
  fileBytes: number
  requestBytes: number
  headerBytes: number
  /** read+send in chunks of this size, or one sendfile per chunk. */
  io: FileIo
  chunkBytes: number
  /** User work before each call the handler makes. */
  instructionsPerCall: number
  clientThinkInstructions: number
  /** Client connections (closed loop), spread over the client hosts. */
  clients: number
  clientHosts: number
  /** Warm-up after the server is ready, then the measured time; clients stop after it. */
  warmupCycles: number
  measureCycles: number
  gatePollCycles: number
  /** Clients start within this long of the server being ready (uniform, stream 'client-start'). */
  clientStartSpreadCycles: number
  /** Where the web root lies on the disk (stream 'disk-layout'). */
  layout: FileLayout
}

export const WEB_DIR = `${STORAGE_DIR}/www`
export const webFile = (i: number) => `${WEB_DIR}/file-${i}`

/** What a run gives back: programs to spawn and what they measured. */
export interface WebRun {
  /** Start the clients on the system's client hosts. */
  clients: {host: number; program: Program; name: string}[]
  rec: OpRecorder
  readonly finished: () => boolean
}

interface Shared {
  cfg: WebServerConfig
  gate: StartGate
  stopping: boolean
  /** Requests served (the stopper's progress check). */
  served: number
  clientsDone: number
}

function fail(what: string, ret: number): never {
  throw new Error(`web server: ${what} failed (${ret})`)
}

/** Read every file once so the measured requests find them in the page cache. */
function* warmFiles(sys: SyscallInterface, cfg: WebServerConfig): Gen<void> {
  for (let i = 0; i < cfg.files; i++) {
    const fd = (yield* sys.open(webFile(i), O.RDONLY)).ret
    if (fd < 0) fail(`open ${webFile(i)}`, fd)
    for (let off = 0; off < cfg.fileBytes; off += 262144)
      yield* sys.pread(fd, Math.min(262144, cfg.fileBytes - off), off)
    yield* sys.close(fd)
  }
}

function* listenOn(sys: SyscallInterface, port: number, backlog: number): Gen<number> {
  const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
  if (ls < 0) fail('socket', ls)
  const b = (yield* sys.bind(ls, {family: 'AF_INET', port})).ret
  if (b < 0) fail('bind', b)
  const l = (yield* sys.listen(ls, backlog)).ret
  if (l < 0) fail('listen', l)
  return ls
}

/** One request on an accepted connection. */
function* serve(sys: SyscallInterface, s: Shared, conn: number, fileIndex: number): Gen<void> {
  const {cfg} = s
  const work = () => sys.compute(cfg.instructionsPerCall)
  yield* work()
  const got = (yield* sys.recv(conn, cfg.requestBytes)).ret
  if (got > 0) {
    const path = webFile(fileIndex % cfg.files)
    yield* work()
    yield* sys.stat(path)
    yield* work()
    const fd = (yield* sys.open(path, O.RDONLY)).ret
    if (fd < 0) fail(`open ${path}`, fd)
    yield* work()
    yield* sys.send(conn, cfg.headerBytes)
    for (let off = 0; off < cfg.fileBytes; off += cfg.chunkBytes) {
      const n = Math.min(cfg.chunkBytes, cfg.fileBytes - off)
      yield* work()
      if (cfg.io === 'sendfile') {
        yield* sys.sendfile(conn, fd, n, off)
      } else {
        const r = (yield* sys.read(fd, n)).ret
        yield* work()
        yield* sendAll(sys, conn, r)
      }
    }
    yield* work()
    yield* sys.close(fd)
    s.served++
  }
  yield* work()
  yield* sys.close(conn)
}

/** A worker: accept and serve until the shutdown flag (seen after an accept) says stop. */
function worker(s: Shared, index: number): Program {
  return function* (sys) {
    let next = index
    for (;;) {
      const conn = (yield* sys.accept(LISTEN_FD.get(s)!)).ret
      if (conn < 0) fail('accept', conn)
      if (s.stopping) {
        yield* sys.close(conn)
        return
      }
      yield* serve(sys, s, conn, next++)
    }
  }
}

/** The listening fd of a run (the same number in forked children: fds are inherited). */
const LISTEN_FD = new WeakMap<Shared, number>()

/** Polls of the stopper waiting for the clients' last requests before it wakes the workers anyway. */
const STOP_GRACE_POLLS = 20

/** After the clients: raise the flag and wake `workers` accept()ers with dummy connections. */
function stopper(s: Shared, workers: number): Program {
  return function* (sys) {
    yield* s.gate.wait(sys, s.cfg.gatePollCycles)
    const wait = s.gate.endCycles - sys.now()
    if (wait > 0) yield* sys.sleep(wait)
    // the clients' last requests end on their own while responses keep completing; a request
    // stranded in a VirtuOS worker group (all its workers blocked in accept, the idle one asleep
    // with no wake requested) is freed only by the dummy connections below, so stop waiting once
    // nothing has completed for STOP_GRACE_POLLS polls
    let idlePolls = 0
    let seen = -1
    while (s.clientsDone < s.cfg.clients && idlePolls < STOP_GRACE_POLLS) {
      yield* sys.sleep(s.cfg.gatePollCycles)
      idlePolls = s.served === seen ? idlePolls + 1 : 0
      seen = s.served
    }
    s.stopping = true
    const dummies: number[] = []
    for (let i = 0; i < workers; i++) {
      const fd = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
      const c = (yield* sys.connect(fd, serverAddr(s.cfg.port))).ret
      dummies.push(fd)
      // refused: every worker has gone (some left on a real late connection) and the listener closed
      if (c < 0) break
    }
    for (const fd of dummies) yield* sys.close(fd)
  }
}

function clientPrograms(s: Shared, rec: OpRecorder, offsets: readonly number[]): WebRun['clients'] {
  const {cfg} = s
  const out: WebRun['clients'] = []
  for (let i = 0; i < cfg.clients; i++) {
    const program = abClient(
      {
        port: cfg.port,
        requestBytes: cfg.requestBytes,
        responseBytes: cfg.headerBytes + cfg.fileBytes,
        thinkInstructions: cfg.clientThinkInstructions,
        gate: s.gate,
        gatePollCycles: cfg.gatePollCycles,
        startDelayCycles: offsets[i] ?? 0,
        onDone: () => s.clientsDone++,
      },
      rec,
    )
    out.push({host: i % cfg.clientHosts, program, name: `ab-${i}`})
  }
  return out
}

/** A run's shared state before the server starts, and the recorder of its measurement window. */
function freshRun(cfg: WebServerConfig): {s: Shared; rec: OpRecorder} {
  const s: Shared = {
    cfg,
    gate: new StartGate(cfg.warmupCycles, cfg.measureCycles),
    stopping: false,
    served: 0,
    clientsDone: 0,
  }
  return {s, rec: new OpRecorder(s.gate.window)}
}

/** Multithreaded server: one process, `threads` workers blocking in accept. */
export function mtServer(
  cfg: WebServerConfig,
  threads: number,
  offsets: readonly number[] = [],
): WebRun & {server: Program} {
  const {s, rec} = freshRun(cfg)
  let serverDone = false
  const server: Program = function* (sys) {
    yield* warmFiles(sys, cfg)
    LISTEN_FD.set(s, yield* listenOn(sys, cfg.port, Math.max(128, cfg.clients + threads)))
    const tids: number[] = []
    for (let i = 0; i < threads; i++) tids.push(yield* sys.spawnThread(worker(s, i), `worker-${i}`))
    s.gate.openAt(sys.now())
    for (const t of tids) yield* sys.joinThread(t)
    yield* sys.close(LISTEN_FD.get(s)!)
    serverDone = true
  }
  const clients = [...clientPrograms(s, rec, offsets), {host: 0, program: stopper(s, threads), name: 'stopper'}]
  return {server, clients, rec, finished: () => serverDone && s.clientsDone === cfg.clients}
}

/** Prefork server: the parent listens, forks `processes` single-threaded workers, waits for them. */
export function mpServer(
  cfg: WebServerConfig,
  processes: number,
  offsets: readonly number[] = [],
): WebRun & {server: Program} {
  const {s, rec} = freshRun(cfg)
  let serverDone = false
  const server: Program = function* (sys) {
    yield* warmFiles(sys, cfg)
    LISTEN_FD.set(s, yield* listenOn(sys, cfg.port, Math.max(128, cfg.clients + processes)))
    const pids: number[] = []
    for (let i = 0; i < processes; i++) {
      const pid = (yield* sys.fork(worker(s, i))).ret
      if (pid < 0) fail('fork', pid)
      pids.push(pid)
    }
    s.gate.openAt(sys.now())
    for (const pid of pids) yield* sys.wait(pid)
    yield* sys.close(LISTEN_FD.get(s)!)
    serverDone = true
  }
  const clients = [...clientPrograms(s, rec, offsets), {host: 0, program: stopper(s, processes), name: 'stopper'}]
  return {server, clients, rec, finished: () => serverDone && s.clientsDone === cfg.clients}
}

/**
 * Apache's worker/event MPM: the parent listens and forks `processes` children, each running
 * `threadsPerChild` threads that accept on the inherited listener and serve.
 */
export function workerMpmServer(
  cfg: WebServerConfig,
  processes: number,
  threadsPerChild: number,
  offsets: readonly number[] = [],
): WebRun & {server: Program} {
  const {s, rec} = freshRun(cfg)
  const workers = processes * threadsPerChild
  let serverDone = false
  const child = (p: number): Program =>
    function* (sys) {
      const tids: number[] = []
      for (let t = 0; t < threadsPerChild; t++)
        tids.push(yield* sys.spawnThread(worker(s, p * threadsPerChild + t), `worker-${p}-${t}`))
      for (const t of tids) yield* sys.joinThread(t)
    }
  const server: Program = function* (sys) {
    yield* warmFiles(sys, cfg)
    LISTEN_FD.set(s, yield* listenOn(sys, cfg.port, Math.max(128, cfg.clients + workers)))
    const pids: number[] = []
    for (let p = 0; p < processes; p++) {
      const pid = (yield* sys.fork(child(p))).ret
      if (pid < 0) fail('fork', pid)
      pids.push(pid)
    }
    s.gate.openAt(sys.now())
    for (const pid of pids) yield* sys.wait(pid)
    yield* sys.close(LISTEN_FD.get(s)!)
    serverDone = true
  }
  const clients = [...clientPrograms(s, rec, offsets), {host: 0, program: stopper(s, workers), name: 'stopper'}]
  return {server, clients, rec, finished: () => serverDone && s.clientsDone === cfg.clients}
}

export type WebShape =
  | {kind: 'threads'; threads: number}
  | {kind: 'processes'; processes: number}
  | {kind: 'mpm'; processes: number; threadsPerChild: number}

const SERVER_NAMES: Record<WebShape['kind'], string> = {threads: 'httpd-mt', processes: 'httpd-prefork', mpm: 'httpd'}

function serverOf(cfg: WebServerConfig, shape: WebShape, offsets: readonly number[]): WebRun & {server: Program} {
  if (shape.kind === 'threads') return mtServer(cfg, shape.threads, offsets)
  if (shape.kind === 'processes') return mpServer(cfg, shape.processes, offsets)
  return workerMpmServer(cfg, shape.processes, shape.threadsPerChild, offsets)
}

export interface WebPointResult {
  rec: OpRecorder
  engine: EngineStats
  bench: Bench
}

/**
 * One web-server point: a fresh system, the files on disk, the server and the ab clients, run to the
 * end. `kernel`: kernel parameters of the server's setup (e.g. a raised fd limit).
 */
export function runWebServer(
  seed: number,
  params: MachineParams,
  system: string,
  cfg: WebServerConfig,
  shape: WebShape,
  kernel?: Partial<KernelParams>,
): WebPointResult {
  const opts = {clientHosts: cfg.clientHosts, flexsc: EXPERIMENT_FLEXSC, ...(kernel ? {kernel} : {})}
  const bench = buildBench(seed, params, system, opts)
  layOutFiles(bench.system, bench.sim.rng(LAYOUT_STREAM), cfg.layout)
  for (let i = 0; i < cfg.files; i++) preloadFile(bench.system, webFile(i), cfg.fileBytes)
  const offsets = startOffsets(bench.sim.rng(CLIENT_START_STREAM), cfg.clients, cfg.clientStartSpreadCycles)
  const run = serverOf(cfg, shape, offsets)
  bench.system.spawnProcess(run.server, SERVER_NAMES[shape.kind])
  for (const c of run.clients) bench.system.clients.spawn(c.host, c.program, c.name)
  const engine = runBench(bench, run.finished)
  if (run.rec.failed > 0)
    throw new InvariantError(`${system}: ${run.rec.failed} web requests failed before the end of the run`)
  return {rec: run.rec, engine, bench}
}

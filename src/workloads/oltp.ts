/**
 * sysbench OLTP read-write on a MySQL/InnoDB-like server. The server (one process) has a thread per
 * client connection and a background master thread; the clients are sysbench threads on client
 * hosts, each with one persistent connection, running transactions back to back.
 *
 * A transaction is sysbench's default read-write mix (MIX below): BEGIN, 10 point selects, 4 range
 * queries (simple, sum, order, distinct), an index update, a non-index update, a delete, an insert,
 * COMMIT; every statement is one request/response over TCP. Per statement the server:
 *  - recv's the query, computes, sends the result (the user work between calls comes from FlexSC
 *    table 2: MySQL runs 12,435 instructions between system calls; a statement's hit path makes
 *    2 calls (recv, send), COMMIT's 4 with the log write and fsync, so a statement's work is
 *    12,435 x those calls: 24,870 instructions, 49,740 for COMMIT; ~522,000 per transaction);
 *  - touches index/leaf pages in the buffer pool: each one is a hit with `hitRate`, else a pread
 *    of a 16 KiB page of the data file (random page) under the buffer-pool mutex;
 *  - for writes: row locks (lock_sys mutex), a mini-transaction commit into the log buffer
 *    (log_sys mutex), dirty pages that the master thread writes back later (pwrite 16 KiB + fsync
 *    of the data file every `cleanerIntervalCycles`);
 *  - at COMMIT: trx_sys mutex, the redo of the transaction written to the log file (pwrite under
 *    log_sys) and, with synchronous commit (innodb_flush_log_at_trx_commit=1), fsync'd; without it
 *    the master thread fsyncs the log once a second.
 * Mutexes are InnoDB-like: spin `spinRounds` x `spinInstructions`, then sleep on a futex (library
 * futexes under VirtuOS M:N, kernel futexes natively). The doublewrite buffer, undo pages, purge and
 * the query cache are left out.
 */
import type {SyscallInterface} from '../kernel/syscalls/interface.js'
import {O, type Gen, type Program} from '../kernel/types.js'
import type {MachineParams} from '../machine/params.js'
import type {EngineStats, Rng} from '../sim/index.js'
import {CLIENT_START_STREAM, OpRecorder, readExactly, sendAll, serverAddr, startOffsets, StartGate} from './clients.js'
import {buildBench, EXPERIMENT_FLEXSC, runBench, type Bench} from './common.js'
import {STORAGE_DIR} from './micro.js'
import {type FileLayout, LAYOUT_STREAM, layOutFiles, preloadFile} from './storage.js'

export const DATA_FILE = `${STORAGE_DIR}/mysql/ibdata1`
export const LOG_FILE = `${STORAGE_DIR}/mysql/ib_logfile0`

type Mutex = 'trx_sys' | 'lock_sys' | 'log_sys' | 'buf_pool'

interface Statement {
  name: string
  /** Result set bytes sent back (rows x row size, or an OK packet). */
  responseBytes: number
  /** Leaf/index pages the statement touches in the buffer pool. */
  pages: number
  /** A modifying statement: row locks, redo, dirty pages. */
  write: boolean
  /** BEGIN / COMMIT. */
  kind?: 'begin' | 'commit'
  /** Calls on the hit path (the basis of its user work). */
  calls: number
}

const POINT = 200 // one sysbench row (id, k, c(120), pad(60)) plus the result-set framing
const RANGE = 100 * 190 // sysbench range size 100
const OK = 11 + 4

/** sysbench oltp.lua (0.4/0.5) default read-write transaction. */
export const MIX: readonly Statement[] = [
  {name: 'begin', responseBytes: OK, pages: 0, write: false, kind: 'begin', calls: 2},
  ...Array.from({length: 10}, () => ({name: 'point_select', responseBytes: POINT, pages: 1, write: false, calls: 2})),
  {name: 'simple_range', responseBytes: RANGE, pages: 2, write: false, calls: 2},
  {name: 'sum_range', responseBytes: 60, pages: 2, write: false, calls: 2},
  {name: 'order_range', responseBytes: RANGE, pages: 2, write: false, calls: 2},
  {name: 'distinct_range', responseBytes: RANGE, pages: 2, write: false, calls: 2},
  {name: 'index_update', responseBytes: OK, pages: 2, write: true, calls: 2},
  {name: 'non_index_update', responseBytes: OK, pages: 1, write: true, calls: 2},
  {name: 'delete', responseBytes: OK, pages: 2, write: true, calls: 2},
  {name: 'insert', responseBytes: OK, pages: 2, write: true, calls: 2},
  {name: 'commit', responseBytes: OK, pages: 0, write: false, kind: 'commit', calls: 4},
]

export interface OltpConfig {
  port: number
  /** Client connections = server connection threads (sysbench --threads). */
  threads: number
  clientHosts: number
  dbBytes: number
  pageBytes: number
  hitRate: number
  queryBytes: number
  instructionsPerCall: number
  clientInstructionsPerQuery: number
  redoBytesPerWrite: number
  syncCommit: boolean
  critical: Record<Mutex, number>
  spinRounds: number
  spinInstructions: number
  /** Safety net of a futex sleep (a wake-up racing the sleeper's entry into the kernel). */
  futexTimeoutCycles: number
  cleanerIntervalCycles: number
  logFlushIntervalCycles: number
  warmupCycles: number
  measureCycles: number
  gatePollCycles: number
  /** sysbench threads connect within this long of the server being ready (uniform, stream 'client-start'). */
  clientStartSpreadCycles: number
  /** Where the InnoDB files lie on the disk (stream 'disk-layout'): the data file, then the redo log. */
  layout: FileLayout
}

/** The stream of the InnoDB master thread's phase (page cleaner and log flush against the clients). */
export const MASTER_PHASE_STREAM = 'innodb-master-phase'

/** InnoDB-style mutex: spin, then sleep on a futex word; state lives in the process (shared by its threads). */
export class InnoMutex {
  private locked = false
  private waiters = 0
  contended = 0
  sleeps = 0

  constructor(
    readonly addr: number,
    private readonly cfg: Pick<OltpConfig, 'spinRounds' | 'spinInstructions' | 'futexTimeoutCycles'>,
  ) {}

  *lock(sys: SyscallInterface): Gen<void> {
    let round = 0
    for (;;) {
      if (!this.locked) {
        this.locked = true
        return
      }
      if (round === 0) this.contended++
      if (round < this.cfg.spinRounds) {
        round++
        yield* sys.compute(this.cfg.spinInstructions)
        continue
      }
      this.waiters++
      this.sleeps++
      yield* sys.futexWait(this.addr, 0, this.cfg.futexTimeoutCycles)
      this.waiters--
      round = 0
    }
  }

  *unlock(sys: SyscallInterface): Gen<void> {
    this.locked = false
    if (this.waiters > 0) yield* sys.futexWake(this.addr, 1)
  }

  /** `instructions` of work inside the critical section. */
  *section(sys: SyscallInterface, instructions: number): Gen<void> {
    yield* this.lock(sys)
    if (instructions > 0) yield* sys.compute(instructions)
    yield* this.unlock(sys)
  }
}

export interface OltpRun {
  server: Program
  clients: {host: number; program: Program; name: string}[]
  rec: OpRecorder
  mutexes: Record<Mutex, InnoMutex>
  stats: {misses: number; pageWrites: number; logWrites: number; logSyncs: number}
  readonly finished: () => boolean
}

function must(what: string, ret: number): number {
  if (ret < 0) throw new Error(`oltp: ${what} failed (${ret})`)
  return ret
}

/** The server's state shared by its threads: the buffer pool's dirty pages, the files, the log tail. */
interface Db {
  cfg: OltpConfig
  mutexes: Record<Mutex, InnoMutex>
  stats: OltpRun['stats']
  dbPages: number
  dirty: Set<number>
  files: {data: number; log: number}
  logOffset: number
  stopMaster: boolean
}

/** The server and clients of one run; `rng(name)` gives a seeded stream per connection. */
export function oltp(cfg: OltpConfig, rng: (stream: string) => Rng): OltpRun {
  const gate = new StartGate(cfg.warmupCycles, cfg.measureCycles)
  const rec = new OpRecorder(gate.window)
  const mutexes: Record<Mutex, InnoMutex> = {
    trx_sys: new InnoMutex(0x1000, cfg),
    lock_sys: new InnoMutex(0x1040, cfg),
    log_sys: new InnoMutex(0x1080, cfg),
    buf_pool: new InnoMutex(0x10c0, cfg),
  }
  const db: Db = {
    cfg,
    mutexes,
    stats: {misses: 0, pageWrites: 0, logWrites: 0, logSyncs: 0},
    dbPages: Math.max(1, Math.floor(cfg.dbBytes / cfg.pageBytes)),
    dirty: new Set<number>(),
    files: {data: -1, log: -1},
    logOffset: 0,
    stopMaster: false,
  }
  let serverDone = false
  let clientsDone = 0
  const server = mysqld(db, gate, rng, () => (serverDone = true))
  const offsets = startOffsets(rng(CLIENT_START_STREAM), cfg.threads, cfg.clientStartSpreadCycles)
  const clients = Array.from({length: cfg.threads}, (_, i) => ({
    host: i % cfg.clientHosts,
    program: sysbenchClient(cfg, gate, rec, offsets[i], () => clientsDone++),
    name: `sysbench-${i}`,
  }))
  return {server, clients, rec, mutexes, stats: db.stats, finished: () => serverDone && clientsDone === cfg.threads}
}

function* logWrite(db: Db, sys: SyscallInterface, bytes: number): Gen<void> {
  const n = Math.max(512, Math.ceil(bytes / 512) * 512)
  yield* db.mutexes.log_sys.lock(sys)
  must('log pwrite', (yield* sys.pwrite(db.files.log, n, db.logOffset)).ret)
  db.logOffset += n
  db.stats.logWrites++
  yield* db.mutexes.log_sys.unlock(sys)
}

/** One statement of the mix: its user work, buffer-pool misses, mutex sections, redo and commit. */
function* statement(db: Db, sys: SyscallInterface, st: Statement, r: Rng, trx: {redo: number}): Gen<void> {
  const {cfg, mutexes} = db
  const c = cfg.critical
  let crit = 0
  if (st.kind) crit += c.trx_sys
  if (st.write) crit += c.lock_sys + c.log_sys
  if (st.kind === 'commit') crit += c.log_sys
  yield* sys.compute(Math.max(0, st.calls * cfg.instructionsPerCall - crit))
  yield* readPages(db, sys, st.pages, r)
  if (st.kind) yield* mutexes.trx_sys.section(sys, c.trx_sys)
  if (st.write) {
    yield* mutexes.lock_sys.section(sys, c.lock_sys)
    yield* mutexes.log_sys.section(sys, c.log_sys) // mini-transaction commit into the log buffer
    for (let i = 0; i < st.pages; i++) db.dirty.add(r.int(0, db.dbPages - 1))
    trx.redo += cfg.redoBytesPerWrite
  }
  if (st.kind === 'commit') {
    yield* logWrite(db, sys, trx.redo)
    trx.redo = 0
    if (cfg.syncCommit) {
      must('log fsync', (yield* sys.fsync(db.files.log)).ret)
      db.stats.logSyncs++
    }
  }
}

/** The pages a statement touches: a miss (1 - hitRate) reads its page under the buffer pool mutex. */
function* readPages(db: Db, sys: SyscallInterface, pages: number, r: Rng): Gen<void> {
  const {cfg} = db
  for (let i = 0; i < pages; i++) {
    if (r.float() < cfg.hitRate) continue
    db.stats.misses++
    yield* db.mutexes.buf_pool.section(sys, cfg.critical.buf_pool)
    const page = r.int(0, db.dbPages - 1)
    must('page pread', (yield* sys.pread(db.files.data, cfg.pageBytes, page * cfg.pageBytes)).ret)
  }
}

/** A connection thread: per query of the mix read it, run the statement, send the result. */
function connection(db: Db, conn: number, index: number, rng: (stream: string) => Rng): Program {
  const {cfg} = db
  return function* (sys) {
    const r = rng(`oltp-conn-${index}`)
    const trx = {redo: 0}
    for (let i = 0; ; i = (i + 1) % MIX.length) {
      if ((yield* readExactly(sys, conn, cfg.queryBytes)) < cfg.queryBytes) break
      yield* statement(db, sys, MIX[i], r, trx)
      if ((yield* sendAll(sys, conn, MIX[i].responseBytes)) < MIX[i].responseBytes) break
    }
    yield* sys.close(conn)
  }
}

/**
 * Page cleaner + once-a-second log flush (innodb_flush_log_at_trx_commit=2 semantics). mysqld has
 * been up for a while when sysbench starts, so both periods start at a phase drawn from `phase`
 * (uniform over one period), not in step with the clients.
 */
function master(db: Db, phase: Rng): Program {
  const {cfg, files, stats} = db
  return function* (sys) {
    const cleanerPhase = phase.int(0, Math.max(0, cfg.cleanerIntervalCycles - 1))
    let lastLogFlush = sys.now() - phase.int(0, Math.max(0, cfg.logFlushIntervalCycles - 1))
    let first = true
    while (!db.stopMaster) {
      yield* sys.sleep(first ? cfg.cleanerIntervalCycles - cleanerPhase : cfg.cleanerIntervalCycles)
      first = false
      const pages = [...db.dirty].sort((a, b) => a - b)
      db.dirty.clear()
      for (const p of pages) must('page pwrite', (yield* sys.pwrite(files.data, cfg.pageBytes, p * cfg.pageBytes)).ret)
      stats.pageWrites += pages.length
      if (pages.length > 0) must('data fsync', (yield* sys.fsync(files.data)).ret)
      if (!cfg.syncCommit && sys.now() - lastLogFlush >= cfg.logFlushIntervalCycles) {
        must('log fsync', (yield* sys.fsync(files.log)).ret)
        stats.logSyncs++
        lastLogFlush = sys.now()
      }
    }
  }
}

/** mysqld: open the files, listen, start the master thread, a thread per accepted connection; join all. */
function mysqld(db: Db, gate: StartGate, rng: (stream: string) => Rng, done: () => void): Program {
  const {cfg, files} = db
  return function* (sys) {
    files.data = must(`open ${DATA_FILE}`, (yield* sys.open(DATA_FILE, O.RDWR)).ret)
    files.log = must(`open ${LOG_FILE}`, (yield* sys.open(LOG_FILE, O.RDWR | O.CREAT)).ret)
    const ls = must('socket', (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret)
    must('bind', (yield* sys.bind(ls, {family: 'AF_INET', port: cfg.port})).ret)
    must('listen', (yield* sys.listen(ls, Math.max(128, cfg.threads))).ret)
    const masterTid = yield* sys.spawnThread(master(db, rng(MASTER_PHASE_STREAM)), 'innodb-master')
    gate.openAt(sys.now())
    const tids: number[] = []
    for (let i = 0; i < cfg.threads; i++) {
      const conn = must('accept', (yield* sys.accept(ls)).ret)
      tids.push(yield* sys.spawnThread(connection(db, conn, i, rng), `conn-${i}`))
    }
    yield* sys.close(ls)
    for (const t of tids) yield* sys.joinThread(t)
    db.stopMaster = true
    yield* sys.joinThread(masterTid)
    yield* sys.close(files.data)
    yield* sys.close(files.log)
    done()
  }
}

/** A sysbench client thread: one persistent connection, the whole mix per transaction until the gate's end. */
function sysbenchClient(
  cfg: OltpConfig,
  gate: StartGate,
  rec: OpRecorder,
  startDelayCycles: number,
  done: () => void,
): Program {
  return function* (sys) {
    yield* gate.wait(sys, cfg.gatePollCycles)
    if (startDelayCycles > 0) yield* sys.sleep(startDelayCycles)
    const fd = must('client socket', (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret)
    must('client connect', (yield* sys.connect(fd, serverAddr(cfg.port))).ret)
    while (sys.now() < gate.endCycles) {
      const t0 = sys.now()
      for (const st of MIX) {
        if ((yield* sendAll(sys, fd, cfg.queryBytes)) < cfg.queryBytes) throw new Error('oltp client: send failed')
        if ((yield* readExactly(sys, fd, st.responseBytes)) < st.responseBytes)
          throw new Error('oltp client: short result')
        if (cfg.clientInstructionsPerQuery > 0) yield* sys.compute(cfg.clientInstructionsPerQuery)
      }
      rec.record(t0, sys.now())
    }
    yield* sys.close(fd)
    done()
  }
}

export interface OltpPointResult {
  run: OltpRun
  engine: EngineStats
  bench: Bench
}

/** One OLTP point: a fresh system, the database on disk, mysqld and the sysbench clients, run to the end. */
export function runOltp(seed: number, params: MachineParams, system: string, cfg: OltpConfig): OltpPointResult {
  const bench = buildBench(seed, params, system, {clientHosts: cfg.clientHosts, flexsc: EXPERIMENT_FLEXSC})
  layOutFiles(bench.system, bench.sim.rng(LAYOUT_STREAM), cfg.layout)
  preloadFile(bench.system, DATA_FILE, cfg.dbBytes)
  const run = oltp(cfg, (stream) => bench.sim.rng(stream))
  bench.system.spawnProcess(run.server, 'mysqld')
  for (const c of run.clients) bench.system.clients.spawn(c.host, c.program, c.name)
  const engine = runBench(bench, run.finished)
  return {run, engine, bench}
}

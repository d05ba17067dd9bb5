/**
 * The small mixed workload the DST sweep runs under faults: processes that each use a known set of
 * service domains, so a crash of one domain must leave the others' processes untouched.
 *  - files: the fault experiment's file server (storage only);
 *  - net: its request service, server on this system and clients on a client host (network only);
 *  - local: getpid and a pipe round trip (the primary only: must never see an error);
 *  - forker: opens a storage file, forks a child that reads it through the inherited descriptor;
 *  - poller: polls a pipe and a listening socket together (a poll across the primary and the
 *    network domain), a second thread feeding the pipe;
 *  - burst: more threads issuing storage reads at once than a small call page has entries.
 * Every call goes through a CallLedger, so lost calls and errors are counted per process.
 */
import type {SyscallInterface} from '../kernel/syscalls/interface.js'
import {O, POLL, type Gen, type Program} from '../kernel/types.js'
import {CallLedger, fileServer, requestService} from '../workloads/faults.js'
import {STORAGE_DIR} from '../workloads/micro.js'
import type {CheckDomain, Trigger} from './schedule.js'

export interface MixedConfig {
  /** Workloads start no new work from here on (cycles). */
  endCycles: number
  retryCycles: number
  port: number
}

export interface MixedProcess {
  name: string
  ledger: CallLedger
  /** The service domains its calls may reach; a crash elsewhere must not make any of them fail. */
  uses: readonly CheckDomain[]
}

export interface MixedWorkload {
  /** Programs to start on the system under test. */
  programs: {name: string; program: Program}[]
  /** Programs to start on client host 0. */
  clientPrograms: {name: string; program: Program}[]
  processes: MixedProcess[]
  finished(): boolean
}

/** Told when the workload reaches a moment a fault schedule can aim at. */
export type TriggerHook = (trigger: Exclude<Trigger, 'time' | 'full'>) => void

const BURST_THREADS = 8

/** What every program of the mixed workload shares: the run's limits, its ledger and its done flag. */
interface Part {
  cfg: MixedConfig
  hook: TriggerHook
  ledger: CallLedger
  /** Set when the program ends. */
  done: boolean
}

function part(cfg: MixedConfig, hook: TriggerHook, name: string): Part {
  return {cfg, hook, ledger: new CallLedger(name), done: false}
}

export function mixedWorkload(cfg: MixedConfig, hook: TriggerHook): MixedWorkload {
  const files = fileServer({
    threads: 2,
    fileBytes: 65536,
    blockBytes: 4096,
    thinkInstructions: 20_000,
    retryCycles: cfg.retryCycles,
    endCycles: cfg.endCycles,
  })
  const net = requestService({
    clients: 2,
    port: cfg.port,
    requestBytes: 64,
    responseBytes: 256,
    serverInstructions: 5_000,
    clientThinkInstructions: 20_000,
    retryCycles: cfg.retryCycles,
    endCycles: cfg.endCycles,
    pollCycles: cfg.retryCycles,
  })
  const [local, forker, poller, burst] = ['local', 'forker', 'poller', 'burst'].map((n) => part(cfg, hook, n))
  const clientPrograms = Array.from({length: 2}, (_, i) => ({name: `client-${i}`, program: net.client(i)}))
  return {
    programs: [
      {name: 'files', program: files.program},
      {name: 'net-server', program: net.server},
      {name: 'local', program: localProgram(local)},
      {name: 'forker', program: forkerProgram(forker)},
      {name: 'poller', program: pollerProgram(poller)},
      {name: 'burst', program: burstProgram(burst)},
    ],
    clientPrograms,
    processes: [
      {name: 'files', ledger: files.ledger, uses: ['storage']},
      {name: 'net-server', ledger: net.ledger, uses: ['network']},
      {name: 'net-clients', ledger: net.clientLedger, uses: ['network']},
      {name: 'local', ledger: local.ledger, uses: []},
      {name: 'forker', ledger: forker.ledger, uses: ['storage']},
      {name: 'poller', ledger: poller.ledger, uses: ['network']},
      {name: 'burst', ledger: burst.ledger, uses: ['storage']},
    ],
    finished: () => files.finished() && net.finished() && [local, forker, poller, burst].every((x) => x.done),
  }
}

/** getpid and a pipe round trip: the primary only. */
function localProgram(me: Part): Program {
  const {ledger: local, cfg} = me
  return function* (sys) {
    const p = (yield* local.call(sys, sys.call('pipe', {}))).fds!
    while (sys.now() < cfg.endCycles) {
      yield* local.call(sys, sys.getpid())
      yield* local.call(sys, sys.write(p[1], 64))
      yield* local.call(sys, sys.read(p[0], 64))
      yield* sys.compute(20_000)
      local.op(sys.now())
    }
    me.done = true
  }
}

/** Opens a storage file and forks a child that reads it through the inherited descriptor. */
function forkerProgram(me: Part): Program {
  const {ledger: forker, cfg, hook} = me
  return function* (sys) {
    const path = `${STORAGE_DIR}/dst-fork`
    while (sys.now() < cfg.endCycles) {
      const fd = (yield* forker.call(sys, sys.open(path, O.RDWR | O.CREAT))).ret
      if (fd < 0) {
        yield* sys.sleep(cfg.retryCycles)
        continue
      }
      yield* forker.call(sys, sys.pwrite(fd, 4096, 0))
      hook('fork')
      const child = yield* forker.call(
        sys,
        sys.fork(function* (c) {
          yield* forker.call(c, c.pread(fd, 4096, 0))
          yield* forker.call(c, c.close(fd))
        }),
      )
      if (child.ret > 0) yield* forker.call(sys, sys.wait(child.ret))
      yield* forker.call(sys, sys.close(fd))
      forker.op(sys.now())
      yield* sys.sleep(cfg.retryCycles)
    }
    me.done = true
  }
}

/** A listening socket on the network domain (or -1 while it is down). */
function* listener(me: Part, sys: SyscallInterface): Gen<number> {
  const poller = me.ledger
  const ls = (yield* poller.call(sys, sys.socket('AF_INET', 'SOCK_STREAM'))).ret
  if (ls < 0) return -1
  const b = yield* poller.call(sys, sys.bind(ls, {family: 'AF_INET', port: me.cfg.port + 1}))
  const l = b.ret < 0 ? b : yield* poller.call(sys, sys.listen(ls, 4))
  if (l.ret >= 0) return ls
  yield* poller.call(sys, sys.close(ls))
  return -1
}

/** Polls a pipe and a listening socket together (across the primary and the network domain). */
function pollerProgram(me: Part): Program {
  const {ledger: poller, cfg, hook} = me
  return function* (sys) {
    const p = (yield* poller.call(sys, sys.call('pipe', {}))).fds!
    const feeder = yield* sys.spawnThread(pipeFeeder(me, p[1]), 'feeder')
    let ls = -1
    for (;;) {
      if (ls < 0 && sys.now() < cfg.endCycles) ls = yield* listener(me, sys)
      const fds =
        ls >= 0
          ? [
              {fd: p[0], events: POLL.IN},
              {fd: ls, events: POLL.IN},
            ]
          : [{fd: p[0], events: POLL.IN}]
      if (ls >= 0) hook('poll')
      const r = yield* poller.call(sys, sys.poll(fds, cfg.retryCycles))
      const ready = r.ready ?? []
      if (ready.some((x) => x.fd === ls && (x.revents & POLL.NVAL) !== 0)) {
        yield* poller.call(sys, sys.close(ls)) // the network domain restarted under it
        ls = -1
      }
      if (ready.some((x) => x.fd === p[0])) {
        const got = yield* poller.call(sys, sys.read(p[0], 64))
        if (got.ret === 0) break // the feeder closed its end
        poller.op(sys.now())
      }
    }
    if (ls >= 0) yield* poller.call(sys, sys.close(ls))
    yield* sys.joinThread(feeder)
    me.done = true
  }
}

/** The poller's second thread: writes the pipe until the end, then closes it. */
function pipeFeeder(me: Part, fd: number): Program {
  const {ledger: poller, cfg} = me
  return function* (s) {
    while (s.now() < cfg.endCycles) {
      yield* poller.call(s, s.write(fd, 8))
      yield* s.sleep(cfg.retryCycles)
    }
    yield* poller.call(s, s.close(fd))
  }
}

/** More threads issuing storage reads at once than a small call page has entries. */
function burstProgram(me: Part): Program {
  return function* (sys) {
    const tids: number[] = []
    for (let i = 0; i < BURST_THREADS; i++) tids.push(yield* sys.spawnThread(burstThread(me, i), `burst-${i}`))
    for (const t of tids) yield* sys.joinThread(t)
    me.done = true
  }
}

function burstThread(me: Part, i: number): Program {
  const {ledger: burst, cfg} = me
  return function* (s) {
    let fd = -1
    let offset = 0
    while (s.now() < cfg.endCycles) {
      if (fd < 0) {
        fd = (yield* burst.call(s, s.open(`${STORAGE_DIR}/dst-burst-${i}`, O.RDWR | O.CREAT))).ret
        if (fd < 0) {
          yield* s.sleep(cfg.retryCycles)
          continue
        }
      }
      const r = yield* burst.call(s, offset === 0 ? s.pwrite(fd, 16384, 0) : s.pread(fd, 16384, 0))
      if (r.ret < 0) {
        yield* burst.call(s, s.close(fd))
        fd = -1
        continue
      }
      offset = (offset + 1) % 4
      burst.op(s.now())
    }
    if (fd >= 0) yield* burst.call(s, s.close(fd))
  }
}

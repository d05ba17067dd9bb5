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

export function mixedWorkload(cfg: MixedConfig, hook: TriggerHook): MixedWorkload {
  const end = cfg.endCycles
  const files = fileServer({threads: 2, fileBytes: 65536, blockBytes: 4096, thinkInstructions: 20_000, retryCycles: cfg.retryCycles, endCycles: end})
  const net = requestService({
    clients: 2, port: cfg.port, requestBytes: 64, responseBytes: 256, serverInstructions: 5_000,
    clientThinkInstructions: 20_000, retryCycles: cfg.retryCycles, endCycles: end, pollCycles: cfg.retryCycles,
  })
  const local = new CallLedger('local')
  const forker = new CallLedger('forker')
  const poller = new CallLedger('poller')
  const burst = new CallLedger('burst')
  const done = {local: false, forker: false, poller: false, burst: false}

  const localProgram: Program = function* (sys) {
    const p = (yield* local.call(sys, sys.call('pipe', {}))).fds!
    while (sys.now() < end) {
      yield* local.call(sys, sys.getpid())
      yield* local.call(sys, sys.write(p[1], 64))
      yield* local.call(sys, sys.read(p[0], 64))
      yield* sys.compute(20_000)
      local.op(sys.now())
    }
    done.local = true
  }

  const forkerProgram: Program = function* (sys) {
    const path = `${STORAGE_DIR}/dst-fork`
    while (sys.now() < end) {
      const fd = (yield* forker.call(sys, sys.open(path, O.RDWR | O.CREAT))).ret
      if (fd < 0) {
        yield* sys.sleep(cfg.retryCycles)
        continue
      }
      yield* forker.call(sys, sys.pwrite(fd, 4096, 0))
      hook('fork')
      const child = yield* forker.call(sys, sys.fork(function* (c) {
        yield* forker.call(c, c.pread(fd, 4096, 0))
        yield* forker.call(c, c.close(fd))
      }))
      if (child.ret > 0) yield* forker.call(sys, sys.wait(child.ret))
      yield* forker.call(sys, sys.close(fd))
      forker.op(sys.now())
      yield* sys.sleep(cfg.retryCycles)
    }
    done.forker = true
  }

  /** A listening socket on the network domain (or -1 while it is down). */
  function* listener(sys: SyscallInterface): Gen<number> {
    const ls = (yield* poller.call(sys, sys.socket('AF_INET', 'SOCK_STREAM'))).ret
    if (ls < 0) return -1
    const b = yield* poller.call(sys, sys.bind(ls, {family: 'AF_INET', port: cfg.port + 1}))
    const l = b.ret < 0 ? b : yield* poller.call(sys, sys.listen(ls, 4))
    if (l.ret >= 0) return ls
    yield* poller.call(sys, sys.close(ls))
    return -1
  }

  const pollerProgram: Program = function* (sys) {
    const p = (yield* poller.call(sys, sys.call('pipe', {}))).fds!
    const feeder = yield* sys.spawnThread(function* (s) {
      while (s.now() < end) {
        yield* poller.call(s, s.write(p[1], 8))
        yield* s.sleep(cfg.retryCycles)
      }
      yield* poller.call(s, s.close(p[1]))
    }, 'feeder')
    let ls = -1
    for (;;) {
      if (ls < 0 && sys.now() < end) ls = yield* listener(sys)
      const fds = ls >= 0 ? [{fd: p[0], events: POLL.IN}, {fd: ls, events: POLL.IN}] : [{fd: p[0], events: POLL.IN}]
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
    done.poller = true
  }

  const burstProgram: Program = function* (sys) {
    const tids: number[] = []
    for (let i = 0; i < BURST_THREADS; i++) {
      tids.push(yield* sys.spawnThread(function* (s) {
        let fd = -1
        let offset = 0
        while (s.now() < end) {
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
      }, `burst-${i}`))
    }
    for (const t of tids) yield* sys.joinThread(t)
    done.burst = true
  }

  const clientPrograms = Array.from({length: 2}, (_, i) => ({name: `client-${i}`, program: net.client(i)}))
  return {
    programs: [
      {name: 'files', program: files.program},
      {name: 'net-server', program: net.server},
      {name: 'local', program: localProgram},
      {name: 'forker', program: forkerProgram},
      {name: 'poller', program: pollerProgram},
      {name: 'burst', program: burstProgram},
    ],
    clientPrograms,
    processes: [
      {name: 'files', ledger: files.ledger, uses: ['storage']},
      {name: 'net-server', ledger: net.ledger, uses: ['network']},
      {name: 'net-clients', ledger: net.clientLedger, uses: ['network']},
      {name: 'local', ledger: local, uses: []},
      {name: 'forker', ledger: forker, uses: ['storage']},
      {name: 'poller', ledger: poller, uses: ['network']},
      {name: 'burst', ledger: burst, uses: ['storage']},
    ],
    finished: () => files.finished() && net.finished() && done.local && done.forker && done.poller && done.burst,
  }
}

/**
 * TTCP: bulk TCP transfer from the machine under test to a client host. The transmitter (on the
 * server) connects to the receiver (on client host 0) and writes `totalBytes` in `bufferBytes`
 * writes, then closes; the receiver reads with the same buffer size until EOF. Throughput is the
 * receiver's: bytes over the time from the accepted connection to the last byte (ttcp -r). The
 * transmitter is started by hand (or a script) after the receiver: it connects `startDelayCycles`
 * after the receiver listens (drawn by the caller from the 'client-start' stream).
 */
import type {Program} from '../kernel/types.js'
import {StartGate} from './clients.js'

export interface TtcpConfig {
  port: number
  bufferBytes: number
  totalBytes: number
  gatePollCycles: number
  /** The transmitter connects this long after the receiver is listening. */
  startDelayCycles?: number
}

export interface TtcpRun {
  transmitter: Program
  receiver: Program
  result: {bytes: number; startCycles: number; endCycles: number; writes: number}
  readonly finished: () => boolean
}

export function ttcp(cfg: TtcpConfig): TtcpRun {
  const gate = new StartGate(0, 0)
  const result = {bytes: 0, startCycles: 0, endCycles: 0, writes: 0}
  let sent = false
  let received = false

  const transmitter: Program = function* (sys) {
    yield* gate.wait(sys, cfg.gatePollCycles)
    if (cfg.startDelayCycles) yield* sys.sleep(cfg.startDelayCycles)
    const fd = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
    const c = (yield* sys.connect(fd, {family: 'AF_INET', host: 'client0', port: cfg.port})).ret
    if (fd < 0 || c < 0) throw new Error(`ttcp -t: connect failed (${c})`)
    for (let left = cfg.totalBytes; left > 0;) {
      const r = (yield* sys.write(fd, Math.min(cfg.bufferBytes, left))).ret
      if (r <= 0) throw new Error(`ttcp -t: write failed (${r})`)
      left -= r
      result.writes++
    }
    yield* sys.close(fd)
    sent = true
  }

  const receiver: Program = function* (sys) {
    const ls = (yield* sys.socket('AF_INET', 'SOCK_STREAM')).ret
    yield* sys.bind(ls, {family: 'AF_INET', port: cfg.port})
    yield* sys.listen(ls, 1)
    gate.openAt(sys.now())
    const fd = (yield* sys.accept(ls)).ret
    if (fd < 0) throw new Error(`ttcp -r: accept failed (${fd})`)
    result.startCycles = sys.now()
    for (;;) {
      const r = (yield* sys.read(fd, cfg.bufferBytes)).ret
      if (r <= 0) break
      result.bytes += r
      result.endCycles = sys.now()
    }
    yield* sys.close(fd)
    yield* sys.close(ls)
    received = true
  }

  return {transmitter, receiver, result, finished: () => sent && received}
}

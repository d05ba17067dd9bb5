/**
 * The two bulk transfers of the failure recovery timeline, run at once on one system:
 *  - a file read (`dd if=<big file> of=/dev/null bs=<buffer>`): one thread reading a large file on
 *    /storage front to back in large buffers; under VirtuOS every read goes to the storage domain,
 *    and its rate is set by the disk (readahead keeps it streaming), the copies and the calls;
 *  - a download (a remote client like `wget`): a server process on this system streams a large
 *    object to a client on client host 0 over one TCP connection, in large writes; the client
 *    reads it in its own buffer size. Under VirtuOS the socket lives in the network domain.
 * Both count the bytes they move in their ledger (one operation per buffer that moved data).
 *
 * Recovery: both resume where they stopped, as a robust tool does. The reader re-opens the file
 * after an error, seeks to its offset and reads on. The download cannot keep its connection
 * through a network-domain crash: the connection's TCP state (sequence numbers, buffers) lives in
 * the network domain's kernel and dies with it, and the restarted domain knows no such connection,
 * so no retransmission can revive it. The server's calls on it fail; the client sees its
 * connection end, reconnects after a pause and asks for the rest (an HTTP Range request, `wget -c`);
 * the server streams from that offset. Under a driver domain the TCP state lives in the guest, so
 * the same connection survives and TCP's retransmission timer resumes it.
 */
import type {SyscallInterface} from '../kernel/syscalls/interface.js'
import {O, SEEK, type Gen, type Program} from '../kernel/types.js'
import {acceptLoop, CallLedger, connectTo, readFull, type WorkloadRun} from './faults.js'

export interface FileReadConfig {
  path: string
  /** The file's size; the reader starts over at 0 if it reaches the end (`passes` counts them). */
  fileBytes: number
  bufferBytes: number
  retryCycles: number
  /** No new read starts from here on. */
  endCycles: number
}

export interface FileReadRun extends WorkloadRun {
  /** Times the reader reached the end of the file and started over (0: the file outlasted the run). */
  readonly passes: () => number
}

/** One process, one thread: read `path` sequentially in `bufferBytes`, re-opening after an error. */
export function fileRead(cfg: FileReadConfig): FileReadRun {
  const ledger = new CallLedger('file-read')
  let done = false
  let passes = 0
  const program: Program = function* (sys) {
    let offset = 0
    while (sys.now() < cfg.endCycles) {
      const fd = yield* openAt(sys, ledger, cfg.path, offset)
      if (fd < 0) {
        yield* sys.sleep(cfg.retryCycles)
        continue
      }
      const r = yield* readUntilError(sys, ledger, fd, cfg, offset)
      offset = r.offset
      if (r.eof) {
        passes++
        offset = 0
      }
      yield* ledger.call(sys, sys.close(fd))
      if (!r.eof) yield* sys.sleep(cfg.retryCycles)
    }
    done = true
  }
  return {program, ledger, finished: () => done, passes: () => passes}
}

/** The file opened read-only and positioned at `offset`, or -1 after a failure. */
function* openAt(sys: SyscallInterface, ledger: CallLedger, path: string, offset: number): Gen<number> {
  const fd = (yield* ledger.call(sys, sys.open(path, O.RDONLY))).ret
  if (fd < 0 || offset === 0) return fd
  const s = yield* ledger.call(sys, sys.lseek(fd, offset, SEEK.SET))
  if (s.ret >= 0) return fd
  yield* ledger.call(sys, sys.close(fd))
  return -1
}

/** read() buffer after buffer until an error, the end of the file, or the end of the run. */
function* readUntilError(
  sys: SyscallInterface,
  ledger: CallLedger,
  fd: number,
  cfg: FileReadConfig,
  from: number,
): Gen<{offset: number; eof: boolean}> {
  let offset = from
  while (sys.now() < cfg.endCycles) {
    const r = yield* ledger.call(sys, sys.read(fd, cfg.bufferBytes))
    if (r.ret < 0) return {offset, eof: false}
    if (r.ret === 0) return {offset, eof: true}
    offset += r.ret
    ledger.op(sys.now(), r.ret)
  }
  return {offset, eof: false}
}

export interface DownloadConfig {
  port: number
  /** The object's length: the client asks for the rest of it after a reconnect. */
  streamBytes: number
  /** The server's write size and the client's read size. */
  writeBytes: number
  readBytes: number
  /** The client's request (an HTTP GET with a Range header: the offset it wants). */
  requestBytes: number
  retryCycles: number
  endCycles: number
  pollCycles: number
}

export interface DownloadRun {
  server: Program
  /** The client, connecting `startDelayCycles` after the server first listens. */
  client: (startDelayCycles?: number) => Program
  /** Calls of the server process (the system under test). */
  ledger: CallLedger
  /** Calls of the client (its own kernel across the link); the bytes it receives count here. */
  clientLedger: CallLedger
  /** Connections the client opened (1: it never had to reconnect). */
  readonly connections: () => number
  readonly finished: () => boolean
}

/** What the server and the client share: the offset the client asks for is the request's content. */
interface Download {
  cfg: DownloadConfig
  ledger: CallLedger
  clientLedger: CallLedger
  listening: boolean
  serverDone: boolean
  clientDone: boolean
  /** The offset of the client's latest request (what its Range header says). */
  requested: number
  connections: number
}

/** A server streaming one large object and a remote client downloading it, resuming after a failure. */
export function download(cfg: DownloadConfig): DownloadRun {
  const d: Download = {
    cfg,
    ledger: new CallLedger('stream-server'),
    clientLedger: new CallLedger('download-client'),
    listening: false,
    serverDone: false,
    clientDone: false,
    requested: 0,
    connections: 0,
  }
  const server = acceptLoop(cfg, d.ledger, (fd) => streamHandler(d, fd), {
    listening: () => {
      d.listening = true
    },
    done: () => {
      d.serverDone = true
    },
  })
  return {
    server,
    client: (startDelayCycles = 0) => downloadClient(d, startDelayCycles),
    ledger: d.ledger,
    clientLedger: d.clientLedger,
    connections: () => d.connections,
    finished: () => d.serverDone && d.clientDone,
  }
}

/** A connection of the server: read the request, stream the object from its offset, close. */
function streamHandler(d: Download, fd: number): Program {
  const {cfg, ledger} = d
  return function* (sys) {
    const got = yield* readFull(sys, ledger, fd, cfg.requestBytes)
    let offset = got < cfg.requestBytes ? cfg.streamBytes : d.requested
    while (offset < cfg.streamBytes && sys.now() < cfg.endCycles) {
      const s = yield* ledger.call(sys, sys.send(fd, Math.min(cfg.writeBytes, cfg.streamBytes - offset)))
      if (s.ret < 0) break
      offset += s.ret
    }
    yield* ledger.call(sys, sys.close(fd))
  }
}

/** The client: connect, ask for the rest, read until the connection ends; reconnect after a pause. */
function downloadClient(d: Download, startDelayCycles: number): Program {
  const {cfg, clientLedger: ledger} = d
  return function* (sys) {
    let received = 0
    while (!d.listening && sys.now() < cfg.endCycles) yield* sys.sleep(cfg.retryCycles)
    if (startDelayCycles > 0) yield* sys.sleep(startDelayCycles)
    while (sys.now() < cfg.endCycles && received < cfg.streamBytes) {
      const fd = yield* connectTo(sys, ledger, cfg.port)
      if (fd < 0) {
        yield* sys.sleep(cfg.retryCycles)
        continue
      }
      d.connections++
      d.requested = received
      const s = yield* ledger.call(sys, sys.send(fd, cfg.requestBytes))
      if (s.ret >= 0) received = yield* receive(sys, d, fd, received)
      yield* ledger.call(sys, sys.close(fd))
      if (received < cfg.streamBytes) yield* sys.sleep(cfg.retryCycles)
    }
    d.clientDone = true
  }
}

/** recv buffer after buffer until the connection ends (EOF or an error) or the run does; the new total. */
function* receive(sys: SyscallInterface, d: Download, fd: number, from: number): Gen<number> {
  const {cfg, clientLedger: ledger} = d
  let received = from
  while (received < cfg.streamBytes && sys.now() < cfg.endCycles) {
    const r = yield* ledger.call(sys, sys.recv(fd, cfg.readBytes))
    if (r.ret <= 0) break
    received += r.ret
    ledger.op(sys.now(), r.ret)
  }
  return received
}

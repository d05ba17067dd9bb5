import {beforeAll, describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {download, fileRead} from '../../src/workloads/bulk-transfer.js'
import {buildBench} from '../../src/workloads/common.js'
import {
  runFaultScenario,
  TRANSFER_FILE,
  type FaultDomain,
  type FaultScenarioResult,
  type TransferShape,
} from '../../src/workloads/fault-scenario.js'
import {CallLedger} from '../../src/workloads/faults.js'
import {preloadFile, storageKernel} from '../../src/workloads/storage.js'

const profile = loadProfile()
const params = profile.params
const ms = (v: number) => Math.round((v * params.clockHz) / 1000)

const SHAPE: TransferShape = {
  fileBytes: 1 << 30,
  readBytes: 128 * 1024,
  streamBytes: 1 << 30,
  writeBytes: 64 * 1024,
  recvBytes: 16 * 1024,
  requestBytes: 160,
}

describe('CallLedger bytes', () => {
  it('bytesIn counts the bytes of the operations completed in [from, to)', () => {
    const l = new CallLedger('t')
    l.op(10, 100)
    l.op(20, 50)
    l.op(20, 5)
    l.op(30, 1)
    expect([l.bytesIn(0, 10), l.bytesIn(10, 20), l.bytesIn(20, 30), l.bytesIn(0, Infinity)]).toEqual([0, 100, 55, 156])
    expect(l.bytesMoved).toBe(156)
    expect(new CallLedger('empty').bytesIn(0, Infinity)).toBe(0)
  })
})

describe('the bulk transfers on native (20 ms): large sequential transfers, not request loops', () => {
  const endCycles = ms(20)
  let file: ReturnType<typeof fileRead>
  let net: ReturnType<typeof download>
  let readahead = 0
  beforeAll(() => {
    const bench = buildBench(1, params, 'native', {clientHosts: 1})
    preloadFile(bench.system, TRANSFER_FILE, SHAPE.fileBytes)
    file = fileRead({
      path: TRANSFER_FILE,
      fileBytes: SHAPE.fileBytes,
      bufferBytes: SHAPE.readBytes,
      retryCycles: ms(10),
      endCycles,
    })
    const {fileBytes: _f, readBytes: _r, recvBytes, ...stream} = SHAPE
    net = download({...stream, readBytes: recvBytes, port: 7300, retryCycles: ms(10), endCycles, pollCycles: ms(10)})
    bench.system.spawnProcess(file.program, 'file-read')
    bench.system.spawnProcess(net.server, 'stream-server')
    bench.system.clients.spawn(0, net.client(), 'download-client')
    bench.sim.run({until: endCycles + ms(200)})
    readahead = storageKernel(bench.system).vfs.cache.stats.readaheadPages
  })

  it('the file read: one open, then read after read of a whole buffer each, the file front to back (readahead)', () => {
    const l = file.ledger
    expect(file.finished()).toBe(true)
    expect(l.opTimes.length).toBeGreaterThan(5)
    expect(l.bytesMoved).toBe(l.opTimes.length * SHAPE.readBytes)
    // open + the reads + close: no open/close per transfer
    expect(l.issued).toBe(l.opTimes.length + 2)
    expect(l.failed).toBe(0)
    // sequential reads: the kernel read ahead of them
    expect(readahead).toBeGreaterThan(l.bytesMoved / 4096 / 2)
    expect(file.passes()).toBe(0)
  })

  it('the download: one connection, one request, then a stream of reads and large writes', () => {
    expect(net.finished()).toBe(true)
    expect(net.connections()).toBe(1)
    const client = net.clientLedger
    // socket, connect, the request, the reads, close
    expect(client.issued).toBe(client.opTimes.length + 4)
    // one request for the whole stream: the bytes are the stream's, not requests and responses
    expect(client.bytesMoved).toBeGreaterThan(1000 * SHAPE.requestBytes)
    expect(client.failed).toBe(0)
    // the server's calls: a send per 64 KiB, plus a few to listen, poll, accept, read the request and close
    expect(net.ledger.issued).toBeLessThan(20 + client.bytesMoved / SHAPE.writeBytes)
  })
})

describe('resuming after a network-domain crash (crash at 20 ms, restart 20 ms later)', () => {
  const run = (system: string, endMs: number): FaultScenarioResult =>
    runFaultScenario(1, params, system, {
      shape: {
        fileThreads: 1,
        fileBytes: 1,
        blockBytes: 1,
        fileThinkInstructions: 0,
        netClients: 1,
        requestBytes: 1,
        responseBytes: 1,
        serverInstructions: 0,
        clientThinkInstructions: 0,
        retryCycles: ms(2),
        port: 7300,
        clientStartSpreadCycles: 0,
        transfers: SHAPE,
      },
      domain: 'network' as FaultDomain,
      crashAtCycles: ms(20),
      restartDelayCycles: ms(20),
      endCycles: ms(endMs),
    })
  const received = (r: FaultScenarioResult, fromMs: number, toMs: number) => r.netClients.bytesIn(ms(fromMs), ms(toMs))

  it('virtuos: the connection dies with the domain; the client reconnects and the stream resumes', () => {
    const r = run('virtuos', 60)
    expect(r.downloadConnections).toBeGreaterThanOrEqual(2)
    expect(received(r, 25, 40)).toBe(0)
    expect(received(r, 40, 60)).toBeGreaterThan(0)
    expect(r.retransmitTimes).toHaveLength(0)
    expect(r.files.failed).toBe(0) // the file read does not use the network domain
  })

  it('driver-domain: the same connection survives, resumed by TCP retransmission after the restart', () => {
    const r = run('driver-domain', 300)
    expect(r.downloadConnections).toBe(1)
    expect(r.retransmitTimes.length).toBeGreaterThan(0)
    expect(received(r, 25, 40)).toBe(0)
    expect(received(r, 40, 300)).toBeGreaterThan(0)
  })
})

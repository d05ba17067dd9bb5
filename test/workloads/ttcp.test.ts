import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {buildBench, callMix, runBench} from '../../src/workloads/common.js'
import {ttcp} from '../../src/workloads/ttcp.js'

const params = loadProfile().params

function transfer(system: string, bufferBytes: number, totalBytes: number) {
  const run = ttcp({port: 5001, bufferBytes, totalBytes, gatePollCycles: 100_000})
  const bench = buildBench(1, params, system, {clientHosts: 1})
  bench.system.clients.spawn(0, run.receiver)
  bench.system.spawnProcess(run.transmitter)
  runBench(bench, run.finished)
  return {run, mix: callMix(bench.system)}
}

describe('ttcp workload', () => {
  it('native: connect, total/buffer writes, close; the receiver gets every byte', () => {
    const {run, mix} = transfer('native', 16384, 1 << 20)
    expect(run.result.bytes).toBe(1 << 20)
    expect(mix['native:write']).toBe(64)
    expect(mix['native:connect']).toBe(1)
    expect(mix['native:close']).toBe(1)
  })

  it('virtuos: the writes go to the network domain', () => {
    const {run, mix} = transfer('virtuos', 65536, 1 << 20)
    expect(run.result.bytes).toBe(1 << 20)
    expect(mix['network:write']).toBe(16)
    expect(mix['primary:write'] ?? 0).toBe(0)
  })
})

/** The call mix each microbenchmark workload issues, per design: which calls, how many, in which domain. */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {buildBench, callMix, runBench} from '../../src/workloads/common.js'
import {callLatencyWorkload, copyWorkload, gapWorkload, type CallClass} from '../../src/workloads/micro.js'

const params = loadProfile().params
const us = (n: number) => Math.round(n * 1e-6 * params.clockHz)

function latencyMix(system: string, call: CallClass, threads = 1) {
  const load = callLatencyWorkload({
    call,
    threads,
    loopInstructions: 20,
    warmupCycles: us(10),
    measureCycles: us(40),
    fileBytes: 65536,
    socketPrefillBytes: 8192,
    port: 7000,
  })
  const b = buildBench(1, params, system)
  b.system.spawnProcess(load.program)
  runBench(b, load.finished)
  return {mix: callMix(b.system), counted: load.tallies.reduce((n, t) => n + t.calls, 0)}
}

describe('syscall-overhead workload', () => {
  it('native fstat: one open per thread, then only fstat, all in the one kernel', () => {
    const {mix, counted} = latencyMix('native', 'fstat', 2)
    expect(Object.keys(mix).sort()).toEqual(['native:fstat', 'native:open'])
    expect(mix['native:open']).toBe(2)
    expect(counted).toBeGreaterThan(0)
    expect(mix['native:fstat']).toBeGreaterThanOrEqual(counted)
  })
  it('virtuos: getppid stays in the primary; fstat goes to storage; socket calls go to network', () => {
    expect(Object.keys(latencyMix('virtuos', 'getppid').mix)).toEqual(['primary:getppid'])
    const f = latencyMix('virtuos', 'fstat').mix
    expect(Object.keys(f).sort()).toEqual(['storage:fstat', 'storage:open'])
    const s = latencyMix('virtuos', 'read_socket').mix
    expect(Object.keys(s).sort()).toEqual([
      'network:accept',
      'network:bind',
      'network:connect',
      'network:listen',
      'network:read',
      'network:socket',
      'network:write',
    ])
    expect(s['network:socket']).toBe(2) // listener + client end
    expect(s['network:write']).toBe(1) // the prefill
  })
  it('read_file reads 1 byte at a time from a prefilled file: one write of set-up, then reads only', () => {
    const {mix, counted} = latencyMix('native', 'read_file')
    expect(mix).toMatchObject({'native:open': 1, 'native:write': 1, 'native:lseek': 1})
    expect(mix['native:read']).toBeGreaterThanOrEqual(counted)
  })
})

describe('copy-overhead workload', () => {
  it('file reads: the set-up writes the file in 256 KiB writes, then exactly warm-up + timed preads', () => {
    const load = copyWorkload({
      op: 'read',
      target: 'file',
      bufferBytes: 4096,
      warmupCalls: 2,
      measuredCalls: 10,
      fileBytes: 1 << 20,
      partnerBytes: 65536,
      port: 7200,
    })
    const b = buildBench(1, params, 'virtuos')
    b.system.spawnProcess(load.program)
    runBench(b, load.finished)
    expect(callMix(b.system)).toEqual({'storage:open': 1, 'storage:write': 4, 'storage:pread': 12})
    expect(load.result.bytes).toBe(10 * 4096)
  })
  it('socket writes: every byte written is read by the partner; the writer closes', () => {
    const load = copyWorkload({
      op: 'write',
      target: 'socket',
      bufferBytes: 16384,
      warmupCalls: 1,
      measuredCalls: 8,
      fileBytes: 1 << 20,
      partnerBytes: 65536,
      port: 7200,
    })
    const b = buildBench(1, params, 'native')
    b.system.spawnProcess(load.program)
    runBench(b, load.finished)
    const mix = callMix(b.system)
    expect(mix['native:write']).toBe(9)
    expect(mix['native:close']).toBe(1)
    expect(mix['native:read']).toBeGreaterThanOrEqual(3) // 144 KiB in reads of <= 64 KiB, plus the EOF
    expect(load.result.bytes).toBe(8 * 16384)
  })
})

describe('coordination workload', () => {
  it('one nanosleep before each call when the gap is positive, none at gap 0', () => {
    for (const gap of [0, us(50)]) {
      const load = gapWorkload({call: 'fstat', gapCycles: gap, warmupCalls: 1, measuredCalls: 4, port: 7100})
      const b = buildBench(1, params, 'virtuos')
      b.system.spawnProcess(load.program)
      runBench(b, load.finished)
      const mix = callMix(b.system)
      expect(mix['storage:fstat']).toBe(5)
      expect(mix['primary:nanosleep'] ?? 0).toBe(gap > 0 ? 5 : 0)
      expect(load.tally.calls).toBe(4)
    }
  })
})

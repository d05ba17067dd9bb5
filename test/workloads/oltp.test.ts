import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {oltpConfig, oltpWorkload} from '../../src/experiments/oltp.js'
import {callMix} from '../../src/workloads/common.js'
import {MIX, runOltp} from '../../src/workloads/oltp.js'

const params = loadProfile().params
const small = (threads: number, sync: boolean) => ({
  ...oltpConfig(oltpWorkload(), params.clockHz, true, threads, sync),
  measureCycles: Math.round(0.03 * params.clockHz),
})

describe('oltp workload', () => {
  it('the transaction is sysbench read-write: 20 statements, 4 of them writes; per-statement work from 12,435 instructions per call', () => {
    expect(MIX).toHaveLength(20)
    expect(MIX.filter((s) => s.write)).toHaveLength(4)
    expect(MIX.filter((s) => s.name === 'point_select')).toHaveLength(10)
    const perTrx = MIX.reduce((n, s) => n + s.calls, 0) * oltpWorkload().instructionsPerCall.value
    expect(perTrx).toBe(42 * 12435)
  })

  it('native, sync commit: one recv and send per statement, a log pwrite and fsync per commit, page preads on misses', () => {
    const {run, bench} = runOltp(1, params, 'native', small(2, true))
    const mix = callMix(bench.system)
    const statements = mix['native:send']
    expect(statements % MIX.length).toBe(0)
    const trx = statements / MIX.length
    expect(trx).toBeGreaterThanOrEqual(run.rec.count)
    // recv: one per statement plus the EOF of each connection
    expect(mix['native:recv']).toBe(statements + 2)
    expect(run.stats.logWrites).toBe(trx)
    expect(mix['native:fsync']).toBeGreaterThanOrEqual(trx) // data-file fsyncs of the page cleaner come on top
    expect(run.stats.logSyncs).toBe(trx)
    expect(mix['native:pread']).toBe(run.stats.misses)
    expect(mix['native:pwrite']).toBe(run.stats.logWrites + run.stats.pageWrites)
  })

  it('virtuos: connections in the network domain, data file and log in the storage domain, mutex futexes in the library', () => {
    const {bench} = runOltp(1, params, 'virtuos', small(2, false))
    const mix = callMix(bench.system)
    expect(mix['network:recv']).toBeGreaterThan(0)
    expect(mix['network:send']).toBe(mix['network:recv'] - 2)
    expect(mix['storage:pwrite']).toBeGreaterThan(0)
    expect(mix['primary:futex'] ?? 0).toBe(0)
    expect(mix['primary:recv'] ?? 0).toBe(0)
  })

  it('sync commit off: no fsync of the log per commit', () => {
    const {run} = runOltp(1, params, 'native', small(2, false))
    expect(run.stats.logWrites).toBeGreaterThan(0)
    expect(run.stats.logSyncs).toBe(0) // the once-a-second flush lies beyond a short run
  })
})

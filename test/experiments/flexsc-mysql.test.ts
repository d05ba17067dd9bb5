import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {flexscMysql, flexscMysqlWorkload, flexscOltpWorkload} from '../../src/experiments/flexsc-mysql.js'
import {testbedParams} from '../../src/experiments/flexsc-testbed.js'
import {oltpConfig, oltpWorkload} from '../../src/experiments/oltp.js'
import {callMix} from '../../src/workloads/common.js'
import {MIX, runOltp} from '../../src/workloads/oltp.js'

const e5520 = loadProfile()

describe('flexsc-mysql experiment', () => {
  it("the oltp workload with FlexSC's database: 1.2 GB in memory, synchronous commits off", () => {
    const w = flexscOltpWorkload(oltpWorkload(), flexscMysqlWorkload())
    expect(w.dbBytes.value).toBe(1.2e9)
    expect(w.hitRate.value).toBe(1)
    expect(w.syncCommit.value).toBe(false)
    expect(w.instructionsPerCall).toEqual(oltpWorkload().instructionsPerCall)
    expect(flexscMysql.clauses).toBeUndefined()
  })

  it('call mix on the testbed: a recv and send per statement, a log pwrite per commit, no page read, no log fsync per commit', () => {
    const params = testbedParams(e5520, 1)
    const w = flexscOltpWorkload(oltpWorkload(), flexscMysqlWorkload())
    const cfg = {...oltpConfig(w, params.clockHz, true, 2), measureCycles: Math.round(0.01 * params.clockHz)}
    const {run, bench} = runOltp(1, params, 'native', cfg)
    const mix = callMix(bench.system)
    const trx = mix['native:send'] / MIX.length
    expect(Number.isInteger(trx)).toBe(true)
    expect(run.stats.logWrites).toBe(trx)
    expect(mix['native:pread'] ?? 0).toBe(0)
    expect(run.stats.logSyncs).toBeLessThanOrEqual(1) // the once-a-second flush, not one per commit
    expect(trx).toBeGreaterThan(1)
  })

  it('its smallest point (1 core, 32 clients, native) runs on flexsc-i7 and completes transactions', () => {
    const r = flexscMysql.run({cores: 1, clients: 32}, 'native', {seed: 1, quick: true, profile: e5520})
    expect(r.notes?.[0]).toMatch(/^profile flexsc-i7, 1 cores; \d+ transactions/)
    expect(r.samples).toBeGreaterThan(20)
    expect(r.metrics.tps).toBeGreaterThan(0)
  })
})

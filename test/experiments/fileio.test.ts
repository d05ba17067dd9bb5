import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {fileio} from '../../src/experiments/fileio.js'
import {findExperiment} from '../../src/experiments/registry.js'

const profile = loadProfile()

describe('fileio experiment', () => {
  it('is registered with no clause: its published values are kept aside', () => {
    expect(findExperiment('fileio')).toBe(fileio)
    expect(fileio.clauses).toBeUndefined()
    expect(fileio.reference).toBeUndefined()
  })

  it('its smallest point (1 thread, native): requests hit the page cache, the disk is paid in the fsync sweeps', () => {
    const r = fileio.run({threads: 1}, 'native', {seed: 1, quick: true, profile})
    expect(r.samples).toBeGreaterThan(100)
    // a read or write copies 16 KiB in the cache: well under a disk access (a millisecond or more)
    expect(r.metrics.latency_mean_ms).toBeLessThan(0.2)
    // so the time goes to the sweeps: far fewer requests per second than one thread could copy
    expect(r.metrics.requests_per_s).toBeGreaterThan(0)
    expect(r.metrics.requests_per_s).toBeLessThan(1000 / (10 * r.metrics.latency_mean_ms))
    expect(r.notes?.[0]).toMatch(/reads\+writes and \d+ fsyncs completed in the window/)
  })
})

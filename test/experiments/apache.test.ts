import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {apache, apacheWorkload} from '../../src/experiments/apache.js'
import {findExperiment} from '../../src/experiments/registry.js'
import {maxGoodput} from '../../src/machine/nic.js'

const profile = loadProfile()

describe('apache experiment', () => {
  it('is registered with no clause: its published values are kept aside', () => {
    expect(findExperiment('apache')).toBe(apache)
    expect(apache.clauses).toBeUndefined()
    expect(apache.axes.find((a) => a.name === 'concurrency')?.full).toEqual([5, 10, 20, 40, 80, 160])
    expect(apache.axes.find((a) => a.name === 'file_bytes')?.full).toEqual([4096, 8192, 16384])
  })

  it('its smallest point (10 connections, 4 KiB, native): MB/s is requests/s times the response, below the wire', () => {
    const r = apache.run({concurrency: 10, file_bytes: 4096}, 'native', {seed: 1, quick: true, profile})
    const response = 4096 + apacheWorkload().headerBytes.value
    expect(r.metrics.throughput_mb_per_s).toBeCloseTo((r.metrics.requests_per_s * response) / 1e6, 9)
    expect(r.metrics.throughput_mb_per_s * 8e6).toBeLessThan(maxGoodput(profile.params))
    expect(r.samples).toBeGreaterThan(100)
    expect(r.notes?.[0]).toMatch(/^4 children x 25 threads/)
  })
})

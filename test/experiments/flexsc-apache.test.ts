import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'
import {flexscApache, flexscApacheWorkload, serverThreads} from '../../src/experiments/flexsc-apache.js'
import {testbedParams} from '../../src/experiments/flexsc-testbed.js'

const e5520 = loadProfile()

describe('flexsc-apache experiment', () => {
  it('runs on flexsc-i7 with the point its cores; NPTL caps the pool at 200 threads, FlexSC-Threads at 1000', () => {
    expect(flexscApache.profileFor?.(e5520).name).toBe('flexsc-i7')
    const p = testbedParams(e5520, 2)
    expect(p.cores).toBe(2)
    // native's and FlexSC's kernel runs on exactly the cores in use (not the profile's allocation of 4)
    expect(p.coreAllocation.nativeApplication).toBe(2)
    expect(testbedParams(e5520, 1).coreAllocation).toMatchObject({nativeApplication: 1, flexscSyscall: 1})
    expect(p.clockHz).toBe(2.3e9)
    expect(() => testbedParams(e5520, 8)).toThrow(UsageError)
    const w = flexscApacheWorkload()
    expect(serverThreads(w, 'native', 1000)).toBe(200)
    expect(serverThreads(w, 'flexsc', 1000)).toBe(1000)
    expect(serverThreads(w, 'native', 50)).toBe(50)
    expect(flexscApache.clauses).toBeUndefined()
  })

  it('its smallest point (1 core, 250 connections, native): 200 threads serve, the other connections wait their turn', () => {
    const r = flexscApache.run({cores: 1, concurrency: 250}, 'native', {seed: 1, quick: true, profile: e5520})
    expect(r.notes?.[0]).toBe('profile flexsc-i7, 1 cores, 200 server threads')
    // the one core's user and kernel work are all counted (the kernel ran nowhere else)
    expect(r.metrics.u_ipc).toBeGreaterThan(0)
    expect(r.samples).toBeGreaterThan(100)
    // a closed loop of 250 connections past its warm-up: a request's mean time is about 250 / the rate
    // (Little's law; ab's think time is microseconds)
    const little = 250 / r.metrics.requests_per_s
    expect(r.metrics.latency_mean_ms / 1e3).toBeGreaterThan(0.7 * little)
    expect(r.metrics.latency_mean_ms / 1e3).toBeLessThan(1.1 * little)
  })
})

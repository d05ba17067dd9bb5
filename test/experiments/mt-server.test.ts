import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {mtServer} from '../../src/experiments/mt-server.js'
import {maxGoodput} from '../../src/machine/nic.js'
import type {Point, SystemId} from '../../src/experiments/types.js'
import {flexscCounts} from '../workloads/flexsc-note.js'

const profile = loadProfile()
const at = (point: Point, system: SystemId, seed = 1) => mtServer.run(point, system, {seed, quick: true, profile}).metrics

describe('mt-server experiment', () => {
  it('16 clients get more requests/s than one; latency is at least a network round trip', () => {
    const one = at({clients: 1, file_bytes: 256}, 'native')
    const many = at({clients: 16, file_bytes: 256}, 'native')
    expect(many.requests_per_s).toBeGreaterThan(2 * one.requests_per_s)
    expect(one.latency_mean_ms).toBeGreaterThan((2 * profile.params.nic.linkLatency) / profile.params.clockHz * 1e3)
  })

  it('large files are bounded by the wire: bytes/s below TCP goodput on GigE', () => {
    const {requests_per_s} = at({clients: 16, file_bytes: 16384}, 'virtuos')
    expect(requests_per_s * 16384 * 8).toBeLessThan(maxGoodput(profile.params))
    expect(requests_per_s * 16384 * 8).toBeGreaterThan(0.5 * maxGoodput(profile.params))
  })

  it('is deterministic for a seed', () => {
    expect(at({clients: 4, file_bytes: 256}, 'virtuos', 3)).toEqual(at({clients: 4, file_bytes: 256}, 'virtuos', 3))
  })

  it('flexsc runs the threaded server: the calls go through syscall pages (posts, batches) and only flexsc has them', () => {
    const r = mtServer.run({clients: 16, file_bytes: 256}, 'flexsc', {seed: 1, quick: true, profile})
    const c = flexscCounts(r)
    expect(c).not.toBeNull()
    expect(c!.placement).toBe('same-core')
    expect(c!.posts).toBeGreaterThanOrEqual(50)
    expect(c!.batches).toBeGreaterThan(0)
    expect(c!.served).toBeLessThanOrEqual(c!.posts)
    expect(c!.served).toBeGreaterThan(0)
    for (const v of Object.values(r.metrics)) expect(Number.isFinite(v) && v > 0).toBe(true)
    expect(flexscCounts(mtServer.run({clients: 16, file_bytes: 256}, 'native', {seed: 1, quick: true, profile}))).toBeNull()
  })
})

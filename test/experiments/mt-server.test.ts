import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {mtServer} from '../../src/experiments/mt-server.js'
import {maxGoodput} from '../../src/machine/nic.js'
import type {Point, SystemId} from '../../src/experiments/types.js'
import {expectRunsThroughFlexsc} from '../workloads/flexsc-note.js'

const profile = loadProfile()
const at = (point: Point, system: SystemId, seed = 1) =>
  mtServer.run(point, system, {seed, quick: true, profile}).metrics

describe('mt-server experiment', () => {
  it('16 clients get more requests/s than one; latency is at least a network round trip', () => {
    const one = at({clients: 1, file_bytes: 256}, 'native')
    const many = at({clients: 16, file_bytes: 256}, 'native')
    expect(many.requests_per_s).toBeGreaterThan(2 * one.requests_per_s)
    expect(one.latency_mean_ms).toBeGreaterThan(((2 * profile.params.nic.linkLatency) / profile.params.clockHz) * 1e3)
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
    expectRunsThroughFlexsc(mtServer, {clients: 16, file_bytes: 256}, profile, 50)
  })
})

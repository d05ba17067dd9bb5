import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {ttcpExperiment} from '../../src/experiments/ttcp.js'
import type {Point, SystemId} from '../../src/experiments/types.js'
import {expectRunsThroughFlexsc} from '../workloads/flexsc-note.js'

const profile = loadProfile()
const mbps = (point: Point, system: SystemId, seed = 1) =>
  ttcpExperiment.run(point, system, {seed, quick: true, profile}).metrics.throughput_mbps

describe('ttcp experiment', () => {
  it('sweeps 1 KiB to 1 MiB', () => {
    const axis = ttcpExperiment.axes[0]
    expect(axis.quick[0]).toBe(1024)
    expect(axis.quick.at(-1)).toBe(1 << 20)
    expect(axis.full).toHaveLength(11)
  })

  it('throughput rises with the write size and stays below GigE TCP goodput (941 Mb/s)', () => {
    for (const system of ['native', 'virtuos'] as const) {
      // a socket write is send's work (not a file pwrite's), so 1 KiB writes already fill the wire:
      // per-call costs show below that
      const small = mbps({buffer_bytes: 64}, system)
      const big = mbps({buffer_bytes: 65536}, system)
      expect(big).toBeGreaterThan(small)
      expect(big).toBeLessThan(941.6)
      expect(big).toBeGreaterThan(800)
    }
  })

  it('is deterministic for a seed', () => {
    expect(mbps({buffer_bytes: 4096}, 'virtuos', 9)).toBe(mbps({buffer_bytes: 4096}, 'virtuos', 9))
  })

  it('flexsc runs a bulk transfer: the calls go through syscall pages (posts, batches) and only flexsc has them', () => {
    expectRunsThroughFlexsc(ttcpExperiment, {buffer_bytes: 16384}, profile, 10)
  })
})

import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {createRng} from '../../src/sim/rng.js'
import {buildBench, DISK_PHASE_STREAM, tickPhaseStream} from '../../src/workloads/common.js'

const params = loadProfile().params
const rotation = Math.ceil(params.disk.rotation)

/** When a timer of one cycle set at t=0 fires on `kernel`: its first tick after 0, i.e. its phase. */
const firstTick = (b: ReturnType<typeof buildBench>, i: number) => b.system.kernels[i].net.timerExpiry(1)

describe('buildBench: seeded phases of the disk and the kernels timer ticks', () => {
  it('the disk angle at t=0 comes from the disk-phase stream: two seeds differ, one seed repeats', () => {
    const a = buildBench(1, params, 'native').machine.disk.rotationalPhase
    const b = buildBench(2, params, 'native').machine.disk.rotationalPhase
    expect(a).not.toBe(b)
    expect(buildBench(1, params, 'native').machine.disk.rotationalPhase).toBe(a)
    expect(a).toBe(createRng(1, DISK_PHASE_STREAM).int(0, rotation - 1))
    expect(a).toBeGreaterThanOrEqual(0)
    expect(a).toBeLessThan(params.disk.rotation)
  })

  it('every kernel ticks at the tick rate at its own phase, from its own stream', () => {
    const tick = Math.round(params.clockHz / params.kernel.tickHz)
    const b = buildBench(1, params, 'virtuos', {clientHosts: 1})
    const phases = b.system.kernels.map((_, i) => firstTick(b, i))
    for (const [i, k] of b.system.kernels.entries()) {
      const phase = createRng(1, tickPhaseStream(k.domain)).int(0, tick - 1)
      expect(phases[i]).toBe(phase === 0 ? tick : phase)
    }
    expect(new Set(phases).size).toBe(phases.length)
    const client = b.system.clients.hosts[0].kernel.net.timerExpiry(1)
    expect(client).toBeLessThanOrEqual(tick)
    expect(firstTick(buildBench(2, params, 'virtuos'), 0)).not.toBe(phases[0])
  })

  it('the design does not change the draws: the disk phase and the primary tick of one seed are the same natively', () => {
    const n = buildBench(3, params, 'native', {clientHosts: 1})
    const v = buildBench(3, params, 'virtuos', {clientHosts: 1})
    expect(n.machine.disk.rotationalPhase).toBe(v.machine.disk.rotationalPhase)
    expect(n.system.clients.hosts[0].kernel.net.timerExpiry(1)).toBe(
      v.system.clients.hosts[0].kernel.net.timerExpiry(1),
    )
  })
})

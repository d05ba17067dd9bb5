import {describe, expect, it} from 'vitest'
import {coordination, coordinationWorkload} from '../../src/experiments/coordination.js'
import {defaultVirtuosParams} from '../../src/kernel/virtuos/index.js'
import {loadProfile} from '../../src/config/index.js'
import {selectSystems} from '../../src/experiments/registry.js'
import {UsageError} from '../../src/errors.js'
import type {ExperimentDef, Point, SystemId} from '../../src/experiments/types.js'

const profile = loadProfile()
/** One quick point on the default profile. */
const metricsAt = (def: ExperimentDef, point: Point, system: SystemId, seed = 1) =>
  def.run(point, system, {seed, quick: true, profile}).metrics

const release = {
  spin_iterations: defaultVirtuosParams.spinIterations,
  worker_yields: defaultVirtuosParams.emptyPollsBeforeWake,
}

describe('coordination', () => {
  it('its spin axes include the release values, and its workload file loads', () => {
    expect(coordination.axes.find((a) => a.name === 'spin_iterations')!.full).toContain(4000)
    expect(coordination.axes.find((a) => a.name === 'worker_yields')!.full).toContain(5000)
    expect(coordination.axes.find((a) => a.name === 'gap_us')!.full.at(-1)).toBe(10000)
    expect(coordinationWorkload().call.value).toBe('fstat')
  })

  it('back to back, a polling worker answers within the spin: no event channel', () => {
    const m = metricsAt(coordination, {gap_us: 0, ...release}, 'virtuos')
    expect(m.event_channels_per_call).toBe(0)
  })

  it('after a long gap the worker sleeps: a wake event channel per call, and a slower call', () => {
    const near = metricsAt(coordination, {gap_us: 0, ...release}, 'virtuos')
    const far = metricsAt(coordination, {gap_us: 10000, ...release}, 'virtuos')
    expect(far.event_channels_per_call).toBeGreaterThan(0)
    expect(far.latency_ns).toBeGreaterThan(near.latency_ns)
  })

  it('with no spin budget the caller blocks and needs a notification even back to back', () => {
    const m = metricsAt(coordination, {gap_us: 0, spin_iterations: 0, worker_yields: 5000}, 'virtuos')
    expect(m.event_channels_per_call).toBeGreaterThanOrEqual(1)
  })

  it('native: no event channels, and the gap does not change the latency', () => {
    const a = metricsAt(coordination, {gap_us: 0, ...release}, 'native')
    const b = metricsAt(coordination, {gap_us: 10000, ...release}, 'native')
    expect(a.event_channels_per_call).toBe(0)
    expect(b.event_channels_per_call).toBe(0)
    expect(b.latency_ns).toBe(a.latency_ns)
  })

  it('is deterministic', () => {
    const p = {gap_us: 1000, spin_iterations: 0, worker_yields: 500}
    expect(metricsAt(coordination, p, 'virtuos', 5)).toEqual(metricsAt(coordination, p, 'virtuos', 5))
  })

  it('does not compare flexsc (no service-domain workers or event channels): --system flexsc is a usage error naming what it compares', () => {
    expect(coordination.systems).not.toContain('flexsc')
    expect(() => selectSystems(coordination, ['flexsc'])).toThrow(UsageError)
    expect(() => selectSystems(coordination, ['native', 'flexsc'])).toThrow(
      /experiment 'coordination' does not compare 'flexsc' \(it compares: native, virtuos\)/,
    )
  })
})

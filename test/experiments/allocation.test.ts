/**
 * The native_cores axis: native's and FlexSC's kernel on the profile's cores or on as many as
 * VirtuOS's primary has; it changes no dice, and the claims compare with native on its own
 * allocation only.
 */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'
import {NATIVE_CORES_AXIS, withNativeCores} from '../../src/experiments/allocation.js'
import {mtServer} from '../../src/experiments/mt-server.js'
import {oltp} from '../../src/experiments/oltp.js'
import type {ExperimentDef} from '../../src/experiments/types.js'
import {row} from '../report/fixtures.js'

const params = loadProfile().params

describe('native_cores axis', () => {
  it("primary gives native's and FlexSC's kernel as many cores as VirtuOS's primary, and changes nothing else", () => {
    expect(withNativeCores(params, 'all')).toBe(params)
    expect(withNativeCores(params, undefined)).toBe(params)
    const primary = withNativeCores(params, 'primary')
    const a = params.coreAllocation
    expect(primary.coreAllocation).toEqual({...a, nativeApplication: a.virtuosPrimary})
    expect(primary.coreAllocation.nativeApplication).toBeLessThan(a.nativeApplication)
    expect({...primary, coreAllocation: a}).toEqual(params)
    expect(() => withNativeCores(params, 'half')).toThrow(UsageError)
  })

  const gain = (def: ExperimentDef, point: Record<string, string | number>, native_cores: string, ratio: number) =>
    row({
      experiment: def.id,
      system: 'virtuos',
      params: {...point, native_cores},
      metric: def.metrics[0].name,
      unit: def.metrics[0].unit,
      better: 'higher',
      value: 100 * ratio,
      ratioVsNative: ratio,
    })

  for (const [def, point] of [
    [oltp, {threads: 4, sync_commit: 'off'}],
    [mtServer, {clients: 256, file_bytes: 256}],
  ] as const) {
    it(`${def.id}: full sweeps only, no dice change, the claim judged against native on its own allocation`, () => {
      expect(def.axes.at(-1)).toBe(NATIVE_CORES_AXIS)
      expect(NATIVE_CORES_AXIS.quick).toEqual(['all'])
      expect(def.seedAxes).toEqual(def.axes.slice(0, -1).map((x) => x.name))
      const clause = def.clauses![0]
      expect(clause.check([gain(def, point, 'all', 1), gain(def, point, 'primary', 1.5)]).verdict).toBe('not supported')
      expect(clause.check([gain(def, point, 'all', 1.5), gain(def, point, 'primary', 1)]).verdict).toBe('supported')
    })
  }
})

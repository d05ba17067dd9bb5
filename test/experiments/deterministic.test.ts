/**
 * An experiment that declares itself deterministic runs each point once whatever --replicates says:
 * that is only right while the seed changes nothing it measures. For each, the first quick point on
 * every system it compares gives the same metrics under two seeds.
 */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {expandPoints} from '../../src/experiments/points.js'
import {listExperiments} from '../../src/experiments/registry.js'

const profile = loadProfile()
const deterministic = listExperiments().filter((e) => e.deterministic)

describe('deterministic experiments', () => {
  it('are the microbenchmarks, each saying why', () => {
    expect(deterministic.map((e) => e.id).sort()).toEqual(
      ['coordination', 'copy-overhead', 'flexsc-batching', 'syscall-overhead'].sort(),
    )
    for (const e of deterministic) expect(e.deterministic!.length).toBeGreaterThan(20)
  })

  it.each(deterministic.map((e) => [e.id, e] as const))('%s: the seed changes nothing it measures', (_, def) => {
    const point = expandPoints(def.axes, true)[0]
    for (const system of def.systems) {
      const at = (seed: number) => def.run(point, system, {seed, quick: true, profile}).metrics
      expect(at(2), system).toEqual(at(1))
    }
  })
})

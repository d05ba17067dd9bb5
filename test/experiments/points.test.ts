import {describe, expect, it} from 'vitest'
import {InvariantError} from '../../src/errors.js'
import {expandPoints, pointKey, pointSeed, powersOf} from '../../src/experiments/points.js'
import type {AxisDef} from '../../src/experiments/types.js'

const axes: AxisDef[] = [
  {name: 'threads', quick: [1, 2], full: [1, 2, 4, 8]},
  {name: 'mode', quick: ['read', 'write', 'mixed'], full: ['read']},
]

describe('expandPoints', () => {
  it('is the cartesian product, first axis outermost', () => {
    expect(expandPoints(axes, true)).toEqual([
      {threads: 1, mode: 'read'},
      {threads: 1, mode: 'write'},
      {threads: 1, mode: 'mixed'},
      {threads: 2, mode: 'read'},
      {threads: 2, mode: 'write'},
      {threads: 2, mode: 'mixed'},
    ])
  })

  it('uses the full values without --quick', () => {
    expect(expandPoints(axes, false).map((p) => p.threads)).toEqual([1, 2, 4, 8])
  })

  it('gives one empty point when there are no axes', () => {
    expect(expandPoints([], true)).toEqual([{}])
  })

  it('rejects an axis with no values (an experiment bug)', () => {
    expect(() => expandPoints([{name: 'x', quick: [], full: [1]}], true)).toThrow(InvariantError)
  })
})

describe('pointSeed', () => {
  it('is a pure function of run seed, experiment and point', () => {
    expect(pointSeed(1, 'e', {a: 1, b: 'x'})).toBe(pointSeed(1, 'e', {a: 1, b: 'x'}))
  })

  it('differs when any input differs', () => {
    const base = pointSeed(1, 'e', {a: 1})
    const others = [
      pointSeed(2, 'e', {a: 1}),
      pointSeed(1, 'f', {a: 1}),
      pointSeed(1, 'e', {a: 2}),
      pointSeed(1, 'e', {a: '1'}),
    ]
    for (const s of others) expect(s).not.toBe(base)
  })

  it('is a 32-bit unsigned integer', () => {
    for (let i = 0; i < 50; i++) {
      const s = pointSeed(i, 'exp', {n: i})
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true)
    }
  })

  it('spreads consecutive run seeds (no collisions over a small range)', () => {
    const seeds = new Set(Array.from({length: 1000}, (_, i) => pointSeed(i, 'exp', {n: 1})))
    expect(seeds.size).toBe(1000)
  })

  it('tells a number axis from a string axis in the key', () => {
    expect(pointKey({a: 1})).not.toBe(pointKey({a: '1'}))
  })
})

describe('powersOf', () => {
  it('steps from the first value by the factor up to the last, inclusive', () => {
    expect(powersOf(4, 64, 4096)).toEqual([64, 256, 1024, 4096])
    expect(powersOf(2, 1024, 3000)).toEqual([1024, 2048])
  })
})

/** An estimate's plausible range: two values of the key's kind around its value, with a reason. */
import {describe, expect, it} from 'vitest'
import {applySet, DEFAULT_PROFILE, loadProfile, readProfileJson, validateProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'

const base = () => structuredClone(readProfileJson(DEFAULT_PROFILE)) as {cpu: Record<string, Record<string, unknown>>}
const withRange = (range: unknown, rangeSource: unknown = 'x0.5-x2: nothing narrows it') => {
  const p = base()
  Object.assign(p.cpu.contextSwitch, {range}, rangeSource === null ? {} : {rangeSource})
  if (rangeSource === null) delete p.cpu.contextSwitch.rangeSource
  if (range === undefined) delete p.cpu.contextSwitch.range
  return p
}
const problems = (data: unknown) => {
  try {
    validateProfile(data, 'p.json')
    return ''
  } catch (e) {
    return (e as Error).message
  }
}

describe('range', () => {
  it('is accepted around the value, with its reason', () => {
    const v = base().cpu.contextSwitch.value as number
    expect(problems(withRange([v / 2, v * 2]))).toBe('')
    expect(problems(withRange([v, v]))).toBe('')
  })
  it.each([
    [
      'not holding the value',
      (v: number) => withRange([v * 2, v * 3]),
      /cpu.contextSwitch.range: expected low <= value/,
    ],
    ['without its reason', (v: number) => withRange([v / 2, v * 2], null), /rangeSource: expected why the range/],
    ['of one value', (_: number) => withRange([1]), /cpu.contextSwitch.range: expected \[low, high\]/],
    ['negative', (v: number) => withRange([-1, v]), /cpu.contextSwitch.range.0: expected/],
    [
      'a reason without a range',
      (_: number) => withRange(undefined, 'why'),
      /cpu.contextSwitch.range: expected \[low, high\] beside/,
    ],
  ])('is refused %s, one line naming the field', (_, make, message) => {
    const v = base().cpu.contextSwitch.value as number
    const text = problems(make(v))
    expect(text).toMatch(message)
    expect(text.split('\n')).toHaveLength(1)
  })
  it('goes with --set of another value (a what-if may lie outside it), stays with the same value', () => {
    const v = base().cpu.contextSwitch.value as number
    const ranged = withRange([v / 2, v * 2])
    const moved = applySet(ranged, `cpu.contextSwitch=${v * 10}`) as ReturnType<typeof base>
    expect(moved.cpu.contextSwitch.range).toBeUndefined()
    expect(moved.cpu.contextSwitch.rangeSource).toBeUndefined()
    expect(problems(moved)).toBe('')
    const same = applySet(ranged, `cpu.contextSwitch=${v}`) as ReturnType<typeof base>
    expect(same.cpu.contextSwitch.range).toEqual([v / 2, v * 2])
  })
})

describe('the live working set', () => {
  it('is refused at load, in one line, when its refill alone outlasts the measured recovery after a trap', () => {
    const bad = () => loadProfile({set: ['workload.liveL2Share=1']})
    expect(bad).toThrow(UsageError)
    expect(bad).toThrow(
      /with --set workload.liveL2Share=1: workload.live\*Share: indirect recovery .* expected a live working set/,
    )
    try {
      bad()
    } catch (e) {
      expect((e as Error).message.split('\n')).toHaveLength(1)
    }
    expect(loadProfile({set: ['workload.liveL2Share=0.8']}).params.workload.liveL2Share).toBe(0.8)
  })
})

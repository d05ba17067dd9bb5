/** The overrides column's text: canonical, so the same profile writes the same bytes. */
import {describe, expect, it} from 'vitest'
import {canonicalOverrides} from '../../src/config/provenance.js'

describe('canonicalOverrides', () => {
  it('is empty for no override', () => {
    expect(canonicalOverrides([])).toBe('')
  })
  it('sorts by key and keeps the last assignment of a key (the one in force)', () => {
    expect(canonicalOverrides(['cpu.wakeup=300', 'cache.l2Hit=12', 'cpu.wakeup=250'])).toBe(
      'cache.l2Hit=12;cpu.wakeup=250',
    )
    expect(canonicalOverrides(['b.x=1', 'a.y=2'])).toBe(canonicalOverrides(['a.y=2', 'b.x=1']))
  })
  it('trims and escapes a separator inside a value', () => {
    expect(canonicalOverrides([' cpu.wakeup.source = a;b\\c '])).toBe('cpu.wakeup.source=a\\;b\\\\c')
  })
})

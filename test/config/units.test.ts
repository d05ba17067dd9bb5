import {describe, expect, it} from 'vitest'
import {
  acceptsUnit,
  toBitsPerSecond,
  toBytes,
  toBytesPerCycle,
  toCanonical,
  toCycles,
  toHz,
  unitsOf,
} from '../../src/config/units.js'

const GHZ226 = 2.26e9

describe('time -> cycles (rounded to whole cycles)', () => {
  it('converts each time unit with the clock', () => {
    expect(toCycles(81, 'ns', GHZ226)).toBe(183) // 183.06
    expect(toCycles(119, 'ns', GHZ226)).toBe(269) // 268.94
    expect(toCycles(15, 'us', GHZ226)).toBe(33_900)
    expect(toCycles(8.7, 'ms', GHZ226)).toBe(19_662_000)
    expect(toCycles(1, 's', 2.3e9)).toBe(2_300_000_000)
    expect(toCycles(79, 'cycles', GHZ226)).toBe(79)
    expect(toCycles(10.6, 'cycles', GHZ226)).toBe(11)
  })
  it('rpm is one revolution', () => {
    // 60 s / 7200 = 8.333 ms; x 2.26 GHz = 18,833,333.3
    expect(toCycles(7200, 'rpm', GHZ226)).toBe(18_833_333)
    expect(toCanonical('period', 8.333, 'ms', 1e9)).toBe(8_333_000)
  })
  it('rejects a unit of another dimension', () => {
    expect(() => toCycles(1, 'bytes', GHZ226)).toThrow(/not a time unit/)
  })
})

describe('sizes, bandwidths, frequencies', () => {
  it('binary and decimal sizes', () => {
    expect(toBytes(32, 'KiB')).toBe(32_768)
    expect(toBytes(8, 'MiB')).toBe(8_388_608)
    expect(toBytes(12, 'GiB')).toBe(12_884_901_888)
    expect(toBytes(500, 'GB')).toBe(500_000_000_000)
    expect(toBytes(1.5, 'KB')).toBe(1500)
    expect(toBytes(64, 'bytes')).toBe(64)
  })
  it('bandwidth -> bytes per cycle (float)', () => {
    expect(toBytesPerCycle(9283, 'MB/s', GHZ226)).toBeCloseTo(9283e6 / 2.26e9, 12) // 4.1075
    expect(toBytesPerCycle(11.72, 'GB/s', GHZ226)).toBeCloseTo(5.18584, 5)
    expect(toBytesPerCycle(1, 'Gbit/s', 1e9)).toBe(0.125)
    expect(toBytesPerCycle(800, 'Mbit/s', 1e8)).toBe(1)
    expect(toBytesPerCycle(16, 'B/cycle', GHZ226)).toBe(16)
    expect(toBytesPerCycle(8e9, 'bit/s', 1e9)).toBe(1)
  })
  it('bandwidth -> bits per second', () => {
    expect(toBitsPerSecond(1, 'Gbit/s', GHZ226)).toBe(1e9)
    expect(toBitsPerSecond(125, 'MB/s', GHZ226)).toBe(1e9)
    expect(toBitsPerSecond(1, 'B/cycle', 1e9)).toBe(8e9)
  })
  it('frequencies -> Hz', () => {
    expect(toHz(2.26, 'GHz')).toBe(2.26e9)
    expect(toHz(2266.667, 'MHz')).toBeCloseTo(2.266667e9, 0)
    expect(toHz(100, 'Hz')).toBe(100)
  })
  it('dimensionless units pass through', () => {
    expect(toCanonical('ratio', 1.7, 'ratio', GHZ226)).toBe(1.7)
    expect(toCanonical('count', 32, 'count', GHZ226)).toBe(32)
    expect(toCanonical('ipc', 0.32, 'IPC', GHZ226)).toBe(0.32)
  })
})

describe('units per dimension', () => {
  it('a latency takes time units, not bytes', () => {
    expect(acceptsUnit('time', 'ns')).toBe(true)
    expect(acceptsUnit('time', 'cycles')).toBe(true)
    expect(acceptsUnit('time', 'bytes')).toBe(false)
    expect(acceptsUnit('period', 'rpm')).toBe(true)
    expect(acceptsUnit('time', 'rpm')).toBe(false)
  })
  it('lists every unit the brief requires', () => {
    const all = new Set(
      Object.values({
        t: unitsOf('time'),
        s: unitsOf('size'),
        b: unitsOf('bandwidth'),
        f: unitsOf('frequency'),
        c: unitsOf('count'),
        r: unitsOf('ratio'),
        i: unitsOf('ipc'),
        p: unitsOf('period'),
        l: unitsOf('lines'),
        e: unitsOf('entries'),
        n: unitsOf('instructions'),
      }).flat(),
    )
    for (const u of [
      'cycles',
      'ns',
      'us',
      'ms',
      's',
      'bytes',
      'KiB',
      'MiB',
      'GiB',
      'KB',
      'MB',
      'GB',
      'B/cycle',
      'MB/s',
      'GB/s',
      'Gbit/s',
      'Mbit/s',
      'bit/s',
      'count',
      'ratio',
      'IPC',
      'Hz',
      'MHz',
      'GHz',
      'rpm',
      'lines',
      'entries',
      'instructions',
    ]) {
      expect(all.has(u as never), u).toBe(true)
    }
  })
})

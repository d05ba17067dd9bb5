/**
 * Units of profile constants and their conversion to the model's canonical units (cycles, bytes,
 * bytes per cycle, Hz). This is the only place a unit is interpreted: the schema asks it which units
 * a dimension accepts, the resolver asks it to convert.
 */

/** What a constant measures; each dimension accepts a fixed set of units. */
export const DIMENSIONS = {
  /** A duration: converted to integer cycles of the core clock. */
  time: ['cycles', 'ns', 'us', 'ms', 's'],
  /** One revolution of a disk: a duration, or a rotation speed. */
  period: ['cycles', 'ns', 'us', 'ms', 's', 'rpm'],
  size: ['bytes', 'KiB', 'MiB', 'GiB', 'KB', 'MB', 'GB'],
  bandwidth: ['B/cycle', 'MB/s', 'GB/s', 'Gbit/s', 'Mbit/s', 'bit/s'],
  frequency: ['Hz', 'MHz', 'GHz'],
  count: ['count'],
  ratio: ['ratio'],
  ipc: ['IPC'],
  lines: ['lines'],
  entries: ['entries'],
  instructions: ['instructions'],
  flag: ['boolean'],
  /** One of the key's named choices (KeySpec.choices). */
  choice: ['choice'],
} as const satisfies Record<string, readonly string[]>

export type Dimension = keyof typeof DIMENSIONS
export type Unit = (typeof DIMENSIONS)[Dimension][number]

export const ALL_UNITS: readonly Unit[] = [...new Set(Object.values(DIMENSIONS).flat())] as Unit[]

const SECONDS: Record<string, number> = {ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1}
const BYTES: Record<string, number> = {bytes: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, KB: 1e3, MB: 1e6, GB: 1e9}
/** Bandwidth units measured per second, as bytes per second. */
const BYTES_PER_SECOND: Record<string, number> = {
  'MB/s': 1e6,
  'GB/s': 1e9,
  'Gbit/s': 1e9 / 8,
  'Mbit/s': 1e6 / 8,
  'bit/s': 1 / 8,
}
const HERTZ: Record<string, number> = {Hz: 1, MHz: 1e6, GHz: 1e9}

export function unitsOf(dimension: Dimension): readonly Unit[] {
  return DIMENSIONS[dimension]
}

export function acceptsUnit(dimension: Dimension, unit: string): unit is Unit {
  return (DIMENSIONS[dimension] as readonly string[]).includes(unit)
}

function unknownUnit(unit: string, what: string): Error {
  return new Error(`unit '${unit}' is not a ${what} unit`)
}

/** Frequency -> Hz. */
export function toHz(value: number, unit: string): number {
  const f = HERTZ[unit]
  if (f === undefined) throw unknownUnit(unit, 'frequency')
  return value * f
}

/** Duration (or, for `rpm`, one revolution) -> cycles, rounded to an integer: simulated time is whole cycles. */
export function toCycles(value: number, unit: string, clockHz: number): number {
  if (unit === 'cycles') return Math.round(value)
  if (unit === 'rpm') return Math.round((60 / value) * clockHz)
  const s = SECONDS[unit]
  if (s === undefined) throw unknownUnit(unit, 'time')
  return Math.round(value * s * clockHz)
}

/** Size -> bytes (whole bytes). */
export function toBytes(value: number, unit: string): number {
  const b = BYTES[unit]
  if (b === undefined) throw unknownUnit(unit, 'size')
  return Math.round(value * b)
}

/** Bandwidth -> bytes per cycle (a float: copy rates are fractional per cycle). */
export function toBytesPerCycle(value: number, unit: string, clockHz: number): number {
  if (unit === 'B/cycle') return value
  const bps = BYTES_PER_SECOND[unit]
  if (bps === undefined) throw unknownUnit(unit, 'bandwidth')
  return (value * bps) / clockHz
}

/** Bandwidth -> bits per second (a link's wire rate). */
export function toBitsPerSecond(value: number, unit: string, clockHz: number): number {
  if (unit === 'B/cycle') return value * 8 * clockHz
  const bps = BYTES_PER_SECOND[unit]
  if (bps === undefined) throw unknownUnit(unit, 'bandwidth')
  return value * bps * 8
}

/** A value in the canonical unit of its dimension: cycles, bytes, bytes/cycle, Hz, or itself. */
export function toCanonical(dimension: Dimension, value: number, unit: string, clockHz: number): number {
  switch (dimension) {
    case 'time':
    case 'period':
      return toCycles(value, unit, clockHz)
    case 'size':
      return toBytes(value, unit)
    case 'bandwidth':
      return toBytesPerCycle(value, unit, clockHz)
    case 'frequency':
      return toHz(value, unit)
    default:
      return value
  }
}

/** The flags of `bench sensitivity`, checked before anything runs (one line each, exit 2). */
import {UsageError} from '../errors.js'
import {commaList} from './options.js'
import type {LoadedProfile} from '../config/index.js'
import type {SensitivityMethod} from '../experiments/sensitivity-run.js'

export const METHODS = ['oat', 'morris'] as const

export function parseMethod(raw: string | undefined): SensitivityMethod {
  if (raw === undefined) return 'oat'
  if (!(METHODS as readonly string[]).includes(raw))
    throw new UsageError(`--method: unknown method '${raw}' (accepted: ${METHODS.join(', ')})`)
  return raw as SensitivityMethod
}

function intIn(flag: string, raw: string | undefined, fallback: number, lo: number, hi: number, what: string): number {
  if (raw === undefined) return fallback
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN
  if (!(Number.isSafeInteger(n) && n >= lo && n <= hi))
    throw new UsageError(`${flag}: '${raw}' is not valid (expected ${what} from ${lo} to ${hi})`)
  return n
}

export const parseTrajectories = (raw: string | undefined) =>
  intIn('--trajectories', raw, 4, 1, 1000, 'a number of Morris trajectories')

export function parseLevels(raw: string | undefined): number {
  const p = intIn('--levels', raw, 4, 2, 20, 'an even number of grid levels')
  if (p % 2 !== 0) throw new UsageError(`--levels: '${raw}' is odd (expected an even number of grid levels, e.g. 4)`)
  return p
}

/** --estimate keys: each must be an estimate of the profile. */
export function parseEstimates(raw: readonly string[] | undefined, profile: LoadedProfile): string[] | undefined {
  const keys = commaList(raw)
  if (!keys || keys.length === 0) return undefined
  const unknown = keys.filter((k) => !profile.estimates.includes(k))
  if (unknown.length > 0)
    throw new UsageError(
      `--estimate: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an estimate of profile ${profile.name} (\`config show\` marks them est)`,
    )
  return keys
}

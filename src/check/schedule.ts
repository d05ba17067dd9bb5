/**
 * Random fault schedules for deterministic simulation testing: everything a run does follows from
 * its seed, so a failing seed is a complete reproduction. A schedule crashes the storage or network
 * domain one to four times, each either at a random time or at a moment the workload reports (the
 * n-th fork, the n-th cross-domain poll, the n-th time a process's call pages are seen full), and
 * restarts it after a random delay.
 */
import {uniformInt} from 'pure-rand/distribution/uniformInt'
import {xoroshiro128plus} from 'pure-rand/generator/xoroshiro128plus'

export const TRIGGERS = ['time', 'fork', 'poll', 'full'] as const
export type Trigger = (typeof TRIGGERS)[number]
export type CheckDomain = 'storage' | 'network'

export interface FaultEvent {
  domain: CheckDomain
  trigger: Trigger
  /** trigger 'time': the crash time in µs; else the n-th occurrence (1-based). */
  at: number
  restartUs: number
}

export interface Schedule {
  seed: number
  /** VirtuOS call-page entries per process (small values make the pages fill up). */
  entriesPerProcess: number
  /** Simulated µs the workload issues new work. */
  horizonUs: number
  faults: FaultEvent[]
}

/** Horizon of every schedule: long enough for several crash/restart cycles, short enough for 1,000 runs. */
export const HORIZON_US = 20_000
/**
 * Restart delays are scaled down from the release's 3 s to 0.2-4 ms so a run sees several crashes
 * and restarts; the recovery logic under test does not depend on the delay's size.
 */
const RESTART_US: [number, number] = [200, 4_000]
const ENTRIES = [3, 6, 454] as const

export function makeSchedule(seed: number): Schedule {
  const rng = xoroshiro128plus(seed)
  const int = (lo: number, hi: number) => uniformInt(rng, lo, hi)
  const faults: FaultEvent[] = []
  const n = int(1, 4)
  for (let i = 0; i < n; i++) {
    const domain: CheckDomain = int(0, 1) === 0 ? 'storage' : 'network'
    const trigger = TRIGGERS[int(0, TRIGGERS.length - 1)]
    // domain-specific moments: forks and full pages happen around storage calls, polls span both
    const at = trigger === 'time' ? int(0, Math.floor(HORIZON_US * 0.8)) : int(1, trigger === 'poll' ? 40 : 8)
    faults.push({domain, trigger, at, restartUs: int(RESTART_US[0], RESTART_US[1])})
  }
  return {seed, entriesPerProcess: ENTRIES[int(0, ENTRIES.length - 1)], horizonUs: HORIZON_US, faults}
}

/** One line that says what the schedule does (printed with a violation). */
export function describeSchedule(s: Schedule): string {
  const faults = s.faults.map(
    (f) => `${f.domain}@${f.trigger === 'time' ? `${f.at}us` : `${f.trigger}#${f.at}`}+${f.restartUs}us`,
  )
  return `entries=${s.entriesPerProcess} horizon=${s.horizonUs}us faults=[${faults.join(', ')}]`
}

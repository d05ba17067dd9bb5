/**
 * A read-tracking view of a resolved profile: the same LoadedProfile, whose params record the path
 * of every value read through them (`hypervisor.pvGuestModeSwitch`, `syscalls.footprints.open.l2`).
 * A run is a deterministic function of the values it reads, so a profile that agrees with this
 * one at every recorded path makes the same run (the sensitivity analysis skips such variants).
 *
 * Exactness: every read of a value goes through the view (groups are views of their own, so a
 * copy `{...params}` keeps tracking its groups, and copying reads, hence records, each value it
 * copies). Reading the raw profile, its estimates or its override list
 * gives the run access to values outside params: those reads are recorded as the pseudo-paths
 * ALL_READ (everything may matter) and `@sets`.
 */
import type {LoadedProfile} from './load.js'

/** Recorded when a run reads the raw profile or its estimates: no value can be ruled out. */
export const ALL_READ = '*'
/** Recorded when a run reads its profile file's path (a profile chosen by path: ExperimentDef.profileFor). */
export const PATH_READ = '@path'
/** Recorded when a run reads the `--set` list (to carry it onto another profile). */
export const SETS_READ = '@sets'

/**
 * The view of `loaded` for one run; `log` collects what it reads. Its hash is marked as a view's,
 * so a result memoised by profile hash (fault-recovery) is computed afresh, through the view,
 * rather than taken from an untracked run of the same profile.
 */
export function trackedProfile(loaded: LoadedProfile, log: Set<string>): LoadedProfile {
  const view = {...loaded, params: track(loaded.params, '', log), hash: `${loaded.hash}+reads`}
  const outside = {profile: ALL_READ, estimates: ALL_READ, path: PATH_READ, sets: SETS_READ} as const
  for (const [key, mark] of Object.entries(outside)) {
    const value = loaded[key as keyof typeof outside]
    Object.defineProperty(view, key, {
      enumerable: true,
      get: () => {
        log.add(mark)
        return value
      },
    })
  }
  return view
}

/**
 * A copy of `target` whose values record their path on their first read, then become plain values
 * (so a hot loop pays once per value, not per read). Groups are copied the same way, once each, so
 * identity holds (`params.cpu === params.cpu`). A fresh copy per run: its log starts empty.
 */
function track<T extends object>(target: T, prefix: string, log: Set<string>): T {
  const copy = (Array.isArray(target) ? [] : {}) as Record<string, unknown>
  for (const [key, v] of Object.entries(target)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (v !== null && typeof v === 'object') {
      Object.defineProperty(copy, key, {enumerable: true, value: track(v as object, path, log)})
      continue
    }
    Object.defineProperty(copy, key, {
      enumerable: true,
      configurable: true,
      get() {
        log.add(path)
        Object.defineProperty(copy, key, {enumerable: true, value: v})
        return v
      },
    })
  }
  return copy as T
}

/** The value at a recorded path of a profile (params paths, or the pseudo-paths above). */
export function valueAt(loaded: LoadedProfile, path: string): unknown {
  if (path === ALL_READ) return loaded.profile
  if (path === PATH_READ) return loaded.path
  if (path === SETS_READ) return loaded.sets
  let cur: unknown = loaded.params
  for (const seg of path.split('.'))
    cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined
  return cur
}

/**
 * Whether two profiles agree at every path of `reads` and have the same keys (a read of a key a
 * profile lacks records nothing): a run that read only those makes the same numbers on both.
 */
export function agreeOn(a: LoadedProfile, b: LoadedProfile, reads: Iterable<string>): boolean {
  if (shapeOf(a.params) !== shapeOf(b.params)) return false
  for (const path of reads) {
    const [x, y] = [valueAt(a, path), valueAt(b, path)]
    if (Object.is(x, y)) continue
    if (typeof x !== 'object' || JSON.stringify(x) !== JSON.stringify(y)) return false
  }
  return true
}

/** The keys of a value's groups, recursively, in one text (values left out). */
function shapeOf(v: unknown): string {
  if (v === null || typeof v !== 'object') return ''
  const keys = Object.keys(v).sort()
  return `{${keys.map((k) => `${k}${shapeOf((v as Record<string, unknown>)[k])}`).join(',')}}`
}

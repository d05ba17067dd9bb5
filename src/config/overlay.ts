/**
 * Profile overlays: constants placed onto a base profile, then validated and resolved like a loaded
 * file. An experiment calibrated on another testbed (flexsc-batching on configs/flexsc-i7.json) runs
 * on that profile with the run's `--set` changes carried over: `carryOverrides`.
 */
import {UsageError} from '../errors.js'
import {constantAt, type LoadedProfile, loadedProfile, loadProfile, readProfileJson, validateProfile} from './load.js'
import {nearest} from './overrides.js'
import {allConstantPaths, isKeySpec, PROFILE_SPEC, type SpecNode} from './spec.js'

/** One constant to place on a profile: its path in the spec and the whole constant ({value, unit, source, ...}). */
export interface ConstantOverride {
  path: readonly string[]
  constant: unknown
}

/** The constants of `changed` that differ from those of `from` (compared as JSON), in spec order. */
export function changedConstants(from: unknown, changed: unknown): ConstantOverride[] {
  const out: ConstantOverride[] = []
  for (const {path} of allConstantPaths()) {
    const mine = constantAt(changed, path)
    if (JSON.stringify(mine) !== JSON.stringify(constantAt(from, path))) out.push({path, constant: mine})
  }
  return out
}

/**
 * A copy of `base` with every override's constant at its path (missing groups created, in order);
 * `base` is not changed. A path that names no constant of the spec is a UsageError naming the
 * nearest keys; the values are checked when the result is validated.
 */
export function applyOverlay(base: unknown, overrides: readonly ConstantOverride[], what: string): unknown {
  if (overrides.length === 0) return base
  for (const o of overrides) checkConstantPath(o.path, what)
  const data = structuredClone(base) as Record<string, unknown>
  for (const {path, constant} of overrides) {
    let group = data
    for (const seg of path.slice(0, -1)) group = (group[seg] ??= {}) as Record<string, unknown>
    group[path[path.length - 1]] = structuredClone(constant)
  }
  return data
}

function checkConstantPath(path: readonly string[], what: string): void {
  let node: SpecNode = PROFILE_SPEC
  for (let i = 0; i < path.length; i++) {
    const children = node as Record<string, SpecNode>
    if (isKeySpec(node) || !Object.hasOwn(children, path[i])) {
      const keys = isKeySpec(node) ? [] : Object.keys(children)
      const where = i === 0 ? 'at the top level' : `in '${path.slice(0, i).join('.')}'`
      const nearby = nearest(path[i], keys).join(', ')
      throw new UsageError(
        `${what}: unknown constant '${path.join('.')}': no key '${path[i]}' ${where} (nearby: ${nearby})`,
      )
    }
    node = children[path[i]]
  }
  if (!isKeySpec(node)) throw new UsageError(`${what}: '${path.join('.')}' is a group, not a constant`)
}

/** The profile file `file` with `overrides` placed on it, validated and resolved (named `label` in messages). */
export function overlayProfile(file: string, overrides: readonly ConstantOverride[], label: string): LoadedProfile {
  const data = applyOverlay(readProfileJson(file), overrides, label)
  return loadedProfile(validateProfile(data, label), file)
}

const carried = new Map<string, LoadedProfile>()

/**
 * The profile file `onto` with `run`'s `--set` assignments applied to it, in the run's order (the
 * assignments themselves, not a diff against the run's file re-read from disk: a file edited
 * mid-run cannot leak in). Read, validated and resolved once per process for each (onto, sets).
 */
export function carryOverrides(run: LoadedProfile, onto: string): LoadedProfile {
  const key = JSON.stringify([onto, run.sets])
  let loaded = carried.get(key)
  if (!loaded) {
    loaded = loadProfile({config: onto, set: [...run.sets]})
    carried.set(key, loaded)
  }
  return loaded
}

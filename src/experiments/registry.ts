/**
 * The list of experiments the CLI knows. Add an experiment by importing its definition and
 * appending it to EXPERIMENTS (order = the order of `bench list` and `bench paper`).
 */
import {UsageError} from '../errors.js'
import {selftest} from './selftest.js'
import {syscallOverhead} from './syscall-overhead.js'
import {copyOverhead} from './copy-overhead.js'
import {coordination} from './coordination.js'
import {faultRecovery, faultRecoveryTimeline} from './fault-recovery.js'
import {flexscBatching} from './flexsc-batching.js'
import {mtServer} from './mt-server.js'
import {mpServer} from './mp-server.js'
import {ttcpExperiment} from './ttcp.js'
import {oltp} from './oltp.js'
import {fileio} from './fileio.js'
import {apache} from './apache.js'
import {flexscApache} from './flexsc-apache.js'
import {flexscMysql} from './flexsc-mysql.js'
import {SYSTEM_IDS, type ExperimentDef, type SystemId} from './types.js'

const EXPERIMENTS: readonly ExperimentDef[] = [
  syscallOverhead,
  copyOverhead,
  coordination,
  faultRecovery,
  faultRecoveryTimeline,
  oltp,
  mtServer,
  mpServer,
  ttcpExperiment,
  flexscBatching,
  fileio,
  apache,
  flexscApache,
  flexscMysql,
]

/**
 * A tiny experiment for the runner's and CLI's own tests, registered only when this variable is
 * '1' so users never see it. An env var rather than a call, because worker threads and child
 * processes load the registry afresh and must see the same list.
 */
export const SELFTEST_ENV = 'VIRTUOS_SELFTEST'

export function listExperiments(): readonly ExperimentDef[] {
  return process.env[SELFTEST_ENV] === '1' ? [...EXPERIMENTS, selftest] : EXPERIMENTS
}

export function findExperiment(id: string): ExperimentDef | undefined {
  return listExperiments().find((e) => e.id === id)
}

/** The experiment with this id, or a UsageError naming the ids that exist. */
export function getExperiment(id: string): ExperimentDef {
  const def = findExperiment(id)
  if (!def) throw new UsageError(`unknown experiment '${id}' (accepted: ${acceptedIds()})`)
  return def
}

function acceptedIds(): string {
  const ids = listExperiments().map((e) => e.id)
  return ids.length > 0 ? ids.join(', ') : 'none registered yet'
}

/** Parses `--system` values (comma lists allowed) into known system ids, in canonical order. */
export function parseSystems(values: readonly string[]): SystemId[] {
  const wanted = new Set<string>()
  for (const v of values.flatMap((s) => s.split(','))) {
    const name = v.trim()
    if (!(SYSTEM_IDS as readonly string[]).includes(name)) {
      throw new UsageError(`--system: unknown system '${name}' (accepted: ${SYSTEM_IDS.join(', ')})`)
    }
    wanted.add(name)
  }
  return SYSTEM_IDS.filter((s) => wanted.has(s))
}

/** The systems to run for one experiment: all it compares, or the requested ones if it supports each. */
export function selectSystems(def: ExperimentDef, requested?: readonly SystemId[]): SystemId[] {
  if (!requested || requested.length === 0) return [...def.systems]
  for (const s of requested) {
    if (!def.systems.includes(s)) {
      throw new UsageError(
        `--system: experiment '${def.id}' does not compare '${s}' (it compares: ${def.systems.join(', ')})`,
      )
    }
  }
  return def.systems.filter((s) => requested.includes(s))
}

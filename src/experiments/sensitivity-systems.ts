/**
 * Which systems a sensitivity analysis runs of an experiment when `--system` does not say: those
 * its verdicts read (each clause names them) and those its headline reads (report/sensitivity.ts:
 * the subject, VirtuOS where it runs, against native). A system nothing reads
 * cannot change a verdict or the tornado chart, and the others are most of the CPU time (five
 * systems on the web servers, where the clauses read two).
 */
import type {ExperimentDef, SystemId} from './types.js'

/** The system a headline is about: VirtuOS, else the first the experiment compares with native. */
export function headlineSubject(systems: readonly SystemId[]): SystemId {
  if (systems.includes('virtuos')) return 'virtuos'
  return systems.find((s) => s !== 'native') ?? systems[0]
}

/** The subject, and native where the experiment runs it (the headline is a ratio to it). */
export function headlineSystems(def: ExperimentDef): SystemId[] {
  const subject = headlineSubject(def.systems)
  return def.systems.filter((s) => s === subject || s === 'native')
}

/** The experiment's systems its clauses or its headline read, in its own order. */
export function analysedSystems(def: ExperimentDef): SystemId[] {
  const read = new Set<SystemId>([...headlineSystems(def), ...(def.clauses ?? []).flatMap((c) => c.systems)])
  return def.systems.filter((s) => read.has(s))
}

/** The experiment narrowed to its analysed systems (the runner runs a definition's systems). */
export function narrowToAnalysed(def: ExperimentDef): ExperimentDef {
  const systems = analysedSystems(def)
  return systems.length === def.systems.length ? def : {...def, systems}
}

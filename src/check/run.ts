/**
 * One DST run: the mixed workload on a VirtuOS system under one seed's fault schedule, with the
 * service domains' invariants checked every INVARIANT_PERIOD_US while it runs, the whole system's at the end, plus the
 * sweep's own: every request answered exactly once (no call lost, none left in the VirtuOS request
 * ledger), every process finished, and a process whose domains never crashed saw no error at all;
 * a process that did see errors saw none before the first crash of a domain it uses.
 */
import {InvariantError} from '../errors.js'
import {virtuosOf, type VirtuosBackend} from '../kernel/virtuos/index.js'
import type {MachineParams} from '../machine/params.js'
import {buildBench} from '../workloads/common.js'
import {mixedWorkload, type MixedProcess} from './workload.js'
import {describeSchedule, makeSchedule, type CheckDomain, type Schedule, type Trigger} from './schedule.js'

export interface CheckResult {
  seed: number
  schedule: string
  /** Empty: the run passed. */
  violations: string[]
  /** Crashes that actually happened (a triggered fault whose moment never came does not crash). */
  crashes: number
  events: number
}

const INVARIANT_PERIOD_US = 250
const FULL_PROBE_US = 10
const RETRY_US = 200
/** After the horizon: time for the last restart (at most 4 ms) and the retries after it. */
const GRACE_US = 10_000

export function runCheck(seed: number, params: MachineParams): CheckResult {
  const schedule = makeSchedule(seed)
  const violations: string[] = []
  let crashes = 0
  let events = 0
  try {
    const r = runSchedule(schedule, params)
    violations.push(...r.violations)
    crashes = r.crashes
    events = r.events
  } catch (e) {
    // an invariant thrown inside the simulation (e.g. a request answered twice), or a model bug
    const err = e instanceof Error ? e : new Error(String(e))
    violations.push(`${err instanceof InvariantError ? 'invariant' : err.name}: ${err.message.split('\n')[0]}`)
  }
  return {seed, schedule: describeSchedule(schedule), violations, crashes, events}
}

function runSchedule(s: Schedule, params: MachineParams): {violations: string[]; crashes: number; events: number} {
  const us = (v: number) => Math.round((v * params.clockHz) / 1e6)
  const bench = buildBench(s.seed, params, 'virtuos', {
    clientHosts: 1,
    virtuos: {entriesPerProcess: s.entriesPerProcess},
  })
  const {sim, system} = bench
  const v = virtuosOf(system)
  const crashTimes: Record<CheckDomain, number[]> = {storage: [], network: []}
  const crash = (domain: CheckDomain, restartUs: number) => {
    if (v.domains[domain].up) crashTimes[domain].push(sim.now)
    v.crashDomain(domain, sim.now, us(restartUs))
  }
  for (const f of s.faults) if (f.trigger === 'time') sim.at(us(f.at), () => crash(f.domain, f.restartUs))
  const seen: Record<Exclude<Trigger, 'time'>, number> = {fork: 0, poll: 0, full: 0}
  const fire = (t: Exclude<Trigger, 'time'>, domainFilter?: CheckDomain) => {
    const n = ++seen[t]
    for (const f of s.faults) {
      if (f.trigger === t && f.at === n && (!domainFilter || f.domain === domainFilter)) crash(f.domain, f.restartUs)
    }
  }
  const end = us(s.horizonUs)
  const w = mixedWorkload({endCycles: end, retryCycles: us(RETRY_US), port: 7400}, (t) => fire(t))
  for (const p of w.programs) system.spawnProcess(p.program, p.name)
  for (const p of w.clientPrograms) system.clients.spawn(0, p.program, p.name)

  // "full": some process's call pages have no free entry when probed
  const probeFull = () => {
    for (const d of ['storage', 'network'] as const) {
      if (fullGroup(v, d)) fire('full', d)
    }
    if (sim.now < end) sim.at(sim.now + us(FULL_PROBE_US), probeFull)
  }
  if (s.faults.some((f) => f.trigger === 'full')) sim.at(us(FULL_PROBE_US), probeFull)
  // mid-run only the domains' checks: VProcess.check() also flags a single-threaded waiter whose
  // slot was queued while it still holds its kernel thread, a state that is legal until it dequeues
  const periodic = () => {
    for (const d of ['storage', 'network'] as const) v.domains[d].check(false)
    if (sim.now < end) sim.at(sim.now + us(INVARIANT_PERIOD_US), periodic)
  }
  sim.at(us(INVARIANT_PERIOD_US), periodic)

  const stats = sim.run({until: end + us(GRACE_US), maxEvents: 20_000_000})
  const violations: string[] = []
  if (!w.finished()) violations.push(`a workload did not finish by ${s.horizonUs + GRACE_US}us (hang)`)
  system.checkInvariants()
  if (v.ctx.ledger.outstanding !== 0) violations.push(`${v.ctx.ledger.outstanding} VirtuOS requests never answered`)
  for (const p of w.processes) violations.push(...processViolations(p, crashTimes))
  return {violations, crashes: crashTimes.storage.length + crashTimes.network.length, events: stats.events}
}

function fullGroup(v: VirtuosBackend, d: CheckDomain): boolean {
  for (const g of v.domains[d].groups.values()) if (!g.dead && g.pages.census().free === 0) return true
  return false
}

export function processViolations(p: MixedProcess, crashTimes: Record<CheckDomain, number[]>): string[] {
  const out: string[] = []
  const l = p.ledger
  if (l.outstanding !== 0) out.push(`${p.name}: ${l.outstanding} calls issued and never answered`)
  if (l.failed === 0) return out
  const firstCrash = Math.min(...p.uses.flatMap((d) => crashTimes[d]))
  if (!Number.isFinite(firstCrash)) {
    out.push(
      `${p.name}: ${l.failed} calls failed although ${p.uses.length === 0 ? 'it uses no service domain' : `no domain it uses (${p.uses.join(', ')}) crashed`}`,
    )
  } else if (l.failTimes[0] < firstCrash) {
    out.push(
      `${p.name}: a call failed at cycle ${l.failTimes[0]}, before the first crash of a domain it uses (cycle ${firstCrash})`,
    )
  }
  return out
}

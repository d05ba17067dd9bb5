/**
 * What every workload point needs: a fresh simulation + machine + system of one design, a bounded
 * run that ends with the model's invariants checked, and the counters experiments turn into
 * metrics (calls issued by name, VirtuOS event channels). Nothing here knows about experiments.
 */
import {InvariantError} from '../errors.js'
import {flexscOf, type FlexscParams} from '../kernel/flexsc/index.js'
import {virtuosOf, type VirtuosParams} from '../kernel/virtuos/index.js'
import {buildSystem, type System} from '../kernel/systems.js'
import type {KernelParams} from '../kernel/params.js'
import {Machine} from '../machine/machine.js'
import type {MachineParams} from '../machine/params.js'
import {type EngineStats, Simulation} from '../sim/index.js'

export interface Bench {
  sim: Simulation
  machine: Machine
  system: System
  params: MachineParams
}

export interface BenchOptions {
  /** VirtuOS parameter overrides (ignored by other designs). */
  virtuos?: Partial<VirtuosParams>
  /** FlexSC parameter overrides, e.g. the placement of syscall threads (ignored by other designs). */
  flexsc?: Partial<FlexscParams>
  kernel?: Partial<KernelParams>
  /** Client hosts across the link (default 0: microbenchmarks run on the server alone). */
  clientHosts?: number
}

/**
 * Told of each bench as it is built (one observer per process; null removes it): how a trace of one
 * point watches the simulation an experiment builds, without the experiment knowing. Only the
 * trace command sets it, around a run in its own thread.
 */
let benchObserver: ((bench: Bench) => void) | null = null

export function observeBenches(observer: ((bench: Bench) => void) | null): void {
  benchObserver = observer
}

/** The stream of the disk platter's angle at t=0 (one draw per run). */
export const DISK_PHASE_STREAM = 'disk-phase'

/**
 * A fresh simulated system of design `system` on the profile's machine, seeded with `seed`. The
 * disk has been spinning before the run: its angle at t=0 is uniform over one revolution.
 */
export function buildBench(seed: number, params: MachineParams, system: string, opts: BenchOptions = {}): Bench {
  const sim = new Simulation({seed, cyclesPerSecond: params.clockHz})
  const machine = new Machine(sim, params)
  machine.disk.setRotationalPhase(sim.rng(DISK_PHASE_STREAM).int(0, Math.ceil(params.disk.rotation) - 1))
  const built = buildSystem(sim, machine, params, {
    system,
    clientHosts: opts.clientHosts ?? 0,
    ...(opts.kernel ? {kernel: opts.kernel} : {}),
    ...(opts.virtuos ? {virtuos: opts.virtuos} : {}),
    ...(opts.flexsc ? {flexsc: opts.flexsc} : {}),
  })
  setTimerTicks(sim, built, params)
  const bench = {sim, machine, system: built, params}
  benchObserver?.(bench)
  return bench
}

/** The stream of one kernel's tick phase: `net-tick-phase:<domain>` or `net-tick-phase:client<i>`. */
export const tickPhaseStream = (kernel: string) => `net-tick-phase:${kernel}`

/** Every kernel (server domains, client hosts) ticks at kernel.tickHz, each at its own phase from its stream. */
function setTimerTicks(sim: Simulation, system: System, params: MachineParams): void {
  const tick = Math.max(1, Math.round(params.clockHz / params.kernel.tickHz))
  const kernels = [
    ...system.kernels.map((k) => ({name: k.domain, k})),
    ...system.clients.hosts.map((h, i) => ({name: `client${i}`, k: h.kernel})),
  ]
  for (const {name, k} of kernels) k.net.setTimerTick(tick, sim.rng(tickPhaseStream(name)).int(0, tick - 1))
}

/**
 * Where the experiments place FlexSC's syscall threads. FlexSC ran its servers (Apache, MySQL, BIND)
 * under FlexSC-Threads on every core of its testbed, and in multicore mode put the syscall threads
 * on a static list of cores woken by IPIs (Soares & Stumm, "FlexSC: Flexible System Call Scheduling
 * with Exception-Less System Calls", OSDI 2010, multicore execution): that is `remote-core`. The
 * paper does not say which cores served which on the servers' runs, and with the default
 * syscall-core list (the last core) every core's calls queue on one syscall core, which measures
 * that list, not the design (quick mt-server, 256 clients: 31.6k vs native 119.6k req/s).
 * So every experiment uses `same-core`: each core's syscall thread runs on that core while its
 * callers wait in flexsc_wait (FlexSC's single-core mode, replicated per core), no IPIs.
 */
export const EXPERIMENT_FLEXSC: Readonly<Partial<FlexscParams>> = {placement: 'same-core'}

/**
 * The FlexSC counters of a run as one metadata note ("flexsc same-core: 120 posts, 80 batches,
 * ..."), or undefined for other designs: the evidence that the call mix went through syscall pages.
 */
export function flexscNote(system: System): string | undefined {
  if (system.name !== 'flexsc') return undefined
  const b = flexscOf(system)
  const s = b.stats
  return (
    `flexsc ${b.env.fp.placement}: ${s.posts} posts, ${s.batches} batches, ${s.served} served, ${s.waits} waits, ` +
    `${s.ipis} IPIs, ${s.handoffs} handoffs, ${s.exhaustions} exhaustions`
  )
}

/** flexscNote as a list (empty for other designs), to spread into a point's notes. */
export function flexscNotes(system: System): string[] {
  const note = flexscNote(system)
  return note ? [note] : []
}

/** A run that never ends is a model bug, not a slow point: stop well past any sane point. */
const DEFAULT_MAX_EVENTS = 50_000_000

/**
 * Runs the simulation to quiescence (or `until`), then checks the system's invariants. `finished`
 * says whether the workload completed; a run that stopped before that is a model bug (deadlock or
 * runaway) and throws.
 */
export function runBench(
  b: Bench,
  finished: () => boolean,
  opts: {until?: number; maxEvents?: number} = {},
): EngineStats {
  const maxEvents = opts.maxEvents ?? DEFAULT_MAX_EVENTS
  const engine = b.sim.run({until: opts.until, maxEvents})
  if (!finished()) {
    const why = engine.events >= maxEvents ? `hit the ${maxEvents}-event cap` : 'ran out of events (deadlock?)'
    throw new InvariantError(`${b.system.name}: the workload did not finish: the run ${why} at cycle ${b.sim.now}`)
  }
  b.system.checkInvariants()
  return engine
}

export function cyclesToNs(cycles: number, clockHz: number): number {
  return (cycles * 1e9) / clockHz
}

export function cyclesToSeconds(cycles: number, clockHz: number): number {
  return cycles / clockHz
}

/** Calls issued per `domain:name` over every kernel of the system (the workload's call mix). */
export function callMix(system: System): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of system.callCounts()) if (c.issued > 0) out[`${c.domain}:${c.name}`] = c.issued
  return out
}

/**
 * Event channels VirtuOS sent so far: wake events (primary to service domain, when a worker group
 * had gone to sleep) plus ready-queue notifications (service domain to primary, when a kernel
 * thread slept in rqueue_wait). 0 for designs without them.
 */
export function eventChannelsSent(system: System): number {
  if (system.name !== 'virtuos') return 0
  const s = virtuosOf(system).stats
  return s.wakeEvents + s.readyNotifications
}

/**
 * A tiny experiment for the runner's and the CLI's own tests (registered only when
 * VIRTUOS_SELFTEST=1, see registry.ts): closed-loop clients of one FIFO server, built directly on
 * the engine. It reproduces nothing; it gives the tests real engine runs, a numeric and a string
 * axis, two systems and both metric directions, in a few milliseconds.
 */
import {uniformInt} from 'pure-rand/distribution/uniformInt'
import {xoroshiro128plus} from 'pure-rand/generator/xoroshiro128plus'
import {InvariantError} from '../errors.js'
import {Simulation} from '../sim/index.js'
import {betterThanNative} from './claims.js'
import type {ExperimentDef, Point, PointResult, RunContext, SystemId} from './types.js'

/** Service time range in cycles, per request size: "virtuos" serves faster but pays a hand-off. */
const SERVICE: Record<string, [number, number]> = {small: [1_000, 3_000], large: [8_000, 12_000]}
const HANDOFF = 400
const THINK: [number, number] = [500, 5_000]

export const selftest: ExperimentDef = {
  id: 'selftest',
  title: 'Self-test: closed-loop clients of one FIFO server',
  reproduces: 'nothing (exercises the runner and the CLI)',
  clauses: [
    betterThanNative({
      text: 'virtuos serves more requests per second than native for some client count',
      system: 'virtuos',
      metric: 'throughput',
      margin: 0,
    }),
  ],
  axes: [
    {name: 'clients', quick: [1, 4], full: [1, 2, 4, 8], unit: 'threads'},
    {name: 'request', quick: ['small'], full: ['small', 'large']},
  ],
  systems: ['native', 'virtuos'],
  metrics: [
    {name: 'throughput', unit: 'requests/s', better: 'higher'},
    {name: 'latency', unit: 'cycles', better: 'lower'},
  ],
  run: runPoint,
}

function runPoint(point: Point, system: SystemId, ctx: RunContext): PointResult {
  const clients = Number(point.clients)
  if (!Number.isInteger(clients) || clients < 1)
    throw new InvariantError(`selftest: clients must be a positive integer, got ${point.clients}`)
  const [lo, hi] = SERVICE[String(point.request)] ?? SERVICE.small
  const perClient = ctx.quick ? 200 : 1_000
  const clock = ctx.profile.params.clockHz
  const sim = new Simulation({seed: ctx.seed, cyclesPerSecond: clock})
  const rng = xoroshiro128plus(ctx.seed)
  const draw = ([a, b]: [number, number]) => uniformInt(rng, a, b)
  const scale = system === 'virtuos' ? 0.6 : 1
  const handoff = system === 'virtuos' ? HANDOFF : 0

  const queue: {client: number; issued: number}[] = []
  let busy = false
  let done = 0
  let latencySum = 0
  const left = new Array<number>(clients).fill(perClient)

  const issue = (client: number) => {
    sim.at(sim.now + draw(THINK) + handoff, () => {
      queue.push({client, issued: sim.now - handoff})
      if (!busy) serveNext()
    })
  }
  const serveNext = () => {
    const req = queue.shift()
    if (!req) return void (busy = false)
    busy = true
    sim.at(sim.now + Math.round(draw([lo, hi]) * scale), () => {
      done++
      latencySum += sim.now + handoff - req.issued
      if (--left[req.client] > 0) issue(req.client)
      serveNext()
    })
  }
  for (let c = 0; c < clients; c++) issue(c)
  const engine = sim.run()
  const end = sim.now + handoff
  return {metrics: {throughput: done / (end / clock), latency: latencySum / done}, engine}
}

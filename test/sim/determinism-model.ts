/**
 * A small but non-trivial random model for the determinism test: clients hold random times and
 * hand jobs to workers parked on Wakeups with timeouts, a watchdog ticks until the last client
 * wakes it and then marks the workers dead. Returns the sha256 of its event trace (plus a few model outputs).
 * Run as a script (`node --import tsx determinism-model.ts <seed>`) it prints that hash.
 */
import {createHash} from 'node:crypto'
import {pathToFileURL} from 'node:url'
import {quantile, Simulation, spawn, TIMED_OUT, Wakeup, type ThreadBody} from '../../src/sim/index.js'

export function traceHash(seed: number): string {
  const hash = createHash('sha256')
  const sim = new Simulation({
    seed,
    cyclesPerSecond: 1e9,
    trace: (t, p, s, label) => hash.update(`${t},${p},${s},${label};`),
  })
  const idle: Wakeup<number>[] = []
  const ends: Wakeup<void>[] = []
  const lat: number[] = []
  let finished = 0
  let shutdown = false

  function* client(id: number): ThreadBody<void> {
    const rng = sim.rng(`client-${id}`)
    for (let i = 0; i < 40; i++) {
      yield rng.int(1, 300)
      const t0 = sim.now
      yield Math.round(rng.exponential(50))
      idle.shift()?.fire(id * 1000 + i)
      lat.push(sim.now - t0)
    }
    if (++finished === 6) ends.at(-1)?.fire()
  }

  function* worker(id: number): ThreadBody<void> {
    const rng = sim.rng(`worker-${id}`)
    for (;;) {
      const wake = new Wakeup<number>(sim)
      idle.push(wake)
      const job = yield* wake.wait(rng.int(50, 500))
      if (job === TIMED_OUT) {
        idle.splice(idle.indexOf(wake), 1)
        sim.at(sim.now + rng.int(1, 10), () => {}, rng.int(-3, 3), `idle-${id}`)
      } else yield rng.int(10, 100)
    }
  }

  for (let i = 0; i < 6; i++) spawn(sim, client(i), `client-${i}`)
  for (let i = 0; i < 3; i++) spawn(sim, worker(i), `worker-${i}`, () => shutdown)
  spawn(
    sim,
    (function* () {
      const watch = sim.rng('watchdog')
      for (;;) {
        // a Wakeup is one-shot: a fresh one per round, fired when the last client ends
        const round = new Wakeup<void>(sim)
        ends.push(round)
        if ((yield* round.wait(watch.int(500, 2000))) !== TIMED_OUT) break
        sim.at(sim.now, () => {}, 1, 'tick')
      }
      shutdown = true
    })(),
    'watchdog',
  )
  // bounded: a model bug must fail the test, not hang it
  sim.run({until: 10_000_000})
  if (!shutdown) throw new Error('determinism model did not finish')
  hash.update(`now=${sim.now};p50=${quantile(lat, 0.5)};p99=${quantile(lat, 0.99)};events=${sim.stats().events}`)
  return hash.digest('hex')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(traceHash(Number(process.argv[2] ?? 1)) + '\n')
}

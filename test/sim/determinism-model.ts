/**
 * A small but non-trivial random model for the determinism test: clients contend for a mutex and
 * a semaphore, a dispatcher hands work through a wait queue with timeouts, a watchdog interrupts
 * and a signal ends the run. Returns the sha256 of its event trace (plus a few model outputs).
 * Run as a script (`node --import tsx determinism-model.ts <seed>`) it prints that hash.
 */
import {createHash} from 'node:crypto'
import {pathToFileURL} from 'node:url'
import {anyOf, Histogram, Interrupt, Mutex, Semaphore, Signal, Simulation, TIMEOUT, WaitQueue, type Command} from '../../src/sim/index.js'

export function traceHash(seed: number): string {
  const hash = createHash('sha256')
  const sim = new Simulation({seed, cyclesPerSecond: 1e9, trace: (t, p, s, label) => hash.update(`${t},${p},${s},${label};`)})
  const lock = new Mutex(sim)
  const slots = new Semaphore(sim, 2)
  const work = new WaitQueue<number>(sim)
  const end = new Signal<void>(sim)
  const lat = new Histogram()

  function* client(id: number): Generator<Command, number, unknown> {
    const rng = sim.rng(`client-${id}`)
    let served = 0
    for (let i = 0; i < 40; i++) {
      yield rng.int(1, 300)
      const t0 = sim.now
      const need = rng.int(1, 2)
      yield* slots.acquire(need)
      yield* lock.lock()
      yield Math.round(rng.exponential(50))
      lock.unlock()
      slots.release(need)
      if (work.notifyOne(id * 1000 + i)) served++
      lat.record(sim.now - t0)
    }
    return served
  }

  function* worker(id: number): Generator<Command, void, unknown> {
    const rng = sim.rng(`worker-${id}`)
    try {
      for (;;) {
        const job = yield* work.wait(rng.int(50, 500))
        if (job === TIMEOUT) sim.at(sim.now + rng.int(1, 10), () => {}, rng.int(-3, 3), `idle-${id}`)
        else yield rng.int(10, 100)
      }
    } catch (e) {
      if (!(e instanceof Interrupt)) throw e
    }
  }

  const clients = Array.from({length: 6}, (_, i) => sim.spawn(client(i), `client-${i}`))
  const workers = Array.from({length: 3}, (_, i) => sim.spawn(worker(i), `worker-${i}`))
  sim.spawn((function* () {
    let done = 0
    for (const c of clients) done += yield* c.join()
    end.fire()
    hash.update(`served=${done}`)
  })(), 'collector')
  sim.spawn((function* () {
    const watch = sim.rng('watchdog')
    while ((yield* anyOf(sim, [end], watch.int(500, 2000))) === TIMEOUT) sim.at(sim.now, () => {}, 1, 'tick')
    for (const w of workers) w.interrupt('shutdown')
  })(), 'watchdog')
  // bounded: a model bug must fail the test, not hang it
  sim.run({until: 10_000_000})
  if (!end.fired) throw new Error('determinism model did not finish')
  hash.update(`now=${sim.now};p50=${lat.p50};p99=${lat.p99};events=${sim.stats().events}`)
  return hash.digest('hex')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(traceHash(Number(process.argv[2] ?? 1)) + '\n')
}

import {describe, expect, it} from 'vitest'
import {Wakeup} from '../../src/kernel/engine.js'
import {Kernel} from '../../src/kernel/kernel.js'
import {Act} from '../../src/kernel/ledger.js'
import {nsToCycles} from '../../src/kernel/params.js'
import {Machine} from '../../src/machine/machine.js'
import {e5520Params} from '../machine/fixture.js'
import {spawn} from '../../src/kernel/engine.js'
import {KernelTestHost} from './host.js'

function oneCpuKernel(timesliceNs = 50_000) {
  const params = {...e5520Params(), cores: 1}
  const host = new KernelTestHost()
  const machine = new Machine(host, params)
  const slice = nsToCycles(timesliceNs, params.clockHz)
  const kernel = new Kernel({sim: host, params, machine, domain: 'native', cpus: [0], kernel: {timeslice: slice}})
  return {host, params, kernel, slice}
}

describe('Scheduler', () => {
  it('numbers address spaces per run, not per worker: two runs give their processes the same ids', () => {
    const ids = () => {
      const {kernel} = oneCpuKernel()
      return [kernel.createProcess(0).asid, kernel.createProcess(0).asid, kernel.newAddressSpace()]
    }
    const first = ids()
    expect(new Set(first).size).toBe(3)
    expect(ids()).toEqual(first)
  })

  it('tells its observer of every stretch of CPU time, and its Kernel of every exit, through declared hooks', () => {
    const {host, kernel, slice} = oneCpuKernel()
    const t = kernel.createThread(kernel.createProcess(0), 'user', 't')
    const seen: number[] = []
    kernel.sched.observeSpend((thread, cycles) => {
      expect(thread).toBe(t)
      expect(thread.cpu).toBe(0)
      seen.push(cycles)
    })
    spawn(
      host,
      (function* () {
        yield* kernel.sched.compute(t, 1.5 * slice, Act.user)
        kernel.sched.exit(t)
      })(),
      't',
    )
    host.run()
    // the first stretch is the switch onto the core, then the work in timeslice-sized chunks
    expect(seen.reduce((a, b) => a + b, 0)).toBe(t.runCycles)
    expect(seen.length).toBeGreaterThanOrEqual(3)
    // the Kernel registered the one exit hook; a second registration is refused
    expect(() => kernel.sched.setExitHook(() => {})).toThrow(/exit hook set twice/)
  })

  it('timeslices two threads on one CPU, charging a switch (and address-space switch) each time', () => {
    const {host, params, kernel, slice} = oneCpuKernel()
    const a = kernel.createThread(kernel.createProcess(0), 'user', 'a')
    const b = kernel.createThread(kernel.createProcess(0), 'user', 'b')
    const log: string[] = []
    const work = 2.5 * slice
    for (const t of [a, b]) {
      spawn(
        host,
        (function* () {
          yield* kernel.sched.compute(t, work, Act.user)
          log.push(`${t.name} done at ${host.now}`)
          kernel.sched.exit(t)
        })(),
        t.name,
      )
    }
    host.run()
    const s = kernel.sched
    expect(s.preemptions).toBeGreaterThanOrEqual(3)
    expect(a.switchesIn).toBeGreaterThanOrEqual(2)
    expect(b.switchesIn).toBeGreaterThanOrEqual(2)
    // one CPU, never idle: the run lasts exactly the work plus every switch
    const switchCost = params.cpu.contextSwitch + params.cpu.addressSpaceSwitch
    const firstSwitch = params.cpu.contextSwitch // onto a core with no address space loaded yet
    expect(host.now).toBe(2 * work + firstSwitch + (s.contextSwitches - 1) * switchCost)
    expect(s.busyCycles(0)).toBe(host.now)
    // interleaved: a finishes first, but only after b has run
    expect(log[0]).toMatch(/^a done/)
    expect(b.runCycles).toBeGreaterThan(0)
  })

  it('a blocked thread gives its CPU to the next; the waker pays nothing extra here and the woken waits for a CPU', () => {
    const {host, params, kernel} = oneCpuKernel()
    const proc = kernel.createProcess(0)
    const a = kernel.createThread(proc, 'user', 'a')
    const b = kernel.createThread(proc, 'user', 'b')
    const wake = new Wakeup<string>(host)
    const events: [string, number][] = []
    spawn(
      host,
      (function* () {
        yield* kernel.sched.compute(a, 1000, Act.user)
        events.push(['a blocks', host.now])
        const v = yield* kernel.sched.block(a, wake.wait())
        events.push([`a woke with ${String(v)}`, host.now])
        kernel.sched.exit(a)
      })(),
      'a',
    )
    spawn(
      host,
      (function* () {
        yield* kernel.sched.compute(b, 500, Act.user)
        events.push(['b runs', host.now])
        wake.fire('hello')
        yield* kernel.sched.compute(b, 2000, Act.user)
        events.push(['b done', host.now])
        kernel.sched.exit(b)
      })(),
      'b',
    )
    host.run()
    const cs = params.cpu.contextSwitch // same address space: no CR3 switch
    expect(events).toEqual([
      ['a blocks', cs + 1000],
      ['b runs', cs + 1000 + cs + 500],
      ['b done', cs + 1000 + cs + 500 + 2000],
      ['a woke with hello', cs + 1000 + cs + 500 + 2000 + cs],
    ])
    expect(kernel.sched.addressSpaceSwitches).toBe(0)
  })

  it('sched_yield goes to the back of the run queue only when someone waits', () => {
    const {host, kernel} = oneCpuKernel()
    const proc = kernel.createProcess(0)
    const a = kernel.createThread(proc, 'user', 'a')
    const b = kernel.createThread(proc, 'user', 'b')
    const order: string[] = []
    spawn(
      host,
      (function* () {
        yield* kernel.sched.compute(a, 100, Act.user)
        yield* kernel.sched.yield(a)
        order.push('a after yield')
        kernel.sched.exit(a)
      })(),
      'a',
    )
    let switchesBefore = 0
    let yieldTook = -1
    spawn(
      host,
      (function* () {
        yield* kernel.sched.compute(b, 100, Act.user)
        order.push('b ran')
        yield* kernel.sched.yield(b) // a waits: a runs first
        order.push('b after yield')
        switchesBefore = b.switchesIn
        const t0 = host.now
        yield* kernel.sched.yield(b) // nobody waits: keeps the CPU
        yieldTook = host.now - t0
        kernel.sched.exit(b)
      })(),
      'b',
    )
    host.run()
    expect(order).toEqual(['b ran', 'a after yield', 'b after yield'])
    expect(b.switchesIn).toBe(switchesBefore)
    expect(yieldTook).toBe(0)
  })

  it('interrupt work stolen from a core delays the thread running there', () => {
    const {host, params, kernel} = oneCpuKernel()
    const a = kernel.createThread(kernel.createProcess(0), 'user', 'a')
    let end = 0
    spawn(
      host,
      (function* () {
        yield* kernel.sched.compute(a, 1000, Act.user)
        kernel.sched.steal(0, 5000, Act.interrupt)
        yield* kernel.sched.compute(a, 1000, Act.user)
        end = host.now
        kernel.sched.exit(a)
      })(),
      'a',
    )
    host.run()
    expect(end).toBe(params.cpu.contextSwitch + 1000 + 5000 + 1000)
  })

  it('charges every busy cycle to the activity its spender names, a bill split by its parts (timing unchanged)', () => {
    const {host, params, kernel} = oneCpuKernel()
    const a = kernel.createThread(kernel.createProcess(0), 'user', 'a')
    let end = 0
    spawn(
      host,
      (function* () {
        yield* kernel.sched.compute(a, 1000, Act.user)
        kernel.sched.stealBill(0, kernel.sched.irqBill().add(Act.eventChannel, 300).add(Act.kernel, 200.4))
        yield* kernel.sched.computeBill(a, a.bill().add(Act.trap, 100.4).add(Act.grant, 50.4))
        end = host.now
        kernel.sched.exit(a)
      })(),
      'a',
    )
    host.run()
    expect(end).toBe(params.cpu.contextSwitch + 1000 + 500 + 151)
    const tally = kernel.sched.activityCycles(0)
    expect([tally[Act.switch], tally[Act.user], tally[Act.eventChannel], tally[Act.kernel]]).toEqual([
      params.cpu.contextSwitch,
      1000,
      300,
      200,
    ])
    expect([tally[Act.trap], tally[Act.grant]]).toEqual([100, 51])
    expect(tally.reduce((x, y) => x + y, 0)).toBe(kernel.sched.busyCycles(0))
  })

  it('interrupt work on an idle core takes its time then: a thread that runs there later is not charged it', () => {
    const {host, params, kernel} = oneCpuKernel()
    const a = kernel.createThread(kernel.createProcess(0), 'user', 'a')
    let end = 0
    // the core is idle at cycle 0: the interrupt is over long before the thread comes
    expect(kernel.sched.steal(0, 5000, Act.interrupt)).toBe(5000)
    host.at(20_000, () =>
      spawn(
        host,
        (function* () {
          yield* kernel.sched.compute(a, 1000, Act.user)
          end = host.now
          kernel.sched.exit(a)
        })(),
        'a',
      ),
    )
    host.run()
    expect(end).toBe(20_000 + params.cpu.contextSwitch + 1000)
    expect(a.runCycles).toBe(params.cpu.contextSwitch + 1000)
    // the core's busy time holds both, and says which part was interrupt work
    expect(kernel.sched.busyCycles(0)).toBe(5000 + params.cpu.contextSwitch + 1000)
    expect(kernel.sched.irqCycles(0)).toBe(5000)
  })

  it('a thread that gets a core while interrupt work is queued there waits until it is done', () => {
    const {host, params, kernel} = oneCpuKernel()
    const a = kernel.createThread(kernel.createProcess(0), 'user', 'a')
    let end = 0
    kernel.sched.steal(0, 5000, Act.interrupt)
    host.at(2000, () =>
      spawn(
        host,
        (function* () {
          yield* kernel.sched.compute(a, 1000, Act.user)
          end = host.now
          kernel.sched.exit(a)
        })(),
        'a',
      ),
    )
    host.run()
    expect(end).toBe(5000 + params.cpu.contextSwitch + 1000)
    expect(a.runCycles).toBe(params.cpu.contextSwitch + 1000)
  })

  it('interrupt work on a busy core delays its thread even when the thread blocks before computing again', () => {
    const {host, params, kernel} = oneCpuKernel()
    const a = kernel.createThread(kernel.createProcess(0), 'user', 'a')
    let end = 0
    const ready = new Wakeup<true>(host)
    ready.fire(true) // the thread blocks on something that is already there
    // lands during the thread's compute, after its switch onto the core
    host.at(params.cpu.contextSwitch + 500, () => kernel.sched.steal(0, 5000, Act.interrupt))
    spawn(
      host,
      (function* () {
        yield* kernel.sched.compute(a, 1000, Act.user)
        yield* kernel.sched.block(a, ready.wait())
        end = host.now
        kernel.sched.exit(a)
      })(),
      'a',
    )
    host.run()
    expect(end).toBe(params.cpu.contextSwitch + 1000 + 5000)
  })

  it("interrupt work queues on its core: a second piece starts when the first is done, on another core it doesn't wait", () => {
    const params = {...e5520Params(), cores: 2}
    const host = new KernelTestHost()
    const machine = new Machine(host, params)
    const kernel = new Kernel({sim: host, params, machine, domain: 'native', cpus: [0, 1]})
    expect(kernel.sched.steal(0, 3000, Act.interrupt)).toBe(3000)
    expect(kernel.sched.steal(0, 2000, Act.interrupt)).toBe(5000)
    expect(kernel.sched.irqBacklog(0)).toBe(5000)
    expect(kernel.sched.steal(1, 2000, Act.interrupt)).toBe(2000)
    let left = -1
    host.at(4000, () => (left = kernel.sched.irqBacklog(0)))
    host.run()
    expect(left).toBe(1000)
  })
})

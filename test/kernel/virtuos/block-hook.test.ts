/** Scheduler.setBlockHook, the port VirtuOS's service domains use to notice a worker blocking in a call. */
import {describe, expect, it} from 'vitest'
import {spawn, Wakeup} from '../../../src/kernel/engine.js'
import {Kernel} from '../../../src/kernel/kernel.js'
import {Act} from '../../../src/kernel/ledger.js'
import type {KThread} from '../../../src/kernel/process.js'
import type {Gen} from '../../../src/kernel/types.js'
import {virtuosOf} from '../../../src/kernel/virtuos/index.js'
import {buildSystem} from '../../../src/kernel/systems.js'
import {Machine} from '../../../src/machine/machine.js'
import {e5520Params} from '../../machine/fixture.js'
import {KernelTestHost} from '../host.js'

function kernel() {
  const params = {...e5520Params(), cores: 1}
  const host = new KernelTestHost()
  return {host, k: new Kernel({sim: host, params, machine: new Machine(host, params), domain: 'native', cpus: [0]})}
}

describe('Scheduler block hook', () => {
  it('runs before the wait while the thread holds its CPU, and its resume after the wait once it has one again', () => {
    const {host, k} = kernel()
    const log: string[] = []
    k.sched.setBlockHook({
      *beforeBlock(t: KThread): Gen<(() => void) | null> {
        log.push(`before cpu=${t.cpu} at ${host.now}`)
        yield* k.sched.compute(t, 10, Act.user) // the hook may work on the blocking thread's CPU
        return () => log.push(`resumed cpu=${t.cpu} at ${host.now}`)
      },
    })
    const t = k.createThread(k.createProcess(0), 'user', 't')
    const w = new Wakeup<true>(host)
    spawn(
      host,
      (function* () {
        yield* k.sched.compute(t, 100, Act.user)
        const start = host.now
        yield* k.sched.block(
          t,
          (function* () {
            log.push(`waiting cpu=${t.cpu} at ${host.now - start}`)
            yield* w.wait()
          })(),
        )
        k.sched.exit(t)
      })(),
      't',
    )
    host.at(5000, () => w.fire(true))
    host.run()
    expect(log[0]).toMatch(/^before cpu=0 /)
    expect(log[1]).toBe('waiting cpu=null at 10')
    expect(log[2]).toMatch(/^resumed cpu=0 at 5\d\d\d$/)
    expect(log).toHaveLength(3)
  })

  it('a hook returning null is told nothing after the wait; a second registration is refused', () => {
    const {host, k} = kernel()
    let before = 0
    k.sched.setBlockHook({
      *beforeBlock(): Gen<(() => void) | null> {
        before++
        return null
      },
    })
    expect(() =>
      k.sched.setBlockHook({
        *beforeBlock() {
          return null
        },
      }),
    ).toThrow(/block hook already/)
    const t = k.createThread(k.createProcess(0), 'user', 't')
    spawn(
      host,
      (function* () {
        yield* k.sched.block(
          t,
          (function* () {
            yield 50
          })(),
        )
        k.sched.exit(t)
      })(),
      't',
    )
    host.run()
    expect(before).toBe(1)
    expect(host.now).toBeGreaterThanOrEqual(50)
  })

  it("each VirtuOS service domain is its kernel's block hook; the primary has none", () => {
    const params = e5520Params()
    const host = new KernelTestHost()
    const v = virtuosOf(buildSystem(host, new Machine(host, params), params, {system: 'virtuos', clientHosts: 0}))
    for (const d of Object.values(v.domains)) {
      expect(() =>
        d.kernel.sched.setBlockHook({
          *beforeBlock() {
            return null
          },
        }),
      ).toThrow(/block hook already/)
    }
    expect(() =>
      v.primary.sched.setBlockHook({
        *beforeBlock() {
          return null
        },
      }),
    ).not.toThrow()
  })
})

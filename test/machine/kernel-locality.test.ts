import {describe, expect, it} from 'vitest'
import {capacity, defaultWorkingSet, cleanCacheState, pollute, totalDisplaced} from '../../src/machine/indirect.js'
import {KernelWorkingSet, coldCycles, copyFootprint, runHandler, warmCycles} from '../../src/machine/kernel-locality.js'
import {e5520Params} from './fixture.js'

const params = e5520Params()
const pread = params.syscalls.footprints.pread
const pwrite = params.syscalls.footprints.pwrite

describe('kernel working set per core', () => {
  it('a handler never run on the core costs its cold row; run again at once, its warm cost', () => {
    const ks = new KernelWorkingSet()
    expect(runHandler(params, ks, 'pread', pread).cycles).toBe(coldCycles(params, pread))
    expect(runHandler(params, ks, 'pread', pread).cycles).toBe(warmCycles(params, pread))
    expect(warmCycles(params, pread)).toBeLessThan(coldCycles(params, pread) / 2)
  })

  it('a long user burst turns the core over: the next call costs the cold row again', () => {
    const ks = new KernelWorkingSet()
    runHandler(params, ks, 'pread', pread)
    const ws = defaultWorkingSet(params)
    ks.userRan(5000 * ws.refillInstructions, ws.refillInstructions) // L3 fills at L1's line rate: 256 R
    expect(runHandler(params, ks, 'pread', pread).cycles).toBe(coldCycles(params, pread))
  })

  it('the cost rises monotonically with the user instructions run in between', () => {
    const ws = defaultWorkingSet(params)
    const costs = [0, 0.05, 0.2, 1, 5, 50, 500, 5000].map((r) => {
      const ks = new KernelWorkingSet()
      runHandler(params, ks, 'pread', pread)
      ks.userRan(r * ws.refillInstructions, ws.refillInstructions)
      return runHandler(params, ks, 'pread', pread).cycles
    })
    for (let i = 1; i < costs.length; i++) expect(costs[i]).toBeGreaterThanOrEqual(costs[i - 1])
    expect(costs[0]).toBe(warmCycles(params, pread))
    expect(costs.at(-1)).toBe(coldCycles(params, pread))
  })

  it("other handlers' footprints displace a handler's lines, each counted once however often it ran", () => {
    const once = new KernelWorkingSet()
    runHandler(params, once, 'pread', pread)
    runHandler(params, once, 'pwrite', pwrite)
    const many = new KernelWorkingSet()
    runHandler(params, many, 'pread', pread)
    for (let i = 0; i < 10; i++) runHandler(params, many, 'pwrite', pwrite)
    const a = once.residency(params, 'pread', pread)
    expect(a.l1d).toBeCloseTo((512 - pwrite.l1d) / pread.l1d, 9) // LRU: what pwrite's 373 lines left
    expect(a.l3).toBe(1)
    expect(many.residency(params, 'pread', pread)).toEqual(a)
  })
})

describe('copies pollute in proportion to the bytes they move', () => {
  it("kernel side: the lines a copy of N bytes pushes out of a handler's footprint grow with N", () => {
    const resident = (bytes: number) => {
      const ks = new KernelWorkingSet()
      runHandler(params, ks, 'pread', pread)
      ks.copiedBytes(params, bytes)
      return ks.residency(params, 'pread', pread)
    }
    expect(resident(1).l1d).toBe(1) // a 1-byte copy leaves the handler warm
    const l3 = capacity(params, 'l3')
    // at L3 the handler's 2,160 lines start to fall once copies filled the rest: linear in N after that
    const at = (lines: number) => resident((lines * 64) / 2).l3
    expect(at(l3 - pread.l3)).toBe(1)
    expect(at(l3 - pread.l3 / 2)).toBeCloseTo(0.5, 6)
    expect(at(l3)).toBe(0)
    expect(resident(4 * 2 ** 20).l2).toBe(0) // a 4 MiB copy: cold
  })

  it('user side: the live lines a copy displaces grow in proportion to N beyond the dead slack', () => {
    const ws = defaultWorkingSet(params)
    const displaced = (bytes: number) =>
      totalDisplaced(pollute(params, cleanCacheState(), copyFootprint(params, bytes), ws))
    expect(displaced(1)).toBeLessThan(displaced(4096))
    const d1 = displaced(64 * 1024)
    const d2 = displaced(128 * 1024)
    expect(d2).toBeGreaterThan(d1)
    expect(displaced(4 * 2 ** 20)).toBeGreaterThan(displaced(2 ** 20))
  })
})

import {describe, expect, it} from 'vitest'
import {CallPageSet, ENTRY_DONE, ENTRY_WAKE_BIT} from '../../../src/kernel/virtuos/call-page.js'

describe('call pages', () => {
  it('an entry goes free -> filled -> submitted -> taken -> done -> free, and the stacks balance', () => {
    const pages = new CallPageSet(454)
    const e = pages.acquire(3, 77, 5, {name: 'read'})!
    expect(e.state).toBe('filled')
    expect(pages.free.size).toBe(453)
    pages.submit(e)
    expect(pages.submitted.contents()).toEqual([e.index])
    const t = pages.take()!
    expect(t).toBe(e)
    expect(pages.complete(e, {ret: 8})).toBe(false) // nobody asked to be enqueued
    expect(e.id).toBe(ENTRY_DONE)
    expect(e.result).toEqual({ret: 8})
    pages.release(e)
    expect(pages.census()).toEqual({free: 454, filled: 0, submitted: 0, taken: 0, done: 0})
    pages.check('test')
  })

  it('the 0x80 bit asks the worker to enqueue the waiter; too late once done', () => {
    const pages = new CallPageSet(4)
    const a = pages.acquire(3, 1, 0, null)!
    pages.submit(a)
    expect(pages.markWaiting(a)).toBe(true)
    expect(a.id & ENTRY_WAKE_BIT).toBe(ENTRY_WAKE_BIT)
    pages.take()
    expect(pages.complete(a, {ret: 0})).toBe(true)
    const b = pages.acquire(3, 1, 0, null)!
    pages.submit(b)
    pages.take()
    pages.complete(b, {ret: 0})
    expect(pages.markWaiting(b)).toBe(false)
  })

  it('runs out of entries: acquire returns null and counts the exhaustion', () => {
    const pages = new CallPageSet(2)
    expect(pages.acquire(1, 1, 0, null)).not.toBeNull()
    expect(pages.acquire(1, 1, 0, null)).not.toBeNull()
    expect(pages.acquire(1, 1, 0, null)).toBeNull()
    expect(pages.exhaustions).toBe(1)
  })

  it('workers take the most recent submission first (LIFO)', () => {
    const pages = new CallPageSet(4)
    const a = pages.acquire(1, 1, 0, 'a')!
    const b = pages.acquire(1, 1, 0, 'b')!
    pages.submit(a)
    pages.submit(b)
    expect(pages.take()!.request).toBe('b')
    expect(pages.take()!.request).toBe('a')
  })
})

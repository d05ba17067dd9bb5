import {describe, expect, it} from 'vitest'
import {
  decodeWakeWord,
  encodeWakeWord,
  WAKE_IN_PROGRESS,
  WAKE_REQUESTED,
  WakeWord,
} from '../../../src/kernel/virtuos/wake-word.js'

describe('wake word', () => {
  it('packs counts and the two bits into 64 bits and back', () => {
    const f = {running: 2, sleeping: 5, requested: true, inProgress: false}
    const w = encodeWakeWord(f)
    expect(w & WAKE_REQUESTED).toBe(WAKE_REQUESTED)
    expect(w & WAKE_IN_PROGRESS).toBe(0n)
    expect(decodeWakeWord(w)).toEqual(f)
    expect(w < 1n << 64n).toBe(true)
  })

  it('a submitter wakes only when requested and no wake is in progress; one wake per request', () => {
    const w = new WakeWord()
    expect(w.claimWake()).toBe(false) // workers polling: no notification
    w.request()
    expect(w.claimWake()).toBe(true)
    expect(w.claimWake()).toBe(false) // in progress: the next submitters stay quiet
    w.wakeHandled()
    expect(w.fields).toMatchObject({requested: false, inProgress: false})
    expect(w.claimWake()).toBe(false)
    expect(w.wakesSent).toBe(1)
  })

  it('counts running and sleeping workers', () => {
    const w = new WakeWord()
    w.addRunning(2)
    w.addSleeping(1)
    w.addRunning(-1)
    expect(w.fields).toMatchObject({running: 1, sleeping: 1})
    expect(() => w.addSleeping(-2)).toThrow(RangeError)
  })
})

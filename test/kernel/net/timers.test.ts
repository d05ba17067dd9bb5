import {describe, expect, it} from 'vitest'
import {nativeSystem} from '../fixture.js'

describe('net stack timers on kernel ticks', () => {
  const tick = 1000

  it('without a tick a timer fires after exactly its delay', () => {
    const {system} = nativeSystem()
    const net = system.kernels[0].net
    expect(net.timerExpiry(12_345)).toBe(12_345)
  })

  it('with a tick a timer fires on a tick: the delay rounded up to ticks from the last tick, the ticks at the phase', () => {
    const {system} = nativeSystem()
    const net = system.kernels[0].net
    net.setTimerTick(tick, 250) // ticks at 250, 1250, 2250, ... (and -750 before t=0)
    expect(net.timerExpiry(1)).toBe(250) // now = 0: the last tick was at -750, one tick later
    expect(net.timerExpiry(2500)).toBe(-750 + 3 * tick)
    expect(net.timerExpiry(3000)).toBe(-750 + 3 * tick)
    net.setTimerTick(tick, 0)
    expect(net.timerExpiry(3000)).toBe(3000) // now is on a tick
  })

  it('two phases move the same timer by their difference (mod a tick)', () => {
    const {system} = nativeSystem()
    const net = system.kernels[0].net
    net.setTimerTick(tick, 100)
    const a = net.timerExpiry(5000)
    net.setTimerTick(tick, 700)
    expect(net.timerExpiry(5000) - a).toBe(600)
  })

  it('rejects a tick below one cycle or a phase outside one tick', () => {
    const net = nativeSystem().system.kernels[0].net
    expect(() => net.setTimerTick(0, 0)).toThrow(/tick/)
    expect(() => net.setTimerTick(tick, tick)).toThrow(/phase/)
    expect(() => net.setTimerTick(tick, -1)).toThrow(/phase/)
  })
})

import {describe, expect, test} from 'vitest'
import {copy, copyBandwidth} from '../../src/machine/copy.js'
import {e5520Params} from './fixture.js'

const p = e5520Params()
const local = {srcSocket: 0, dstSocket: 0}
const L3 = 8 * 2 ** 20

describe('copy', () => {
  test('a warm buffer that fits copies at the in-cache bandwidth', () => {
    expect(copy(p, 4096, {warm: true, ...local})).toBe(256) // 4096 / 16
    expect(copy(p, 0, {warm: true, ...local})).toBe(0)
  })
  test('a cold buffer streams from memory at the per-core bandwidth', () => {
    expect(copy(p, 4096, {warm: false, ...local})).toBe(Math.ceil(4096 / (9.3 / 2.26)))
  })
  test('the boundary: up to the L3 size in cache, one byte more from memory', () => {
    expect(copyBandwidth(p, L3, {warm: true, ...local})).toBe(16)
    expect(copyBandwidth(p, L3 + 1, {warm: true, ...local})).toBeCloseTo(9.3 / 2.26)
  })
  test('crossing sockets is capped by QPI (warm or not)', () => {
    expect(copyBandwidth(p, 4096, {warm: true, srcSocket: 0, dstSocket: 1})).toBeCloseTo(11.7 / 2.26)
    const cross = copy(p, 1 << 20, {warm: false, srcSocket: 0, dstSocket: 1})
    expect(cross).toBe(Math.ceil((1 << 20) / Math.min(9.3 / 2.26, 11.7 / 2.26)))
  })
  test('concurrent copiers share the socket bandwidth once it binds', () => {
    // Per socket 25.6/2.26 = 11.3 B/cycle: two copiers still get the per-core 4.1, four get 2.8 each.
    expect(copyBandwidth(p, L3 * 2, {warm: false, ...local, concurrentCopiers: 2})).toBeCloseTo(9.3 / 2.26)
    expect(copyBandwidth(p, L3 * 2, {warm: false, ...local, concurrentCopiers: 4})).toBeCloseTo(25.6 / 2.26 / 4)
    const one = copy(p, 1 << 24, {warm: false, ...local})
    const four = copy(p, 1 << 24, {warm: false, ...local, concurrentCopiers: 4})
    expect(four).toBeGreaterThan(one)
  })
})

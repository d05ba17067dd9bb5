/**
 * Named, seeded random streams (xoroshiro128+ from pure-rand). A stream's 128-bit state is the
 * SHA-256 of (simulation seed, stream name), so streams are independent of each other and of the
 * order in which they are created: adding a component with its own stream changes no other draws.
 */
import {createHash} from 'node:crypto'
import {uniformFloat64} from 'pure-rand/distribution/uniformFloat64'
import {uniformInt} from 'pure-rand/distribution/uniformInt'
import {xoroshiro128plusFromState} from 'pure-rand/generator/xoroshiro128plus'
import type {RandomGenerator} from 'pure-rand/types/RandomGenerator'

export class Rng {
  private readonly gen: RandomGenerator

  constructor(
    readonly seed: number,
    readonly stream: string,
  ) {
    const digest = createHash('sha256').update(`virtuos-rng\0${seed}\0${stream}`).digest()
    const state = [digest.readInt32LE(0), digest.readInt32LE(4), digest.readInt32LE(8), digest.readInt32LE(12)]
    if (!state.some((w) => w !== 0)) state[0] = 1 // the all-zero state is xoroshiro's fixed point
    this.gen = xoroshiro128plusFromState(state)
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    return this.gen.next() >>> 0
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return uniformFloat64(this.gen)
  }

  /** A uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
      throw new RangeError(`Rng.int(${lo}, ${hi}): expected integers with lo <= hi`)
    }
    return uniformInt(this.gen, lo, hi)
  }

  /** Exponentially distributed with the given mean (a float; round it for cycles). */
  exponential(mean: number): number {
    if (!(mean >= 0)) throw new RangeError(`Rng.exponential(${mean}): expected a non-negative mean`)
    return -mean * Math.log(1 - this.float())
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array')
    return items[uniformInt(this.gen, 0, items.length - 1)]
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = uniformInt(this.gen, 0, i)
      const t = items[i]
      items[i] = items[j]
      items[j] = t
    }
    return items
  }
}

/** A stream outside any Simulation (same sequence as `sim.rng(stream)` for a sim with this seed). */
export function createRng(seed: number, stream: string): Rng {
  return new Rng(seed, stream)
}

/** bench sensitivity's own flags: one line naming the flag and what it accepts. */
import {describe, expect, it} from 'vitest'
import {parseEstimates, parseLevels, parseMethod, parseTrajectories} from '../../src/cli/sensitivity-options.js'
import {loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'

const profile = loadProfile({})

describe('bench sensitivity flags', () => {
  it('take their defaults and good values', () => {
    expect(parseMethod(undefined)).toBe('oat')
    expect(parseMethod('morris')).toBe('morris')
    expect(parseTrajectories(undefined)).toBe(4)
    expect(parseLevels('6')).toBe(6)
    expect(parseEstimates(['cpu.wakeup,nic.txPacket'], profile)).toEqual(['cpu.wakeup', 'nic.txPacket'])
    expect(parseEstimates(undefined, profile)).toBeUndefined()
  })
  it.each([
    [() => parseMethod('sobol'), /^--method: unknown method 'sobol' \(accepted: oat, morris\)$/],
    [
      () => parseTrajectories('0'),
      /^--trajectories: '0' is not valid \(expected a number of Morris trajectories from 1/,
    ],
    [() => parseLevels('5'), /^--levels: '5' is odd/],
    [() => parseLevels('x'), /^--levels: 'x' is not valid/],
    [() => parseEstimates(['cpu.clock'], profile), /^--estimate: cpu.clock is not an estimate of profile xeon-e5520/],
  ])('refuses %#', (f, message) => {
    expect(f).toThrow(UsageError)
    expect(f).toThrow(message)
  })
})

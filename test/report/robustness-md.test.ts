/** REPORT.md's robustness section: what it says of a reversed, a weakened, an untested and a robust clause. */
import {describe, expect, it} from 'vitest'
import {robustnessSection, type RobustnessJson} from '../../src/report/robustness-md.js'
import type {ClauseRobustness, Flip} from '../../src/report/sensitivity.js'

const flip = (constant: string, verdict: Flip['verdict']): Flip => ({constant, at: 'high', value: 2, verdict})
const clause = (n: number, verdict: ClauseRobustness['verdict'], flips: Flip[], reversedBy: string[]) => ({
  experiment: 'x',
  clause: n,
  text: `clause ${n}`,
  verdict,
  flips,
  hangsOn: [...new Set(flips.map((f) => f.constant))],
  reversedBy,
  robust: verdict === 'untested' ? null : flips.length === 0,
  notRead: [],
})

const json: RobustnessJson = {
  method: 'oat',
  mode: 'quick',
  seed: 1,
  replicates: 3,
  profile: {name: 'p', hash: 'h'},
  estimates: [],
  systems: [{experiment: 'x', systems: ['native', 'virtuos']}],
  clauses: [
    clause(1, 'supported', [flip('a', 'inconclusive'), flip('b', 'not supported')], ['b']),
    clause(2, 'supported', [flip('a', 'inconclusive')], []),
    clause(3, 'untested', [], []),
    clause(4, 'not supported', [], []),
  ],
  notRead: [],
  pruning: {notRun: 0, runs: 0},
  invalid: [],
  charts: [],
}

describe('robustnessSection', () => {
  const md = robustnessSection(json)
  const row = (n: number) => md.split('\n').find((l) => l.startsWith(`| x | ${n} |`))
  it('tells a reversal from a margin lost in the noise, and claims nothing of an untested clause', () => {
    expect(row(1)).toMatch(/\| \*\*no\*\*: reversed \| b high = 2: not supported; a high = 2: inconclusive \|$/)
    expect(row(2)).toMatch(/\| \*\*no\*\*: weakened to inconclusive \|/)
    expect(row(3)).toMatch(/\| untested \| not analysed \(untested\) \| none \|$/)
    expect(row(4)).toMatch(/\| not supported \| yes \| none \|$/)
  })
  it('ranks the estimates that flip clauses, and names apart those that reverse one', () => {
    expect(md).toContain('the constants most worth a better source): `a` (2), `b` (1).')
    expect(md).toContain('reverses a verdict (not only leaves it inconclusive): `b` (1).')
    expect(md).toContain('Systems run: x (native, virtuos).')
  })
})

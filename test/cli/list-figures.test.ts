/** `bench list --json` and `bench run --help` name the figure each experiment reproduces (in process, no CLI spawn). */
import {describe, expect, it} from 'vitest'
import {publishedOf, reproducesHelp} from '../../src/commands/bench/list.js'
import {findExperiment, listExperiments} from '../../src/experiments/registry.js'

describe('the figure each experiment reproduces', () => {
  it('--help lists every experiment with what it reproduces', () => {
    const help = reproducesHelp()
    for (const e of listExperiments()) expect(help).toContain(`  ${e.id}: ${e.reproduces}`)
  })

  it('list --json gives the published figure, its citation and the number of points where there is one, else null', () => {
    const copy = publishedOf(findExperiment('copy-overhead')!)!
    expect(copy.figure).toMatch(/slide 25/)
    expect(copy.url).toMatch(/^https:\/\//)
    expect(copy.points).toBe(findExperiment('copy-overhead')!.reference!.length)
    expect(publishedOf(findExperiment('syscall-overhead')!)).toBeNull()
  })
})

/**
 * The reference files of VirtuOS's published plots (Figs. A-C) load, stand at points the experiments
 * sweep in full, and cite public sources; a bad file is one line naming the field. No test compares
 * a published number with the model.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/errors.js'
import {findExperiment} from '../../src/experiments/registry.js'
import {loadReferences, referenceFile, referencePoints, referencesPath} from '../../src/experiments/references.js'

const FIGURES = ['copy-overhead', 'oltp', 'fault-recovery-timeline'] as const

describe.each(FIGURES)('references/%s.json', (id) => {
  const def = findExperiment(id)!

  it("is the experiment's reference, with a public citation, what the plot leaves unstated and reading accuracies", () => {
    const file = referenceFile(id)!
    expect(def.reference).toBe(referencePoints(id))
    expect(file.paper.url).toMatch(/^https:\/\/github\.com\/rusnikola\/rusnikola\.github\.io\//)
    expect(file.paper.short).toMatch(/^Nikolaev & Back, VirtuOS SOSP'13 talk slides, slide \d+/)
    expect(file.unstated!.length).toBeGreaterThan(0)
    expect(readFileSync(referencesPath(id), 'utf8')).not.toMatch(/\/work\/|shared\//)
    expect(def.reproduces).toContain(file.paper.short.replace(/, and poster$/, ''))
    for (const p of def.reference!) expect(p.accuracy).toBeGreaterThanOrEqual(0)
  })

  it('stands at points the full sweep runs, on axes and metrics the experiment has', () => {
    const full = new Map(def.axes.map((a) => [a.name, a.full]))
    for (const p of def.reference!) {
      expect(def.metrics.map((m) => m.name)).toContain(p.metric)
      expect(def.systems).toContain(p.system)
      for (const [axis, v] of Object.entries(p.point)) expect(full.get(axis)).toContain(v)
    }
  })
})

describe('reference file fields', () => {
  const bad = (edit: (f: {points: Record<string, unknown>[]}) => void) => {
    const f = JSON.parse(readFileSync(referencesPath('copy-overhead'), 'utf8')) as {points: Record<string, unknown>[]}
    edit(f)
    const path = join(mkdtempSync(join(tmpdir(), 'refs-')), 'bad.json')
    writeFileSync(path, JSON.stringify(f))
    return () => loadReferences('copy-overhead', path)
  }

  it('a negative reading accuracy or an unknown comparison is one line naming the field', () => {
    const negative = bad((f) => (f.points[2].accuracy = -1))
    expect(negative).toThrow(UsageError)
    expect(negative).toThrow(/^[^\n]*bad\.json: points\.2\.accuracy: expected a number >= 0[^\n]*$/)
    expect(bad((f) => (f.points[0].of = 'ratio'))).toThrow(
      /^[^\n]*bad\.json: points\.0\.of: expected one of value, ratio_vs_native[^\n]*$/,
    )
  })
})

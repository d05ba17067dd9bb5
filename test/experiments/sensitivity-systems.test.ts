/** Which systems an analysis runs of an experiment: those its clauses and its headline read. */
import {describe, expect, it} from 'vitest'
import {betterThanNative, valueClause, versusClause} from '../../src/experiments/claims.js'
import {listExperiments} from '../../src/experiments/registry.js'
import {analysedSystems, headlineSubject, narrowToAnalysed} from '../../src/experiments/sensitivity-systems.js'
import type {ExperimentDef} from '../../src/experiments/types.js'

const five: ExperimentDef['systems'] = ['native', 'virtuos', 'flexsc', 'driver-domain', 'multiserver']
const def = (systems: ExperimentDef['systems'], clauses: ExperimentDef['clauses']): ExperimentDef =>
  ({id: 'x', systems, clauses}) as unknown as ExperimentDef

describe('analysedSystems', () => {
  it('keeps what the clauses compare and the headline, in the experiment order', () => {
    const vs = versusClause({text: 't', system: 'virtuos', other: 'driver-domain', metric: 'm', margin: 0})
    expect(analysedSystems(def(five, [vs]))).toEqual(['native', 'virtuos', 'driver-domain'])
    const own = valueClause({text: 't', system: 'virtuos', metric: 'm', side: 'above', threshold: 0})
    expect(analysedSystems(def(['virtuos', 'driver-domain', 'multiserver'], [own]))).toEqual(['virtuos'])
  })
  it('an experiment without clauses keeps its headline: the subject against native', () => {
    expect(analysedSystems(def(five, undefined))).toEqual(['native', 'virtuos'])
    expect(analysedSystems(def(['native', 'flexsc'], undefined))).toEqual(['native', 'flexsc'])
    expect(headlineSubject(['native', 'flexsc'])).toBe('flexsc')
    expect(headlineSubject(['native'])).toBe('native')
  })
  it('narrows a definition only where it leaves a system out', () => {
    const c = betterThanNative({text: 't', system: 'virtuos', metric: 'm', margin: 0})
    const wide = def(five, [c])
    expect(narrowToAnalysed(wide).systems).toEqual(['native', 'virtuos'])
    expect(wide.systems).toEqual(five) // the registry's definition is not touched
    const narrow = def(['native', 'virtuos'], [c])
    expect(narrowToAnalysed(narrow)).toBe(narrow)
  })
  it('every registered clause reads only systems its experiment runs (else it could never be judged)', () => {
    for (const d of listExperiments())
      for (const c of d.clauses ?? []) {
        expect(c.systems.length, `${d.id}: ${c.text}`).toBeGreaterThan(0)
        for (const s of c.systems) expect(d.systems, `${d.id}: ${c.text}`).toContain(s)
      }
  })
})

/** One point runner serves both web-server experiments: threads (mt-server) and processes (mp-server). */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {webServerPoint} from '../../src/experiments/web-server.js'
import type {WebShape} from '../../src/workloads/webserver.js'
import {COUNTER_METRICS} from '../../src/experiments/counter-metrics.js'

const ctx = {seed: 1, quick: true, profile: loadProfile()}

describe('webServerPoint', () => {
  it('runs the shape the experiment chooses from the point, with the same metrics', () => {
    const shapes: WebShape[] = []
    const threads = webServerPoint('mt-server', (p, w) => {
      const shape: WebShape = {kind: 'threads', threads: Math.min(Number(p.clients), w.maxThreads.value, 2)}
      shapes.push(shape)
      return shape
    })
    const procs = webServerPoint('mp-server', (p) => {
      const shape: WebShape = {kind: 'processes', processes: Number(p.processes)}
      shapes.push(shape)
      return shape
    })
    const mt = threads({clients: 4, file_bytes: 256}, 'native', ctx)
    const mp = procs({processes: 2, clients: 4, file_bytes: 256}, 'native', ctx)
    expect(shapes).toEqual([
      {kind: 'threads', threads: 2},
      {kind: 'processes', processes: 2},
    ])
    for (const r of [mt, mp]) {
      expect(Object.keys(r.metrics)).toEqual([
        'requests_per_s',
        'latency_mean_ms',
        ...COUNTER_METRICS.map((m) => m.name),
      ])
      expect(r.metrics.requests_per_s).toBeGreaterThan(0)
      expect(r.engine.events).toBeGreaterThan(0)
    }
    expect(mt.notes).toContain('4 clients share 2 server threads')
    expect(mp.notes).toEqual([])
  })
})

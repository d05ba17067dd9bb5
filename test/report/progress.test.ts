import {Writable} from 'node:stream'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {createProgress, experimentAt} from '../../src/report/progress.js'

function sink(isTTY = false) {
  const lines: string[] = []
  const stream = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean))
        cb()
      },
    }),
    {isTTY},
  )
  return {stream, lines}
}

const plan = [
  {id: 'a', tasks: 2},
  {id: 'b', tasks: 3},
]

afterEach(() => vi.useRealTimers())

describe('progress without a terminal', () => {
  it('prints one line per finished experiment', () => {
    const {stream, lines} = sink()
    const p = createProgress('bench paper', {stream, plan})
    for (let d = 1; d <= 5; d++) p.update(d, 5)
    p.stop()
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^bench paper: a done \(1\/2\): 2 runs in \d+\.\d s$/)
    expect(lines[1]).toMatch(/^bench paper: b done \(2\/2\): 3 runs in /)
  })

  it('an experiment with no tasks left to wait for is reported when the next task lands past it', () => {
    const {stream, lines} = sink()
    const p = createProgress('x', {
      stream,
      plan: [
        {id: 'a', tasks: 1},
        {id: 'b', tasks: 1},
      ],
    })
    p.update(2, 2)
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['a', 'b'])
  })

  it('beats a heartbeat on a long experiment, naming it and how far it got', () => {
    vi.useFakeTimers()
    let t = 0
    const {stream, lines} = sink()
    const p = createProgress('bench paper', {stream, plan, heartbeatMs: 30_000, now: () => t})
    p.update(1, 5)
    t = 31_000
    vi.advanceTimersByTime(5_000)
    expect(lines).toEqual(['bench paper: a running: 1/2 runs, 31.0 s so far (1/5 runs in all, 31.0 s)'])
    t = 40_000
    vi.advanceTimersByTime(5_000) // under 30 s since the last line: quiet
    expect(lines).toHaveLength(1)
    p.stop()
    t = 100_000
    vi.advanceTimersByTime(60_000)
    expect(lines).toHaveLength(1)
  })

  it('finds the experiment a task number belongs to', () => {
    expect([1, 2, 3, 5].map((d) => experimentAt(plan, d))).toEqual([0, 0, 1, 1])
  })
})

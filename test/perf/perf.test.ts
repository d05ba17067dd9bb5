import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/errors.js'
import {runPerf, selectTasks} from '../../src/perf/run.js'
import {PERF_TASKS} from '../../src/perf/tasks.js'
import {ensureBuilt, ROOT} from '../cli/build.js'

describe('perf tasks', () => {
  it('every task processes the events it reports, deterministically', () => {
    for (const t of PERF_TASKS) {
      const a = t.prepare()
      const b = t.prepare()
      const n = a()
      expect(n).toBeGreaterThan(1000)
      expect(b()).toBe(n)
    }
  })

  it('runPerf returns one row per selected task (shape only, not speed)', async () => {
    const report = await runPerf({timeMs: 20, only: ['ping-pong']})
    expect(report.tasks).toHaveLength(1)
    const [row] = report.tasks
    expect(Object.keys(row).sort()).toEqual(['eventsPerSecond', 'heapUsedMiB', 'name', 'rme', 'rssMiB', 'samples'])
    expect(row.name).toBe('ping-pong')
    expect(row.eventsPerSecond).toBeGreaterThan(0)
    expect(row.samples).toBeGreaterThanOrEqual(5)
  })

  it('unknown task names and bad times are usage errors', async () => {
    expect(() => selectTasks(PERF_TASKS, ['nope'])).toThrow(UsageError)
    await expect(runPerf({timeMs: 0})).rejects.toThrow(UsageError)
  })
})

describe('virtuos perf --json', () => {
  it('prints only the JSON report', () => {
    ensureBuilt()
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/run.js'), 'perf', '--json', '--time', '20', '--task', 'hold-model'],
      {cwd: ROOT, encoding: 'utf8'},
    )
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(Object.keys(out)).toEqual(['tasks'])
    expect(out.tasks.map((t: {name: string}) => t.name)).toEqual(['hold-model'])
    expect(typeof out.tasks[0].eventsPerSecond).toBe('number')
    expect(typeof out.tasks[0].rme).toBe('number')
  })
})

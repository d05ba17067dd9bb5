/**
 * `bench run <id> --trace FILE --point ... --system S`: the point parser, the recorder's limit, and
 * a real trace written by the compiled CLI (Chrome Trace Event JSON: metadata, then spans).
 */
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {parsePoint, traceSystem} from '../../src/cli/trace.js'
import {loadProfile} from '../../src/config/index.js'
import {coordination} from '../../src/experiments/coordination.js'
import {IRQ_TRACK, TraceRecorder, type TraceFile} from '../../src/report/trace.js'
import {ACTIVITIES} from '../../src/kernel/ledger.js'
import {buildBench, observeBenches, runBench} from '../../src/workloads/common.js'
import {ensureBuilt} from './build.js'
import {poolCli, spawnCli} from './cli-pool.js'

/** The compiled CLI, through a pool of long-lived children (cli-pool.ts) rather than a process per command. */
const cli = poolCli()

beforeAll(() => ensureBuilt())

describe('parsePoint and traceSystem', () => {
  it('takes every axis once, each at a value the experiment sweeps, in axis order', () => {
    expect(parsePoint(coordination, 'worker_yields=500,gap_us=0,spin_iterations=4000')).toEqual({
      gap_us: 0,
      spin_iterations: 4000,
      worker_yields: 500,
    })
    expect(Object.keys(parsePoint(coordination, 'worker_yields=500,gap_us=0,spin_iterations=4000'))).toEqual([
      'gap_us',
      'spin_iterations',
      'worker_yields',
    ])
  })
  it('refuses a missing point, an unknown axis, an unswept value and a missing axis, naming what is accepted', () => {
    expect(() => parsePoint(coordination, undefined)).toThrow(/--point: required with --trace/)
    expect(() => parsePoint(coordination, 'nope=1')).toThrow(/not axis=value \(axes: gap_us, spin_iterations/)
    expect(() => parsePoint(coordination, 'gap_us=7,spin_iterations=0,worker_yields=500')).toThrow(
      /gap_us=7 is not swept by coordination \(accepted: 0, 100/,
    )
    expect(() => parsePoint(coordination, 'gap_us=0')).toThrow(/no value for spin_iterations, worker_yields/)
  })
  it('needs one system unless the experiment compares only one', () => {
    expect(traceSystem(coordination, ['virtuos'])).toBe('virtuos')
    expect(() => traceSystem(coordination, [])).toThrow(/name one system with --system/)
  })
})

describe('TraceRecorder', () => {
  /** A native bench running `calls` getppid calls, watched by a recorder of `limit` spans. */
  const traced = (limit: number, calls: number) => {
    const recorder = new TraceRecorder(limit)
    observeBenches((bench) => recorder.watch(bench))
    try {
      const bench = buildBench(1, loadProfile().params, 'native')
      let done = false
      bench.system.spawnProcess(function* (sys) {
        for (let i = 0; i < calls; i++) yield* sys.getppid()
        done = true
      })
      runBench(bench, () => done)
    } finally {
      observeBenches(null)
    }
    return recorder.file({x: 1})
  }

  it('records the stretches of CPU time of every kernel of a bench built while it listens', () => {
    const file = traced(1000, 10)
    expect(file.displayTimeUnit).toBe('ns')
    expect(file.otherData).toMatchObject({x: 1, droppedSpans: 0, simulations: 1})
    expect(file.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args?.name)).toEqual(['native'])
    const spans = file.traceEvents.filter((e) => e.ph === 'X')
    expect(spans.length).toBeGreaterThanOrEqual(10) // at least one stretch per call
    // in the order they ran, none overlapping on the one thread
    for (let i = 1; i < spans.length; i++)
      expect(spans[i].ts!).toBeGreaterThanOrEqual(spans[i - 1].ts! + spans[i - 1].dur! - 1e-9)
  })

  it('keeps the first `limit` spans and counts the rest as dropped', () => {
    const all = traced(1_000_000, 50).otherData.spans as number
    const cut = traced(5, 50)
    expect(cut.otherData).toMatchObject({spans: 5, droppedSpans: all - 5})
    expect(cut.traceEvents.filter((e) => e.ph === 'X')).toHaveLength(5)
  })
  it('a bench built after the observer is removed is not watched', () => {
    const recorder = new TraceRecorder(10)
    buildBench(1, loadProfile().params, 'native')
    expect(recorder.file({}).otherData).toMatchObject({simulations: 0})
  })
})

describe('TraceRecorder: slices by activity and request flows', () => {
  /** A virtuos bench making `calls` remote calls (a read of a /storage file), traced. */
  const traced = (system: string, calls: number) => {
    const recorder = new TraceRecorder(100_000)
    observeBenches((bench) => recorder.watch(bench))
    try {
      const bench = buildBench(1, loadProfile().params, system)
      for (const k of bench.system.kernels) if (k.ownsDisk) k.vfs.preload('/storage/f', 64 * 1024)
      let done = false
      bench.system.spawnProcess(function* (sys) {
        const fd = (yield* sys.open('/storage/f', 0)).ret
        for (let i = 0; i < calls; i++) {
          yield* sys.compute(10_000)
          yield* sys.pread(fd, 4096, 0)
        }
        done = true
      })
      runBench(bench, () => done)
    } finally {
      observeBenches(null)
    }
    return recorder.file({})
  }
  const pidOf = (file: TraceFile, name: string) =>
    file.traceEvents.find((e) => e.name === 'process_name' && e.args?.name === name)!.pid

  it('writes events with the fields the format requires; slices are named by activity, one track per core', () => {
    const file = traced('virtuos', 3)
    for (const e of file.traceEvents) {
      expect(typeof e.name).toBe('string')
      expect(['X', 'M', 's', 't', 'f']).toContain(e.ph)
      expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true)
      if (e.ph !== 'M') expect(e.ts! >= 0).toBe(true)
      if (e.ph === 'X')
        expect(e.dur! > 0 && e.cat === e.name && (ACTIVITIES as readonly string[]).includes(e.name)).toBe(true)
      if (e.ph === 's' || e.ph === 't' || e.ph === 'f') expect([e.cat, typeof e.id]).toEqual(['request', 'number'])
    }
    const slices = file.traceEvents.filter((e) => e.ph === 'X')
    for (const a of ['user', 'trap', 'queue', 'polling', 'copy'])
      expect(
        slices.some((e) => e.name === a),
        a,
      ).toBe(true)
    const tracks = file.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args?.name)
    expect(tracks).toEqual(expect.arrayContaining(['core 0', expect.stringMatching(/^core \d+ interrupts$/)]))
    // a core's slices never overlap (one thread holds a core at a time)
    for (const tid of new Set(slices.map((e) => `${e.pid}/${e.tid}`))) {
      const mine = slices.filter((e) => `${e.pid}/${e.tid}` === tid)
      for (let i = 1; i < mine.length; i++)
        expect(mine[i].ts!).toBeGreaterThanOrEqual(mine[i - 1].ts! + mine[i - 1].dur! - 1e-6)
    }
  })

  it("follows each remote call: submission in the caller's slice, service on a storage worker, completion back, in time order", () => {
    const file = traced('virtuos', 3)
    const flows = file.traceEvents.filter((e) => e.ph === 's' || e.ph === 't' || e.ph === 'f')
    const ids = [...new Set(flows.map((e) => e.id))]
    expect(ids.length).toBeGreaterThanOrEqual(3)
    expect(file.otherData.flows).toBe(ids.length)
    const [primary, storage] = [pidOf(file, 'primary'), pidOf(file, 'storage')]
    const slices = file.traceEvents.filter((e) => e.ph === 'X')
    for (const id of ids) {
      const steps = flows.filter((e) => e.id === id)
      // pairs up: one start, one finish, the service between; bound to a slice on the step's own track
      expect(steps.map((e) => e.ph)).toEqual(['s', 't', 't', 'f'])
      expect(steps.map((e) => e.pid)).toEqual([primary, storage, storage, primary])
      expect(steps.map((e) => e.args?.step)).toEqual(['submit', 'serve', 'served', 'complete'])
      for (let i = 1; i < steps.length; i++) expect(steps[i].ts!).toBeGreaterThanOrEqual(steps[i - 1].ts!)
      for (const s of steps) {
        const around = slices.find(
          (x) => x.pid === s.pid && x.tid === s.tid && x.ts! <= s.ts! && s.ts! < x.ts! + x.dur!,
        )
        expect(around, `${s.ph} of flow ${id}`).toBeDefined()
      }
      expect(steps[0].name).toBe('remote call')
    }
  })

  it("follows a driver-domain blkif request from blkfront's interrupt work to blkback's and back", () => {
    const file = traced('driver-domain', 1)
    const flows = file.traceEvents.filter((e) => e.ph === 's' || e.ph === 't' || e.ph === 'f')
    const [guest, driver] = [pidOf(file, 'primary'), pidOf(file, 'driver')]
    const first = flows.filter((e) => e.id === flows[0].id)
    expect(first.map((e) => [e.name, e.ph, e.pid])).toEqual([
      ['blkif request', 's', guest],
      ['blkif request', 't', driver],
      ['blkif request', 't', driver],
      ['blkif request', 'f', guest],
    ])
    // on the interrupt tracks, each step at the start of the work that takes it
    const slices = file.traceEvents.filter((e) => e.ph === 'X')
    for (const s of first) {
      expect(s.tid).toBeGreaterThanOrEqual(IRQ_TRACK)
      expect(slices.some((x) => x.pid === s.pid && x.tid === s.tid && x.ts === s.ts)).toBe(true)
    }
  })

  it('follows FlexSC syscall-page posts to the syscall thread and back', () => {
    const file = traced('flexsc', 2)
    const flows = file.traceEvents.filter((e) => e.ph === 's' || e.ph === 't' || e.ph === 'f')
    expect(flows.length).toBeGreaterThan(0)
    for (const id of new Set(flows.map((e) => e.id))) {
      const steps = flows.filter((e) => e.id === id)
      expect(steps[0].ph).toBe('s')
      expect(steps[steps.length - 1].ph).toBe('f')
      expect(steps[0].name).toBe('syscall page')
    }
  })
})

describe('bench run --trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtuos-trace-'))
  it('writes a Chrome trace of one point: named processes and threads, spans in simulated microseconds', async () => {
    const file = join(dir, 'c.json')
    const point = 'gap_us=1000,spin_iterations=4000,worker_yields=500'
    const r = await cli('bench', 'run', 'coordination', '--system', 'virtuos', '--point', point, '--trace', file)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^trace: \d+ spans -> .*c\.json \(open in ui\.perfetto\.dev/)
    const t = JSON.parse(readFileSync(file, 'utf8'))
    const names = t.traceEvents
      .filter((e: {name: string}) => e.name === 'process_name')
      .map((e: {args: {name: string}}) => e.args.name)
    expect(names).toEqual(['primary', 'storage', 'network'])
    const spans = t.traceEvents.filter((e: {ph: string}) => e.ph === 'X')
    expect(spans.length).toBe(t.otherData.spans)
    expect(spans.every((e: {ts: number; dur: number}) => e.ts >= 0 && e.dur > 0)).toBe(true)
    // a remote call: the caller in the primary and a worker in the storage domain both ran
    expect(new Set(spans.map((e: {pid: number}) => e.pid))).toEqual(new Set([1, 2]))
    expect(t.otherData).toMatchObject({experiment: 'coordination', system: 'virtuos', runSeed: 1, droppedSpans: 0})
  })
  it('same command, same bytes', async () => {
    const [a, b] = [join(dir, 'a.json'), join(dir, 'b.json')]
    const args = [
      'bench',
      'run',
      'coordination',
      '--system',
      'native',
      '--point',
      'gap_us=0,spin_iterations=0,worker_yields=500',
    ]
    // one in a fresh process, so nothing cached by an earlier command of a pool child can make them agree
    const [ra, rb] = await Promise.all([spawnCli([...args, '--trace', a]), cli(...args, '--trace', b)])
    expect(ra.status).toBe(0)
    expect(rb.status).toBe(0)
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'))
  })
  it('refuses --point without --trace, two experiments, or a trace path that cannot be written (exit 2, no file)', async () => {
    const p = 'gap_us=0,spin_iterations=0,worker_yields=500'
    expect((await cli('bench', 'run', 'coordination', '--point', p)).stderr).toMatch(/--point: only with --trace FILE/)
    const withOut = await cli('bench', 'run', 'coordination', '--point', p, '--trace', join(dir, 'y'), '--out', dir)
    expect([withOut.status, withOut.stderr]).toEqual([2, expect.stringMatching(/--trace: writes the trace only/)])
    const two = await cli(
      'bench',
      'run',
      'coordination',
      'ttcp',
      '--system',
      'virtuos',
      '--point',
      p,
      '--trace',
      join(dir, 'x'),
    )
    expect([two.status, two.stderr]).toEqual([2, expect.stringMatching(/--trace: one experiment at a time/)])
    writeFileSync(join(dir, 'plain'), '')
    const bad = join(dir, 'plain', 'x.json') // under a file: no directory can be made there
    const r = await cli('bench', 'run', 'coordination', '--system', 'virtuos', '--point', p, '--trace', bad)
    expect(r.status).toBe(2)
    expect(existsSync(bad)).toBe(false)
  })
})

describe('bench run --breakdown', () => {
  const dir = mkdtempSync(join(tmpdir(), 'virtuos-breakdown-cli-'))
  it('prints where the cycles go after the table and writes <id>.breakdown.csv beside <id>.csv', async () => {
    const r = await cli('bench', 'run', 'coordination', '--system', 'virtuos', '--breakdown', '--out', dir)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/breakdown: coordination at gap_us=\d+,spin_iterations=\d+,worker_yields=\d+, virtuos/)
    expect(r.stdout).toMatch(/\npolling\s+[\d.]+%/)
    const csv = readFileSync(join(dir, 'coordination.breakdown.csv'), 'utf8')
    expect(csv.split('\n')[0]).toBe('experiment,point,system,domain,activity,cycles,share')
  })
  it('refuses --breakdown with --trace (exit 2, one line)', async () => {
    const p = 'gap_us=0,spin_iterations=0,worker_yields=500'
    const r = await cli(
      'bench',
      'run',
      'coordination',
      '--system',
      'virtuos',
      '--point',
      p,
      '--trace',
      join(dir, 't'),
      '--breakdown',
    )
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/--breakdown: with a plain run only/)])
  })
})

/** Each kind of bad profile or override gives one line: file, JSON path, what was expected, what was found. */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {DEFAULT_PROFILE, loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'virtuos-config-'))
const base = () => JSON.parse(readFileSync(DEFAULT_PROFILE, 'utf8'))

/** Writes a broken copy of the default profile and returns the error lines of loading it. */
function problems(edit: (p: any) => void, text?: string): string[] {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.json`)
  if (text === undefined) {
    const p = base()
    edit(p)
    text = JSON.stringify(p)
  }
  writeFileSync(file, text)
  return errorLines(() => loadProfile({config: file})).map((l) => l.replace(file, 'FILE'))
}

function errorLines(f: () => unknown): string[] {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError)
    return (e as Error).message.split('\n')
  }
  throw new Error('expected a UsageError')
}

describe('bad profile files', () => {
  it('missing key', () => {
    expect(problems((p) => delete p.cache.l2Hit)).toEqual([
      'FILE: cache.l2Hit: expected a constant {"value", "unit", "source"}, found nothing (the key is missing)',
    ])
  })
  it('missing group', () => {
    expect(problems((p) => delete p.nic)).toEqual([
      expect.stringMatching(
        /^FILE: nic: expected a group of constants \{wireRate, mtu, .*\}, found nothing \(the key is missing\)$/,
      ),
    ])
  })
  it('wrong type', () => {
    expect(problems((p) => (p.cache.l2Hit.value = true))).toEqual([
      'FILE: cache.l2Hit.value: expected a number >= 0, found true',
    ])
    expect(problems((p) => (p.machine.hyperThreading.value = 1))).toEqual([
      'FILE: machine.hyperThreading.value: expected true or false, found 1',
    ])
    expect(problems((p) => (p.cache.l2Hit = 10))).toEqual([
      'FILE: cache.l2Hit: expected a constant {"value", "unit", "source"}, found 10',
    ])
  })
  it('negative or zero where it must be positive', () => {
    expect(problems((p) => (p.cpu.pause.value = -3))).toEqual([
      'FILE: cpu.pause.value: expected a number >= 0, found -3',
    ])
    expect(problems((p) => (p.machine.clock.value = 0))).toEqual([
      'FILE: machine.clock.value: expected a positive number, found 0',
    ])
    expect(problems((p) => (p.disk.queueDepth.value = 2.5))).toEqual([
      'FILE: disk.queueDepth.value: expected a positive integer, found 2.5',
    ])
    expect(problems((p) => (p.syscalls.openShare.value = 1.5))).toEqual([
      'FILE: syscalls.openShare.value: expected a number from 0 to 1, found 1.5',
    ])
  })
  it("a timeslice outside Linux's bounds on its scheduling granularity (a few cycles would never end a run)", () => {
    const why = "expected a slice from 100 us to 1 s (Linux's bounds on its scheduling granularity)"
    const slice = (value: number, unit: string) => (p: any) => (p.kernel.timeslice = {value, unit, source: 'test'})
    expect(problems(slice(1e-7, 'ms'))).toEqual([`FILE: kernel.timeslice.value: ${why}, found 1e-7 ms`])
    expect(problems(slice(2, 's'))).toEqual([`FILE: kernel.timeslice.value: ${why}, found 2 s`])
    expect(() => loadProfile({config: DEFAULT_PROFILE, set: ['kernel.timeslice=0.05']})).toThrow(why)
    expect(loadProfile({config: DEFAULT_PROFILE, set: ['kernel.timeslice=0.1']}).params.kernel.timeslice).toBe(226_000)
  })
  it('NaN-like strings and infinite numbers', () => {
    expect(problems((p) => (p.cpu.kernelIpc.value = 'NaN'))).toEqual([
      'FILE: cpu.kernelIpc.value: expected a positive number, found "NaN"',
    ])
    expect(problems((p) => (p.cache.l2Hit.value = 'abc'))).toEqual([
      'FILE: cache.l2Hit.value: expected a number >= 0, found "abc"',
    ])
    const text = JSON.stringify(base()).replace('"value":10,', '"value":1e999,')
    expect(problems(() => {}, text)).toEqual(['FILE: cache.l2Hit.value: expected a number >= 0, found Infinity'])
  })
  it('unknown key, at any depth', () => {
    expect(problems((p) => (p.nic.bogus = {value: 1, unit: 'count', source: 'x'}))).toEqual([
      'FILE: nic.bogus: unknown key (expected one of: wireRate, mtu, frameOverhead, tcpIpHeader, txPacket, rxPacket, ' +
        'interrupt, framesPerInterrupt, maxInterruptDelay, minInterruptGap, linkLatency)',
    ])
    expect(problems((p) => (p.cache.l2Hit.citation = 'x'))).toEqual([
      'FILE: cache.l2Hit.citation: unknown key (expected one of: value, unit, source, estimate, fitted, range, rangeSource)',
    ])
    expect(problems((p) => (p.extra = 1))[0]).toMatch(
      /^FILE: extra: unknown key \(expected one of: name, description, illustrative, machine, /,
    )
  })
  it('wrong unit for the dimension', () => {
    expect(problems((p) => (p.cache.l3Hit.unit = 'bytes'))).toEqual([
      'FILE: cache.l3Hit.unit: expected a time unit (cycles, ns, us, ms, s), found "bytes"',
    ])
    expect(problems((p) => (p.cache.l2Size.unit = 'ns'))).toEqual([
      'FILE: cache.l2Size.unit: expected a size unit (bytes, KiB, MiB, GiB, KB, MB, GB), found "ns"',
    ])
    expect(problems((p) => (p.machine.sockets.unit = 'cores'))).toEqual([
      'FILE: machine.sockets.unit: expected the unit "count", found "cores"',
    ])
  })
  it('empty source', () => {
    expect(problems((p) => (p.cache.l1Hit.source = '  '))).toEqual([
      'FILE: cache.l1Hit.source: expected a non-empty citation, found "  "',
    ])
  })
  it('several problems: one line each, in document order', () => {
    const lines = problems((p) => {
      delete p.cache.l2Hit
      p.disk.queueDepth.value = -1
      p.cpu.pause.unit = 'GB'
    })
    expect(lines).toHaveLength(3)
    expect(lines.map((l) => l.split(': ')[1])).toEqual(['cache.l2Hit', 'cpu.pause.unit', 'disk.queueDepth.value'])
  })
  it('bad JSON and unreadable files are one clear line', () => {
    expect(problems(() => {}, '{"name": ')).toEqual([expect.stringMatching(/^FILE: invalid JSON \(.+\)$/)])
    expect(errorLines(() => loadProfile({config: join(dir, 'none.json')}))).toEqual([
      `${join(dir, 'none.json')}: cannot read the profile (no such file)`,
    ])
    expect(errorLines(() => loadProfile({config: dir}))).toEqual([`${dir}: cannot read the profile (is a directory)`])
  })
})

describe('bad --set', () => {
  it('unknown path names the nearby valid keys', () => {
    expect(errorLines(() => loadProfile({set: ['cache.l2hit=3']}))).toEqual([
      "--set cache.l2hit=3: unknown key 'l2hit' in 'cache' (nearby: l2Hit, l1Hit, l3Hit, l2Size, l1dSize, l1iSize)",
    ])
    expect(errorLines(() => loadProfile({set: ['cpus.pause=3']}))[0]).toMatch(
      /^--set cpus.pause=3: unknown key 'cpus' at the top level \(nearby: cpu, /,
    )
    expect(errorLines(() => loadProfile({set: ['cache.l2Hit.valeu=3']}))[0]).toBe(
      "--set cache.l2Hit.valeu=3: unknown key 'valeu' in 'cache.l2Hit' (nearby: value, fitted, unit, source, estimate)",
    )
    expect(errorLines(() => loadProfile({set: ['cache=3']}))[0]).toMatch(
      /^--set cache=3: 'cache' is a group, not a constant/,
    )
  })
  it('malformed assignment', () => {
    expect(errorLines(() => loadProfile({set: ['machine.cores']}))).toEqual([
      "--set machine.cores: expected path=value (e.g. --set machine.cores=4), found 'machine.cores'",
    ])
    expect(errorLines(() => loadProfile({set: ['=4']}))[0]).toMatch(/^--set =4: expected path=value/)
  })
  it('bad value is caught by re-validation and blamed on the --set', () => {
    expect(errorLines(() => loadProfile({set: ['cache.l2Hit=abc']}))).toEqual([
      'configs/xeon-e5520.json with --set cache.l2Hit=abc: cache.l2Hit.value: expected a number >= 0, found "abc"',
    ])
    expect(errorLines(() => loadProfile({set: ['cache.l2Hit.unit=bytes']}))).toEqual([
      'configs/xeon-e5520.json with --set cache.l2Hit.unit=bytes: cache.l2Hit.unit: expected a time unit (cycles, ' +
        'ns, us, ms, s), found "bytes"',
    ])
  })
  it('cores beyond the machine', () => {
    expect(errorLines(() => loadProfile({set: ['machine.cores=9']}))).toEqual([
      'configs/xeon-e5520.json with --set machine.cores=9: machine.cores.value: expected at most sockets x ' +
        'coresPerSocket = 8, found 9',
    ])
    expect(errorLines(() => loadProfile({set: ['machine.cores=8', 'machine.sockets=1']}))[0]).toMatch(
      /expected at most sockets x coresPerSocket = 4, found 8$/,
    )
    expect(errorLines(() => loadProfile({set: ['machine.cores=0']}))[0]).toMatch(
      /machine.cores.value: expected a positive integer, found 0$/,
    )
  })
})

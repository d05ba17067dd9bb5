import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  DEFAULT_PROFILE,
  listConstants,
  loadProfile,
  readProfileJson,
  resolveParams,
  validateProfile,
} from '../../src/config/index.js'
import {PACKAGE_ROOT} from '../../src/config/load.js'
import {e5520Params} from '../machine/fixture.js'

const CONFIGS = join(PACKAGE_ROOT, 'configs')
const shipped = readdirSync(CONFIGS).filter((f) => f.endsWith('.json'))

describe('shipped profiles', () => {
  it('there are the three profiles, default first', () => {
    expect(shipped).toEqual(expect.arrayContaining(['xeon-e5520.json', 'flexsc-i7.json', 'modern-mitigated.json']))
    expect(DEFAULT_PROFILE).toBe(join(CONFIGS, 'xeon-e5520.json'))
  })

  it.each(shipped)(
    '%s: every numeric estimate carries a plausible range and its reason (the sensitivity analysis)',
    (file) => {
      const path = join(CONFIGS, file)
      const missing = listConstants(validateProfile(readProfileJson(path), path))
        .filter((c) => c.estimate && typeof c.value === 'number' && !(c.range && c.rangeSource))
        .map((c) => c.path)
      expect(missing).toEqual([])
    },
  )

  it.each(shipped)('%s validates and every constant cites a source', (file) => {
    const path = join(CONFIGS, file)
    const profile = validateProfile(readProfileJson(path), path)
    for (const c of listConstants(profile)) {
      // a citation has a URL or is derived from cited inputs; an estimate says why
      if (c.estimate) expect(c.source, c.path).toMatch(/^(estimate|illustrative)/)
      else expect(c.source, c.path).toMatch(/https?:\/\/|^derived: /)
    }
  })

  it('only the what-if profile is illustrative', () => {
    expect(loadProfile().profile.illustrative).toBeUndefined()
    expect(loadProfile({config: join(CONFIGS, 'modern-mitigated.json')}).profile.illustrative).toBe(true)
  })

  it('resolves to a MachineParams with exactly the fields of the canonical shape', () => {
    const shape = (o: unknown): unknown =>
      o !== null && typeof o === 'object'
        ? Object.fromEntries(
            Object.entries(o)
              .sort()
              .map(([k, v]) => [k, k === 'footprints' ? '*' : shape(v)]),
          )
        : typeof o
    expect(shape(loadProfile().params)).toEqual(shape(e5520Params()))
  })
})

describe('resolveParams on the E5520 testbed (hand-computed)', () => {
  const {params: p, profile, estimates} = loadProfile()

  it('topology and sizes', () => {
    expect(p.profile).toBe('xeon-e5520')
    expect(p.clockHz).toBe(2.26e9)
    expect([p.sockets, p.coresPerSocket, p.cores]).toEqual([2, 4, 8])
    expect(p.memoryBytes).toBe(12 * 2 ** 30)
    expect(p.cache.l2Bytes).toBe(262_144)
    expect(p.cache.l3BytesPerSocket).toBe(8 * 2 ** 20)
  })
  it('times in ns/ms/rpm become whole cycles at 2.26 GHz', () => {
    expect(p.cache.memoryLocal).toBe(183) // 81 ns
    expect(p.cache.memoryRemote).toBe(269) // 119 ns
    expect(p.disk.avgSeek).toBe(19_662_000) // 8.7 ms
    expect(p.disk.rotation).toBe(18_833_333) // 7200 rpm
    expect(p.disk.controllerOverhead).toBe(226_000) // 0.1 ms
    expect(p.nic.linkLatency).toBe(33_900) // 15 us
    expect(p.cpu.contextSwitch).toBe(2034) // 900 ns
    expect(p.kernel.timeslice).toBe(6_780_000) // 3 ms: what the kernel's own 3_000_000 ns gave before
    for (const v of [p.cache.memoryLocal, p.disk.rotation, p.cpu.addressSpaceSwitch])
      expect(Number.isInteger(v)).toBe(true)
  })
  it('bandwidths become bytes per cycle, the wire rate bits per second', () => {
    expect(p.copy.inCacheBytesPerCycle).toBe(16)
    expect(p.copy.memoryBytesPerCyclePerCore).toBeCloseTo(1.5965, 4) // 3608 MB/s / 2.26 GHz
    expect(p.copy.crossSocketBytesPerCycle).toBeCloseTo(5.1858, 4) // 11.72 GB/s
    expect(p.disk.transferBytesPerCycle).toBeCloseTo(0.028673, 6) // 64.8 MB/s
    expect(p.nic.wireBitsPerSecond).toBe(1e9)
    expect(p.nic.mtuBytes - p.nic.tcpIpHeaderBytes).toBe(1448)
  })
  it('entry + exit + the null handler is the E5520 58 ns gettid round trip', () => {
    const fp = p.syscalls.footprints.null
    expect(fp).toEqual({instructions: 30, ipc: 1, l1i: 2, l1d: 4, l2: 6, l3: 6, dtlb: 1})
    expect(p.cpu.syscallEntry + Math.ceil(fp.instructions / fp.ipc) + p.cpu.syscallExit).toBe(131)
  })
  it('FlexSC rows map to calls: measured rows as given, pairs split by their share', () => {
    const fp = p.syscalls.footprints
    expect(Object.keys(fp).sort()).toEqual([
      'close',
      'mmap',
      'munmap',
      'null',
      'open',
      'pipe_read',
      'pipe_write',
      'pread',
      'pwrite',
      'stat',
      'tmpfs_read',
      'tmpfs_write',
    ])
    expect(fp.pwrite).toEqual({instructions: 5689, ipc: 0.18, l1i: 50, l1d: 373, l2: 985, l3: 3160, dtlb: 44})
    // open+close = 6631 instructions, 47/240/900/3534 lines, 28 d-TLB entries; share 0.5
    expect(fp.open).toEqual({instructions: 3316, ipc: 0.34, l1i: 24, l1d: 120, l2: 450, l3: 1767, dtlb: 14})
    expect(fp.close.instructions + fp.open.instructions).toBe(6631)
    expect(fp.close.l1i + fp.open.l1i).toBe(47)
    expect(fp.mmap.instructions + fp.munmap.instructions).toBe(8977)
    expect(p.syscalls.indirectRecovery).toBe(14_000)
  })
  it('a different share moves the split', () => {
    const fp = resolveParams({
      ...profile,
      syscalls: {...profile.syscalls, openShare: {...profile.syscalls.openShare, value: 0.8}},
    }).syscalls.footprints
    expect(fp.open.instructions).toBe(5305) // round(6631 x 0.8)
    expect(fp.close.instructions).toBe(1326)
  })
  it('lists the estimates by JSON path', () => {
    expect(estimates).toContain('cpu.contextSwitch')
    expect(estimates).toContain('hypervisor.hypercall')
    expect(estimates).toContain('syscalls.defaultFootprint.instructions')
    expect(estimates).toContain('syscalls.nullFootprint.instructions')
    expect(estimates).toContain('kernel.timeslice')
    expect(estimates).not.toContain('cache.l1Hit')
    expect(estimates).not.toContain('syscalls.footprints.pwrite.instructions')
  })
})

describe('the FlexSC Core i7 profile', () => {
  const {params: p} = loadProfile({config: join(CONFIGS, 'flexsc-i7.json')})
  it('has the paper testbed and its measured mode switch', () => {
    expect([p.clockHz, p.sockets, p.cores]).toEqual([2.3e9, 1, 4])
    expect([p.cpu.syscallEntry, p.cpu.syscallExit]).toEqual([79, 71])
    expect([p.cache.l2Bytes, p.cache.l2Hit, p.cache.memoryLocal]).toEqual([512 * 1024, 11, 250])
    // ns-valued constants follow the clock: 900 ns at 2.3 GHz
    expect(p.cpu.contextSwitch).toBe(2070)
  })
})

/** Pipe and tmpfs reads and writes have footprint rows of their own in the shipped profiles. */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {callFootprint, PIPE_READ, PIPE_WRITE, TMPFS_READ, TMPFS_WRITE, workOf} from '../../src/kernel/footprints.js'
import type {MachineParams} from '../../src/machine/params.js'
import {nativeSystem} from './fixture.js'

const PROFILES = ['configs/xeon-e5520.json', 'configs/flexsc-i7.json', 'configs/modern-mitigated.json']

describe('pipe and tmpfs footprint rows', () => {
  it('every profile gives the four rows as its shares of the pread and pwrite rows', () => {
    for (const path of PROFILES) {
      const {params, profile} = loadProfile(path)
      const fps = params.syscalls.footprints
      const s = profile.syscalls
      const cases: [string, string, number][] = [
        [PIPE_READ, 'pread', s.pipeReadShare.value],
        [PIPE_WRITE, 'pwrite', s.pipeWriteShare.value],
        [TMPFS_READ, 'pread', s.tmpfsReadShare.value],
        [TMPFS_WRITE, 'pwrite', s.tmpfsWriteShare.value],
      ]
      for (const [row, of, share] of cases) {
        expect(fps[row], `${path} ${row}`).toBeDefined()
        expect(fps[row].instructions).toBe(Math.round(fps[of].instructions * share))
        expect(fps[row].l2).toBe(Math.round(fps[of].l2 * share))
        expect(fps[row].ipc).toBe(fps[of].ipc)
        expect(fps[row].instructions).toBeLessThan(fps[of].instructions)
      }
    }
  })

  it('a read or write on a pipe or tmpfs fd takes its own row, not the file or default one', () => {
    const {params} = loadProfile()
    const fps = params.syscalls.footprints
    for (const call of ['read', 'readv'] as const)
      expect(callFootprint(params, workOf(call, 'pipe'))).toBe(fps[PIPE_READ])
    for (const call of ['write', 'writev'] as const)
      expect(callFootprint(params, workOf(call, 'pipe'))).toBe(fps[PIPE_WRITE])
    expect(callFootprint(params, workOf('read', 'tmpfs'))).toBe(fps[TMPFS_READ])
    expect(callFootprint(params, workOf('pwrite', 'tmpfs'))).toBe(fps[TMPFS_WRITE])
    expect(callFootprint(params, workOf('read', 'pipe'))).not.toBe(params.syscalls.defaultFootprint)
    expect(callFootprint(params, workOf('read', 'file'))).toBe(fps.pread)
  })

  it('a pipe write in a running system is charged the pipe_write row', () => {
    const writeCycles = (params: MachineParams) => {
      const {host, system} = nativeSystem({params})
      let t = 0
      system.spawnProcess(function* (sys) {
        const [, wr] = (yield* sys.call('pipe', {})).fds!
        const t0 = sys.now()
        yield* sys.write(wr, 64)
        t = sys.now() - t0
      })
      host.run()
      return t
    }
    const base = loadProfile().params
    const pw = base.syscalls.footprints[PIPE_WRITE]
    const heavy: MachineParams = {
      ...base,
      syscalls: {
        ...base.syscalls,
        footprints: {...base.syscalls.footprints, [PIPE_WRITE]: {...pw, instructions: pw.instructions * 10}},
      },
    }
    expect(writeCycles(heavy)).toBeGreaterThan(writeCycles(base) + pw.instructions)
  })
})

import {describe, expect, it} from 'vitest'
import {UsageError} from '../../../src/errors.js'
import {LibFdTable} from '../../../src/kernel/virtuos/fd-table.js'
import {profileCoreSplit, resolveVirtuosParams} from '../../../src/kernel/virtuos/params.js'
import {route} from '../../../src/kernel/virtuos/routing.js'
import {e5520Params} from '../../machine/fixture.js'

describe('routing', () => {
  const fds = new LibFdTable(1024)
  fds.set(3, {domain: 'storage', fd: 0, incarnation: 1})
  fds.set(4, {domain: 'network', fd: 0, incarnation: 1})
  fds.set(5, {domain: 'primary', fd: 0, incarnation: 0})

  it('sends paths under /storage to the storage domain, others stay local', () => {
    expect(route('open', {path: '/storage/db', flags: 0}, fds)).toEqual({kind: 'domain', domain: 'storage'})
    expect(route('stat', {path: '/storage'}, fds)).toEqual({kind: 'domain', domain: 'storage'})
    expect(route('open', {path: '/storagex/a', flags: 0}, fds)).toEqual({kind: 'domain', domain: 'primary'})
    expect(route('unlink', {path: '/tmp/a'}, fds)).toEqual({kind: 'domain', domain: 'primary'})
  })

  it('sends non-AF_UNIX sockets to the network domain', () => {
    expect(route('socket', {domain: 'AF_INET', type: 'SOCK_STREAM'}, fds)).toEqual({kind: 'domain', domain: 'network'})
    expect(route('socket', {domain: 'AF_UNIX', type: 'SOCK_STREAM'}, fds)).toEqual({kind: 'domain', domain: 'primary'})
  })

  it('sends fd calls to the fd owner with its domain-local fd; unknown fds are EBADF', () => {
    expect(route('read', {fd: 3, bytes: 10}, fds)).toEqual({kind: 'domain', domain: 'storage', fd: 0})
    expect(route('send', {fd: 4, bytes: 10}, fds)).toEqual({kind: 'domain', domain: 'network', fd: 0})
    expect(route('close', {fd: 5}, fds)).toEqual({kind: 'domain', domain: 'primary', fd: 0})
    expect(route('read', {fd: 9, bytes: 1}, fds)).toEqual({kind: 'badf'})
  })

  it('keeps process, memory and futex calls local and gives dup2/poll/epoll to the library', () => {
    expect(route('getpid', {}, fds)).toEqual({kind: 'domain', domain: 'primary'})
    expect(route('futex', {addr: 1, op: 0, val: 0}, fds)).toEqual({kind: 'domain', domain: 'primary'})
    expect(route('pipe', {}, fds)).toEqual({kind: 'domain', domain: 'primary'})
    expect(route('dup2', {oldfd: 3, newfd: 7}, fds)).toEqual({kind: 'library'})
    expect(route('poll', {fds: [], timeout: 0}, fds)).toEqual({kind: 'library'})
  })

  it('fd table: lowest free slot, translation back, clone for fork', () => {
    const t = new LibFdTable(8)
    expect(t.install({domain: 'primary', fd: 0, incarnation: 0})).toBe(0)
    expect(t.install({domain: 'network', fd: 0, incarnation: 1})).toBe(1)
    expect(t.find('network', 0)).toBe(1)
    const c = t.clone()
    t.remove(0)
    expect(c.get(0)).toBeDefined()
    expect(t.lowestFree()).toBe(0)
  })
})

describe('virtuos params', () => {
  it("the split is the profile's allocation, consecutive from core 0", () => {
    const e5520 = e5520Params().coreAllocation
    expect(profileCoreSplit(e5520)).toEqual({primary: [0, 1, 2, 3], storage: [4, 5], network: [6, 7]})
    expect(profileCoreSplit({...e5520, virtuosPrimary: 2, virtuosStorage: 1, virtuosNetwork: 3})).toEqual({
      primary: [0, 1],
      storage: [2],
      network: [3, 4, 5],
    })
  })

  it('release defaults and overrides; bad values are usage errors naming the field', () => {
    const profile = e5520Params().virtuos
    const p = resolveVirtuosParams(e5520Params(), profile, {spinIterations: 100})
    expect(p).toMatchObject({
      entriesPerProcess: 454,
      readyQueueEntries: 1362,
      kthreadsPerProcess: 18,
      spinIterations: 100,
      emptyPollsBeforeWake: 5000,
    })
    expect(() => resolveVirtuosParams(e5520Params(), profile, {kthreadsPerProcess: 2000})).toThrow(/kthreadsPerProcess/)
    expect(() =>
      resolveVirtuosParams(e5520Params(), profile, {cores: {primary: [0], storage: [0], network: [1]}}),
    ).toThrow(UsageError)
    expect(() => resolveVirtuosParams({...e5520Params(), cores: 6}, profile)).toThrow(/network: found core 6/)
  })
})

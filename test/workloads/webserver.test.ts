import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {callMix} from '../../src/workloads/common.js'
import {OpRecorder} from '../../src/workloads/clients.js'
import {webConfig, webProfile} from '../../src/workloads/webserver-profile.js'
import {runWebServer} from '../../src/workloads/webserver.js'

const params = loadProfile().params
const cfg = (clients: number) => ({
  ...webConfig(webProfile('mt-server'), params.clockHz, true, clients, 1024),
  measureCycles: Math.round(0.01 * params.clockHz),
})

describe('web server workload', () => {
  it('native: each request is accept, recv, stat, open, read, send (header + body), close x2', () => {
    const c = cfg(4)
    const {rec, bench} = runWebServer(1, params, 'native', c, {kind: 'threads', threads: 4})
    const mix = callMix(bench.system)
    const served = mix['native:stat']
    expect(served).toBeGreaterThan(rec.count) // warm-up and the window's requests
    expect(mix['native:recv']).toBe(served)
    expect(mix['native:read']).toBe(served) // one 64 KiB chunk covers a 1 KiB file
    expect(mix['native:send']).toBe(2 * served)
    expect(mix['native:open']).toBe(served + c.files) // plus warming the web root
    expect(mix['native:accept']).toBe(served + 4) // plus one dummy connection per worker at shutdown
    expect(mix['native:close']).toBe(mix['native:open'] + mix['native:accept'] + 1)
    expect(mix['native:sendfile']).toBeUndefined()
  })

  it('virtuos: socket calls go to the network domain, file calls to the storage domain; prefork registers each process', () => {
    const {bench} = runWebServer(1, params, 'virtuos', cfg(4), {kind: 'processes', processes: 2})
    const mix = callMix(bench.system)
    for (const name of ['accept', 'recv', 'send']) expect(mix[`network:${name}`]).toBeGreaterThan(0)
    for (const name of ['stat', 'open', 'read']) expect(mix[`storage:${name}`]).toBeGreaterThan(0)
    expect(mix['primary:fork']).toBe(2)
    expect(Object.keys(mix).filter((k) => k.startsWith('primary:') && /recv|send|stat|read$/.test(k))).toEqual([])
  })
})

describe('OpRecorder', () => {
  it('counts only operations ending inside the window; nearest-rank quantiles', () => {
    const rec = new OpRecorder({fromCycles: 100, toCycles: 200})
    rec.record(0, 50)
    for (let i = 1; i <= 20; i++) rec.record(100, 100 + i)
    rec.record(150, 250)
    expect(rec.count).toBe(20)
    expect(rec.total).toBe(22)
    expect(rec.quantileCycles(0.95)).toBe(19)
    expect(rec.meanCycles()).toBe(10.5)
    expect(rec.rate(1000)).toBe(200)
  })
})

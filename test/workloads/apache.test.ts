import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {apacheWorkload, mpmChildren} from '../../src/experiments/apache.js'
import {callMix} from '../../src/workloads/common.js'
import {webConfig} from '../../src/workloads/webserver-profile.js'
import {runWebServer} from '../../src/workloads/webserver.js'

const params = loadProfile().params
const cfg = (clients: number) => ({
  ...webConfig(apacheWorkload(), params.clockHz, true, clients, 4096),
  measureCycles: Math.round(0.005 * params.clockHz),
})

describe('apache worker MPM', () => {
  it('children: StartServers at low load, more while fewer than MinSpareThreads are idle, at most MaxRequestWorkers threads', () => {
    const w = apacheWorkload()
    expect(mpmChildren(w, 0)).toBe(w.startServers.value)
    expect(mpmChildren(w, 5)).toBe(4) // 3 x 25 threads leave 70 idle < 75: a fourth child
    expect(mpmChildren(w, 160)).toBe(10) // 160 busy + 75 spare = 235 threads: 10 children of 25
    expect(mpmChildren(w, 1000) * w.threadsPerChild.value).toBe(w.maxThreads.value)
  })

  it('native: the parent forks the children, each of its threads serves accept, recv, stat, open, read, send x2, close x2', () => {
    const c = cfg(8)
    const {rec, bench} = runWebServer(1, params, 'native', c, {kind: 'mpm', processes: 2, threadsPerChild: 3})
    const mix = callMix(bench.system)
    const served = mix['native:stat']
    expect(served).toBeGreaterThan(rec.count)
    expect(mix['native:fork']).toBe(2)
    expect(mix['native:recv']).toBe(served)
    expect(mix['native:read']).toBe(served)
    expect(mix['native:send']).toBe(2 * served)
    expect(mix['native:open']).toBe(served + c.files)
    expect(mix['native:accept']).toBe(served + 6) // plus one dummy connection per worker thread at shutdown
  })

  it('virtuos: every child registers with the service domains; sockets in the network domain, files in storage', () => {
    const {bench} = runWebServer(1, params, 'virtuos', cfg(4), {kind: 'mpm', processes: 2, threadsPerChild: 2})
    const mix = callMix(bench.system)
    expect(mix['primary:fork']).toBe(2)
    for (const name of ['accept', 'recv', 'send']) expect(mix[`network:${name}`]).toBeGreaterThan(0)
    for (const name of ['stat', 'open', 'read']) expect(mix[`storage:${name}`]).toBeGreaterThan(0)
  })
})

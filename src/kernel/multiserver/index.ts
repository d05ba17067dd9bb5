/**
 * A microkernel multiserver system as a dispatch path (registered as `multiserver`): applications
 * run on a small kernel; a storage server (VFS, page cache, block driver) and a network server
 * (TCP/IP, NIC driver) are user-level processes reached by synchronous IPC (ipc.ts), on the
 * caller's core (placement same-core) or on cores of their own (dedicated), the profile's
 * `multiserver.placement`. The servers' state (files, sockets) lives in one Kernel object, the
 * handlers being the same as every design's: same-core, that is the applications' kernel itself;
 * dedicated, a second kernel object over the servers' cores. `multiserverOf(system)` gives tests
 * and experiments the stats, the servers and `crashDomain`.
 */
import {InvariantError} from '../../errors.js'
import {OpenFile, nextDescriptionId} from '../file.js'
import {Kernel} from '../kernel.js'
import {SERVER_HOST} from '../net/network.js'
import {Socket} from '../net/socket.js'
import {dropRef} from '../syscalls/file.js'
import {registerDispatch, type DispatchBackend, type System, type SystemEnv} from '../system.js'
import {ServerBlockDriver} from './block-driver.js'
import {WorkerPool, type MultiserverEnv} from './ipc.js'
import {startMultiserver} from './library.js'
import {
  MICROKERNEL_DOMAIN,
  multiserverCores,
  resolveMultiserverParams,
  SERVERS_DOMAIN,
  type MultiserverParams,
  type ServerName,
} from './params.js'
import {DeadSocket, ownerOf} from './routing.js'
import {MultiserverStats, Server} from './server.js'

export {
  PLACEMENTS,
  resolveMultiserverParams,
  type MultiserverParams,
  type Placement,
  type ServerName,
} from './params.js'
export {MultiserverStats} from './server.js'

export interface MultiserverBackend extends DispatchBackend {
  readonly env: MultiserverEnv
  readonly stats: MultiserverStats
  readonly driver: ServerBlockDriver
  /** The server crashes at `atCycles` and serves again `restartDelayCycles` later (default: the profile's). */
  crashDomain(domain: ServerName, atCycles: number, restartDelayCycles?: number): void
}

export function buildMultiserverBackend(env: SystemEnv): MultiserverBackend {
  const mp = resolveMultiserverParams(
    env.params.multiserver,
    (env.options.multiserver ?? {}) as Partial<MultiserverParams>,
  )
  const cores = multiserverCores(env.params, mp.placement)
  const stats = new MultiserverStats()
  const server = {storage: new Server('storage', env.sim, stats), network: new Server('network', env.sim, stats)}
  const driver = new ServerBlockDriver(server.storage, mp, stats)
  const {app, servers} = buildKernels(env, mp, cores, driver)
  driver.attach(servers)
  const msEnv: MultiserverEnv = {mp, app, servers, server, stats, cores, workers: {} as MultiserverEnv['workers']}
  msEnv.workers = {
    storage: new WorkerPool(msEnv, server.storage, cores.storage),
    network: new WorkerPool(msEnv, server.network, cores.network),
  }
  server.network.setCrashHook(() => killSockets(app))
  app.runtime = {startProcess: (child, program) => startMultiserver(msEnv, env.runner, child, program)}
  return {
    kernels: app === servers ? [app] : [app, servers],
    env: msEnv,
    stats,
    driver,
    spawnProcess(program, name = 'main') {
      const proc = app.createProcess(0)
      startMultiserver(msEnv, env.runner, proc, program, name)
      return {pid: proc.pid, process: proc}
    },
    crashDomain(domain, atCycles, restartDelayCycles) {
      server[domain].scheduleCrash(atCycles, restartDelayCycles ?? mp.restartDelay)
    },
    checkInvariants() {
      if (env.runner.live > 0) return
      for (const s of Object.values(server)) {
        if (s.inFlight.size > 0)
          throw new InvariantError(`multiserver: ${s.inFlight.size} calls to the ${s.name} server never answered`)
      }
    },
  }
}

/**
 * Same-core: one kernel on the applications' cores holds the servers' state too. Dedicated: the
 * servers' kernel object on the network server's cores then the storage server's (the NIC's and
 * the disk's interrupts land on its first core, a network core).
 */
function buildKernels(
  env: SystemEnv,
  mp: MultiserverParams,
  cores: MultiserverEnv['cores'] & {app: number[]},
  driver: ServerBlockDriver,
): {app: Kernel; servers: Kernel} {
  const base = {sim: env.sim, params: env.params, machine: env.machine, kernel: env.kernel}
  const owner = {disk: true, blockDevice: driver, network: env.network, host: SERVER_HOST}
  if (mp.placement === 'same-core') {
    const k = new Kernel({...base, ...owner, domain: MICROKERNEL_DOMAIN, cpus: cores.app})
    return {app: k, servers: k}
  }
  const app = new Kernel({...base, domain: MICROKERNEL_DOMAIN, cpus: cores.app, disk: false})
  const servers = new Kernel({...base, ...owner, domain: SERVERS_DOMAIN, cpus: [...cores.network, ...cores.storage]})
  return {app, servers}
}

/**
 * The network server's TCP/IP state is gone: every socket and epoll instance of every process is
 * closed (its peers see the connection end, as when VirtuOS's network domain dies with its mirror
 * processes) and its fd stays taken by a dead socket until the application closes it.
 */
function killSockets(app: Kernel): void {
  for (const proc of app.processes.values()) {
    if (proc.exitCode !== null) continue
    for (const [fd, file] of proc.fds.entries()) {
      if (ownerOf(file.obj) !== 'network' || file.obj instanceof DeadSocket) continue
      proc.fds.installAt(fd, new OpenFile(new DeadSocket(), file.flags, nextDescriptionId(app.sim)))
      // a caller inside recv (same-core: its own thread in the dead server) returns; its call fails
      if (file.obj instanceof Socket) {
        file.obj.shutRd = true
        file.obj.wakeEveryone()
      }
      dropRef(file)
    }
  }
}

registerDispatch('multiserver', buildMultiserverBackend)

/** The backend of a system built with `system: 'multiserver'`. */
export function multiserverOf(system: System): MultiserverBackend {
  const b = system.backend as Partial<MultiserverBackend>
  if (!b.stats || !b.driver || system.name !== 'multiserver')
    throw new InvariantError(`system ${system.name} is not multiserver`)
  return b as MultiserverBackend
}

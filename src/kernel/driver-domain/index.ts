/**
 * Isolated driver domains as a dispatch path (registered as `driver-domain`): Linux as a PV guest
 * running the applications, its own page cache, VFS and TCP/IP (the same handlers), with disk and
 * network I/O through split drivers (split-drivers.ts) to a driver domain on its own vCPUs that
 * owns the disk and the NIC. `driverDomainOf(system)` gives the stats and the drivers.
 *
 * The guest runs the native C library: its kernel's params are a PV guest's (dispatch/pv.ts), so
 * its traps go through Xen. The split drivers plug into the guest through the kernel's declared
 * ports: blkfront is the guest's block device (only the guest submits to the disk), netfront the
 * guest stack's wire egress, and netback the NIC's interrupt sink.
 */
import {InvariantError} from '../../errors.js'
import {after} from '../engine.js'
import {Kernel} from '../kernel.js'
import {SERVER_HOST} from '../net/network.js'
import type {KProcess} from '../process.js'
import {registerDispatch, type DispatchBackend, type System, type SystemEnv} from '../system.js'
import type {Program} from '../types.js'
import {
  DRIVER_DOMAIN,
  GUEST_DOMAIN,
  resolveDriverDomainParams,
  type DriverDomainCores,
  type DriverDomainParams,
} from './params.js'
import {NativeLibC} from '../dispatch/native.js'
import {paravirtualized} from '../dispatch/pv.js'
import {Blkfront, BlockSplitDriver, DriverDomainStats, NetSplitDriver, Outage, type Sides} from './split-drivers.js'

export {
  DRIVER_DOMAIN,
  GUEST_DOMAIN,
  profileDriverDomainCores,
  defaultDriverDomainParams,
  resolveDriverDomainParams,
  type DriverDomainParams,
  type DriverDomainCores,
} from './params.js'
export {DriverDomainStats, Outage} from './split-drivers.js'

export interface DriverDomainBackend extends DispatchBackend {
  readonly guest: Kernel
  readonly driver: Kernel
  readonly cores: DriverDomainCores
  readonly blk: BlockSplitDriver
  readonly net: NetSplitDriver
  readonly stats: DriverDomainStats
  readonly outage: Outage
  /**
   * The driver domain (it holds both devices, so `domain` storage or network is the same one)
   * crashes at `atCycles`, has booted again `restartDelayCycles` later (default 3 s, as VirtuOS's)
   * and its backends reconnect to the guest's frontends after the xenbus handshake (profile
   * driverDomain.xenbusReconnect). The guest keeps running. The crash loses what is on the rings:
   * frames are gone (the guest's and the clients' TCP send them again after their retransmission
   * timeouts; connections survive, their state is in the guest), and blkfront issues the block
   * requests it had on the ring again once reconnected (blkif_recover); until then frames sent or
   * received are dropped and block requests wait in blkfront.
   */
  crashDomain(domain: string, atCycles: number, restartDelayCycles?: number): void
  /** One driver domain holds both devices: a crash of either "domain" takes both down. */
  crashScope(domain: string): readonly ('storage' | 'network')[]
}

export function buildDriverDomainBackend(env: SystemEnv): DriverDomainBackend {
  const dp = resolveDriverDomainParams(
    env.params,
    env.params.driverDomain,
    (env.options.driverDomain ?? {}) as Partial<DriverDomainParams>,
  )
  // both are 64-bit PV guests: their traps, context switches and physical interrupts pay Xen's share
  const pvParams = paravirtualized(env.params)
  const base = {sim: env.sim, params: pvParams, machine: env.machine, kernel: env.kernel}
  const blkfront = new Blkfront(env.sim, env.machine.params.disk.sectorBytes)
  const guest = new Kernel({
    ...base,
    domain: GUEST_DOMAIN,
    cpus: dp.cores.guest,
    disk: true,
    blockDevice: blkfront,
    network: env.network,
    host: SERVER_HOST,
  })
  const driver = new Kernel({...base, domain: DRIVER_DOMAIN, cpus: dp.cores.driver, disk: false})
  const stats = new DriverDomainStats()
  const outage = new Outage()
  const sides: Sides = {guest, driver, params: pvParams, dp, stats, outage}

  const {blk, net} = connectSplitDrivers(env, sides, blkfront)

  const start = (proc: KProcess, program: Program, name: string): void => {
    const thread = guest.createThread(proc, 'user', name)
    env.runner.start(guest, thread, program, new NativeLibC(guest, thread, env.runner))
  }
  guest.runtime = {startProcess: (child, program) => start(child, program, 'main')}

  return {
    kernels: [guest, driver],
    guest,
    driver,
    cores: dp.cores,
    blk,
    net,
    stats,
    outage,
    crashDomain(_domain, atCycles, restartDelayCycles) {
      const restart = restartDelayCycles ?? Math.round(3 * env.params.clockHz)
      scheduleCrash(env, sides, {blk, net}, atCycles, restart + dp.xenbusReconnect)
    },
    crashScope: () => ['storage', 'network'],
    spawnProcess(program, name = 'main') {
      const proc = guest.createProcess(0)
      start(proc, program, name)
      return {pid: proc.pid, process: proc}
    },
    checkInvariants() {
      const quiescent = env.runner.live === 0 && !guest.userWorkLeft()
      // rings drain with the I/O: only a run that ended with no work left must find them empty
      const drained = quiescent && env.machine.disk.queueLength === 0
      for (const ring of [blk.ring, net.tx, net.rx]) ring.check(drained)
      if (drained && blk.pending > 0) throw new InvariantError(`blkfront: ${blk.pending} requests never answered`)
    },
  }
}

/** The driver domain crashes at `atCycles`; its backends are connected again `downCycles` later. */
function scheduleCrash(
  env: SystemEnv,
  {outage}: Sides,
  drivers: {blk: BlockSplitDriver; net: NetSplitDriver},
  atCycles: number,
  downCycles: number,
): void {
  outage.from = atCycles
  outage.to = atCycles + downCycles
  after(env.sim, Math.max(0, atCycles - env.sim.now), () => {
    outage.crashes++
    outage.epoch++
    drivers.blk.crashed()
    drivers.net.crashed()
  })
  after(env.sim, Math.max(0, outage.to - env.sim.now), () => drivers.blk.reconnected())
}

/**
 * The split drivers through the guest kernel's ports: blkfront (the guest's block device) to
 * blkback and the machine disk, netfront as the guest stack's wire egress, netback as the NIC's
 * interrupt sink (it hands the frames on to the guest stack).
 */
function connectSplitDrivers(
  env: SystemEnv,
  sides: Sides,
  blkfront: Blkfront,
): {blk: BlockSplitDriver; net: NetSplitDriver} {
  const disk = env.machine.disk
  const blk = new BlockSplitDriver(sides, (req, done) => disk.submit(req, done))
  blkfront.connect(blk)
  const net = new NetSplitDriver(sides)
  sides.guest.net.setEgress(net)
  env.network.setInterruptSink((frames) =>
    net.receive(frames, (arrivals) => {
      for (const arrive of arrivals) arrive()
    }),
  )
  return {blk, net}
}

registerDispatch('driver-domain', buildDriverDomainBackend)

/** The backend of a system built with `system: 'driver-domain'`. */
export function driverDomainOf(system: System): DriverDomainBackend {
  const b = system.backend as Partial<DriverDomainBackend>
  if (!b.blk || !b.net || system.name !== 'driver-domain') {
    throw new InvariantError(`system ${system.name} is not driver-domain`)
  }
  return b as DriverDomainBackend
}

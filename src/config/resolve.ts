/**
 * Profile -> MachineParams: every constant in its canonical unit (integer cycles, bytes, bytes per
 * cycle, Hz), through units.ts only. Profile-only keys (hyperThreading, footprint cycles, ...) are
 * not read.
 *
 * FlexSC's footprint rows become per-call footprints (the kernel looks calls up by name):
 * - stat, pread, pwrite: the row as measured.
 * - open, close: the open+close row split by `syscalls.openShare` (open gets that share of the
 *   instructions and evicted lines, close the rest; both keep the row's IPC).
 * - mmap, munmap: the mmap+munmap row split by `syscalls.mmapShare` the same way.
 * - open+write+close is kept in the profile as measured data but maps to no call: the write in it
 *   targets a just-opened file, which pwrite's own row covers better.
 * - `syscalls.nullFootprint` (a trivial handler: getpid, getsockopt of a flag, ...) is stored as
 *   footprints[NULL_FOOTPRINT] ('null', no call's name); src/kernel/footprints.ts says which calls
 *   use it.
 * Calls without a footprint (read, write, socket calls, ...) get `syscalls.defaultFootprint`.
 */
import type {MachineParams, SyscallFootprint} from '../machine/params.js'
import type {Constant, Profile} from './schema.js'
import {toBitsPerSecond, toBytes, toBytesPerCycle, toCycles, toHz} from './units.js'

type FootprintRow = Profile['syscalls']['defaultFootprint']

/** The key of the trivial-handler footprint in MachineParams.syscalls.footprints (the kernel's
 * src/kernel/footprints.ts NULL_FOOTPRINT; config does not import the kernel). */
export const NULL_FOOTPRINT = 'null'

export function resolveParams(profile: Profile): MachineParams {
  const p = profile
  const clockHz = toHz(p.machine.clock.value, p.machine.clock.unit)
  const cycles = (c: Constant) => toCycles(c.value, c.unit, clockHz)
  const bytes = (c: Constant) => toBytes(c.value, c.unit)
  const perCycle = (c: Constant) => toBytesPerCycle(c.value, c.unit, clockHz)
  const n = (c: Constant) => c.value
  const sockets = p.machine.sockets.value
  const coresPerSocket = p.machine.coresPerSocket.value

  return {
    profile: p.name,
    clockHz,
    sockets,
    coresPerSocket,
    cores: p.machine.cores?.value ?? sockets * coresPerSocket,
    memoryBytes: bytes(p.machine.memory),
    cache: {
      lineBytes: bytes(p.cache.lineSize),
      l1iBytes: bytes(p.cache.l1iSize),
      l1dBytes: bytes(p.cache.l1dSize),
      l2Bytes: bytes(p.cache.l2Size),
      l3BytesPerSocket: bytes(p.cache.l3SizePerSocket),
      l1Hit: cycles(p.cache.l1Hit),
      l2Hit: cycles(p.cache.l2Hit),
      l3Hit: cycles(p.cache.l3Hit),
      memoryLocal: cycles(p.cache.memoryLocal),
      memoryRemote: cycles(p.cache.memoryRemote),
      tlbMiss: cycles(p.cache.tlbMiss),
      dtlbEntries: n(p.cache.dtlbEntries),
    },
    interconnect: {
      lineTransferSameSocket: cycles(p.interconnect.lineTransferSameSocket),
      lineTransferCrossSocket: cycles(p.interconnect.lineTransferCrossSocket),
      ipi: cycles(p.interconnect.ipi),
      casUncontended: cycles(p.interconnect.casUncontended),
    },
    copy: {
      inCacheBytesPerCycle: perCycle(p.copy.inCache),
      memoryBytesPerCyclePerCore: perCycle(p.copy.memoryPerCore),
      memoryBytesPerCyclePerSocket: perCycle(p.copy.memoryPerSocket),
      crossSocketBytesPerCycle: perCycle(p.copy.crossSocket),
    },
    cpu: {
      syscallEntry: cycles(p.cpu.syscallEntry),
      syscallExit: cycles(p.cpu.syscallExit),
      contextSwitch: cycles(p.cpu.contextSwitch),
      addressSpaceSwitch: cycles(p.cpu.addressSpaceSwitch),
      pause: cycles(p.cpu.pause),
      userThreadSwitch: cycles(p.cpu.userThreadSwitch),
      kernelIpc: n(p.cpu.kernelIpc),
      userIpc: n(p.cpu.userIpc),
      wakeup: cycles(p.cpu.wakeup),
    },
    syscalls: {
      footprints: callFootprints(p),
      defaultFootprint: footprintOf(p.syscalls.defaultFootprint),
      indirectRecovery: cycles(p.syscalls.indirectRecovery),
    },
    hypervisor: {
      hypercall: cycles(p.hypervisor.hypercall),
      vmExitEntry: cycles(p.hypervisor.vmExitEntry),
      eventChannelSend: cycles(p.hypervisor.eventChannelSend),
      virqDelivery: cycles(p.hypervisor.virqDelivery),
      grantMap: cycles(p.hypervisor.grantMap),
      grantUnmap: cycles(p.hypervisor.grantUnmap),
      grantCopyPerPage: cycles(p.hypervisor.grantCopyPerPage),
      domainSwitch: cycles(p.hypervisor.domainSwitch),
      pvGuestModeSwitch: cycles(p.hypervisor.pvGuestModeSwitch),
    },
    disk: {
      avgSeek: cycles(p.disk.avgSeek),
      trackSeek: cycles(p.disk.trackSeek),
      fullSeek: cycles(p.disk.fullSeek),
      rotation: cycles(p.disk.rotation),
      transferBytesPerCycle: perCycle(p.disk.transferRate),
      controllerOverhead: cycles(p.disk.controllerOverhead),
      queueDepth: n(p.disk.queueDepth),
      sectorBytes: bytes(p.disk.sectorSize),
      capacityBytes: bytes(p.disk.capacity),
    },
    nic: {
      wireBitsPerSecond: toBitsPerSecond(p.nic.wireRate.value, p.nic.wireRate.unit, clockHz),
      mtuBytes: bytes(p.nic.mtu),
      frameOverheadBytes: bytes(p.nic.frameOverhead),
      tcpIpHeaderBytes: bytes(p.nic.tcpIpHeader),
      txPacketCycles: cycles(p.nic.txPacket),
      rxPacketCycles: cycles(p.nic.rxPacket),
      interrupt: cycles(p.nic.interrupt),
      framesPerInterrupt: n(p.nic.framesPerInterrupt),
      maxInterruptDelay: cycles(p.nic.maxInterruptDelay),
      minInterruptGap: cycles(p.nic.minInterruptGap),
      linkLatency: cycles(p.nic.linkLatency),
    },
    clients: {
      hosts: n(p.clients.hosts),
      coresPerHost: n(p.clients.coresPerHost),
    },
  }
}

function footprintOf(row: FootprintRow): SyscallFootprint {
  return {
    instructions: row.instructions.value,
    ipc: row.ipc.value,
    l1i: row.l1i.value,
    l1d: row.l1d.value,
    l2: row.l2.value,
    l3: row.l3.value,
    dtlb: row.dtlb.value,
  }
}

const SPLIT_FIELDS = ['instructions', 'l1i', 'l1d', 'l2', 'l3', 'dtlb'] as const

/** A pair's row split into its two calls: `share` to the first (rounded), the rest to the second. */
export function splitFootprint(pair: SyscallFootprint, share: number): [SyscallFootprint, SyscallFootprint] {
  const first = {...pair}
  const second = {...pair}
  for (const f of SPLIT_FIELDS) {
    first[f] = Math.round(pair[f] * share)
    second[f] = pair[f] - first[f]
  }
  return [first, second]
}

/** The per-call footprints the kernel looks up by call name (mapping in the header comment). */
export function callFootprints(p: Profile): Record<string, SyscallFootprint> {
  const rows = p.syscalls.footprints
  const [open, close] = splitFootprint(footprintOf(rows['open+close']), p.syscalls.openShare.value)
  const [mmap, munmap] = splitFootprint(footprintOf(rows['mmap+munmap']), p.syscalls.mmapShare.value)
  return {
    stat: footprintOf(rows.stat),
    pread: footprintOf(rows.pread),
    pwrite: footprintOf(rows.pwrite),
    open,
    close,
    mmap,
    munmap,
    [NULL_FOOTPRINT]: footprintOf(p.syscalls.nullFootprint),
  }
}

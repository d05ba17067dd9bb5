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
 * - pipe_read, pipe_write, tmpfs_read, tmpfs_write (work keys, not call names: footprints.ts maps a
 *   read or write on a pipe or tmpfs fd to them): the pread or pwrite row scaled by the profile's
 *   `syscalls.pipeReadShare` etc., instructions and every level's lines alike, at the row's IPC.
 * Calls without a footprint (read, write, socket calls, ...) get `syscalls.defaultFootprint`.
 */
import type {MachineParams, SyscallFootprint} from '../machine/params.js'
import type {Constant, Profile} from './schema.js'
import {toBitsPerSecond, toBytes, toBytesPerCycle, toCycles, toHz} from './units.js'

type FootprintRow = Profile['syscalls']['defaultFootprint']

/** The key of the trivial-handler footprint in MachineParams.syscalls.footprints (the kernel's
 * src/kernel/footprints.ts NULL_FOOTPRINT; config does not import the kernel). */
export const NULL_FOOTPRINT = 'null'

/** Keys of the work rows derived from a measured row (the kernel's footprints.ts names them the same). */
export const WORK_ROWS = {
  pipeRead: 'pipe_read',
  pipeWrite: 'pipe_write',
  tmpfsRead: 'tmpfs_read',
  tmpfsWrite: 'tmpfs_write',
} as const

/** Converters of a profile's constants into canonical units at the profile's clock. */
interface To {
  clockHz: number
  cycles: (c: Constant) => number
  bytes: (c: Constant) => number
  perCycle: (c: Constant) => number
  n: (c: Constant) => number
}

function convertersAt(clockHz: number): To {
  return {
    clockHz,
    cycles: (c) => toCycles(c.value, c.unit, clockHz),
    bytes: (c) => toBytes(c.value, c.unit),
    perCycle: (c) => toBytesPerCycle(c.value, c.unit, clockHz),
    n: (c) => c.value,
  }
}

export function resolveParams(profile: Profile): MachineParams {
  const p = profile
  const to = convertersAt(toHz(p.machine.clock.value, p.machine.clock.unit))
  const sockets = p.machine.sockets.value
  const coresPerSocket = p.machine.coresPerSocket.value
  return {
    profile: p.name,
    clockHz: to.clockHz,
    sockets,
    coresPerSocket,
    cores: p.machine.cores?.value ?? sockets * coresPerSocket,
    memoryBytes: to.bytes(p.machine.memory),
    cache: cacheParams(p.cache, to),
    interconnect: interconnectParams(p.interconnect, to),
    copy: copyParams(p.copy, to),
    cpu: cpuParams(p.cpu, to),
    syscalls: {
      footprints: callFootprints(p),
      defaultFootprint: footprintOf(p.syscalls.defaultFootprint),
      indirectRecovery: to.cycles(p.syscalls.indirectRecovery),
      fstatShare: p.syscalls.fstatShare.value,
    },
    hypervisor: hypervisorParams(p.hypervisor, to),
    disk: diskParams(p.disk, to),
    nic: nicParams(p.nic, to),
    clients: {
      hosts: to.n(p.clients.hosts),
      coresPerHost: to.n(p.clients.coresPerHost),
      irqPlacement: p.clients.irqPlacement.value,
    },
    virtuos: valuesOf(p.virtuos),
    flexsc: valuesOf(p.flexsc),
    driverDomain: {...valuesOf(p.driverDomain), xenbusReconnect: to.cycles(p.driverDomain.xenbusReconnect)},
    multiserver: {
      placement: p.multiserver.placement.value,
      ipcOneWay: to.cycles(p.multiserver.ipcOneWay),
      inlineMessageBytes: to.bytes(p.multiserver.inlineMessage),
      safecopyCall: to.cycles(p.multiserver.safecopyCall),
      restartDelay: to.cycles(p.multiserver.restartDelay),
    },
    kernel: {...valuesOf(p.kernel), ...kernelTimes(p.kernel, to)},
    workload: valuesOf(p.workload),
    coreAllocation: valuesOf(p.cores),
  }
}

/** A group of unit-free constants (instructions, IPC, counts, shares): each one's value as is. */
function valuesOf<G extends Record<string, Constant<unknown>>>(group: G): {[K in keyof G]: G[K]['value']} {
  return Object.fromEntries(Object.entries(group).map(([k, c]) => [k, c.value])) as {[K in keyof G]: G[K]['value']}
}

function cacheParams(c: Profile['cache'], {bytes, cycles, n}: To): MachineParams['cache'] {
  return {
    lineBytes: bytes(c.lineSize),
    l1iBytes: bytes(c.l1iSize),
    l1dBytes: bytes(c.l1dSize),
    l2Bytes: bytes(c.l2Size),
    l3BytesPerSocket: bytes(c.l3SizePerSocket),
    l1Hit: cycles(c.l1Hit),
    l2Hit: cycles(c.l2Hit),
    l3Hit: cycles(c.l3Hit),
    memoryLocal: cycles(c.memoryLocal),
    memoryRemote: cycles(c.memoryRemote),
    tlbMiss: cycles(c.tlbMiss),
    dtlbEntries: n(c.dtlbEntries),
  }
}

/** The kernel's times (the timeslice, TCP's retransmission-timer bounds): in the profile, cycles for the kernel. */
function kernelTimes(k: Profile['kernel'], {cycles}: To) {
  return {
    timeslice: cycles(k.timeslice),
    tcpRtoMin: cycles(k.tcpRtoMin),
    tcpRtoInitial: cycles(k.tcpRtoInitial),
    tcpRtoMax: cycles(k.tcpRtoMax),
  }
}

function interconnectParams(i: Profile['interconnect'], {cycles}: To): MachineParams['interconnect'] {
  return {
    lineTransferSameSocket: cycles(i.lineTransferSameSocket),
    lineTransferCrossSocket: cycles(i.lineTransferCrossSocket),
    ipi: cycles(i.ipi),
    casUncontended: cycles(i.casUncontended),
  }
}

function copyParams(c: Profile['copy'], {perCycle}: To): MachineParams['copy'] {
  return {
    inCacheBytesPerCycle: perCycle(c.inCache),
    memoryBytesPerCyclePerCore: perCycle(c.memoryPerCore),
    memoryBytesPerCyclePerSocket: perCycle(c.memoryPerSocket),
    crossSocketBytesPerCycle: perCycle(c.crossSocket),
  }
}

function cpuParams(c: Profile['cpu'], {cycles, n}: To): MachineParams['cpu'] {
  return {
    syscallEntry: cycles(c.syscallEntry),
    syscallExit: cycles(c.syscallExit),
    contextSwitch: cycles(c.contextSwitch),
    addressSpaceSwitch: cycles(c.addressSpaceSwitch),
    pause: cycles(c.pause),
    userThreadSwitch: cycles(c.userThreadSwitch),
    kernelIpc: n(c.kernelIpc),
    userIpc: n(c.userIpc),
    warmKernelIpc: n(c.warmKernelIpc),
    wakeup: cycles(c.wakeup),
  }
}

function hypervisorParams(h: Profile['hypervisor'], {cycles}: To): MachineParams['hypervisor'] {
  return {
    hypercall: cycles(h.hypercall),
    eventChannelSend: cycles(h.eventChannelSend),
    virqDelivery: cycles(h.virqDelivery),
    grantMap: cycles(h.grantMap),
    grantUnmap: cycles(h.grantUnmap),
    grantCopyPerPage: cycles(h.grantCopyPerPage),
    pvGuestModeSwitch: cycles(h.pvGuestModeSwitch),
    ipc: h.ipc.value,
  }
}

function diskParams(d: Profile['disk'], {bytes, cycles, n, perCycle}: To): MachineParams['disk'] {
  return {
    avgSeek: cycles(d.avgSeek),
    trackSeek: cycles(d.trackSeek),
    fullSeek: cycles(d.fullSeek),
    rotation: cycles(d.rotation),
    transferBytesPerCycle: perCycle(d.transferRate),
    controllerOverhead: cycles(d.controllerOverhead),
    queueDepth: n(d.queueDepth),
    sectorBytes: bytes(d.sectorSize),
    capacityBytes: bytes(d.capacity),
    interrupt: cycles(d.interrupt),
    completionInstructions: n(d.completionInstructions),
  }
}

function nicParams(nic: Profile['nic'], {bytes, clockHz, cycles, n}: To): MachineParams['nic'] {
  return {
    wireBitsPerSecond: toBitsPerSecond(nic.wireRate.value, nic.wireRate.unit, clockHz),
    mtuBytes: bytes(nic.mtu),
    frameOverheadBytes: bytes(nic.frameOverhead),
    tcpIpHeaderBytes: bytes(nic.tcpIpHeader),
    txPacketCycles: cycles(nic.txPacket),
    rxPacketCycles: cycles(nic.rxPacket),
    interrupt: cycles(nic.interrupt),
    framesPerInterrupt: n(nic.framesPerInterrupt),
    maxInterruptDelay: cycles(nic.maxInterruptDelay),
    minInterruptGap: cycles(nic.minInterruptGap),
    linkLatency: cycles(nic.linkLatency),
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
    ...workFootprints(p),
  }
}

/** The rows of work with no measured row of its own: a share of the measured row of the same kind of call. */
function workFootprints(p: Profile): Record<string, SyscallFootprint> {
  const s = p.syscalls
  const share = (row: SyscallFootprint, x: number) => splitFootprint(row, x)[0]
  const pread = footprintOf(s.footprints.pread)
  const pwrite = footprintOf(s.footprints.pwrite)
  return {
    [WORK_ROWS.pipeRead]: share(pread, s.pipeReadShare.value),
    [WORK_ROWS.pipeWrite]: share(pwrite, s.pipeWriteShare.value),
    [WORK_ROWS.tmpfsRead]: share(pread, s.tmpfsReadShare.value),
    [WORK_ROWS.tmpfsWrite]: share(pwrite, s.tmpfsWriteShare.value),
  }
}

/**
 * MachineParams for tests, in canonical units (cycles, bytes, bytes/cycle). Values follow
 * the E5520 testbed profile and FlexSC's Core i7 (Soares & Stumm, OSDI 2010); the estimates here are only
 * test inputs, the real profile lives in configs/. Prefer loading configs/xeon-e5520.json once
 * src/config exists.
 */
import type {CoreAllocation, MachineParams, SyscallFootprint} from '../../src/machine/params.js'

const fp = (
  instructions: number,
  ipc: number,
  l1i: number,
  l1d: number,
  l2: number,
  l3: number,
  dtlb: number,
): SyscallFootprint => ({
  instructions,
  ipc,
  l1i,
  l1d,
  l2,
  l3,
  dtlb,
})

/** FlexSC table 1 (64-byte lines). */
export const flexscFootprints: Record<string, SyscallFootprint> = {
  stat: fp(4972, 0.37, 32, 186, 660, 2559, 21),
  pread: fp(3739, 0.3, 32, 294, 679, 2160, 20),
  pwrite: fp(5689, 0.18, 50, 373, 985, 3160, 44),
  'open+close': fp(6631, 0.34, 47, 240, 900, 3534, 28),
  'mmap+munmap': fp(8977, 0.47, 41, 233, 869, 3913, 7),
  'open+write+close': fp(9921, 0.3, 78, 481, 1462, 5105, 49),
}

/**
 * The shipped profiles' allocation rule for `cores` cores (native all, FlexSC 1 syscall core, VirtuOS
 * primary half rounded up and the rest split storage-first, driver-domain guest half rounded up).
 */
export function allocationFor(cores: number): CoreAllocation {
  const primary = Math.min(Math.ceil(cores / 2), cores - 2)
  const storage = Math.ceil((cores - primary) / 2)
  const guest = Math.ceil(cores / 2)
  return {
    nativeApplication: cores,
    flexscSyscall: 1,
    virtuosPrimary: primary,
    virtuosStorage: storage,
    virtuosNetwork: cores - primary - storage,
    driverDomainGuest: guest,
    driverDomainDriver: cores - guest,
  }
}

const GHZ = 2.26
const ms = (x: number) => Math.round(x * GHZ * 1e6)
const us = (x: number) => Math.round(x * GHZ * 1e3)

export function e5520Params(): MachineParams {
  return {
    profile: 'test-e5520',
    clockHz: GHZ * 1e9,
    sockets: 2,
    coresPerSocket: 4,
    cores: 8,
    memoryBytes: 12 * 2 ** 30,
    cache: {
      lineBytes: 64,
      l1iBytes: 32 * 1024,
      l1dBytes: 32 * 1024,
      l2Bytes: 256 * 1024,
      l3BytesPerSocket: 8 * 2 ** 20,
      l1Hit: 4,
      l2Hit: 10,
      l3Hit: 40,
      memoryLocal: 183,
      memoryRemote: 269,
      tlbMiss: 23,
      dtlbEntries: 64,
    },
    interconnect: {lineTransferSameSocket: 75, lineTransferCrossSocket: 200, ipi: 1500, casUncontended: 17},
    copy: {
      inCacheBytesPerCycle: 16,
      memoryBytesPerCyclePerCore: 9.3 / GHZ,
      memoryBytesPerCyclePerSocket: 25.6 / GHZ,
      crossSocketBytesPerCycle: 11.7 / GHZ,
    },
    cpu: {
      syscallEntry: 70,
      syscallExit: 61,
      contextSwitch: 2500,
      addressSpaceSwitch: 1000,
      pause: 10,
      userThreadSwitch: 100,
      kernelIpc: 0.32,
      warmKernelIpc: 1.13,
      userIpc: 1.0,
      wakeup: 1500,
    },
    syscalls: {
      footprints: flexscFootprints,
      defaultFootprint: fp(300, 0.32, 4, 10, 20, 40, 2),
      indirectRecovery: 14000,
      fstatShare: 0.2,
    },
    hypervisor: {
      hypercall: 1300,
      eventChannelSend: 1400,
      virqDelivery: 1556,
      grantMap: 1000,
      grantUnmap: 1500,
      grantCopyPerPage: 1100,
      pvGuestModeSwitch: 339,
      ipc: 0.32,
    },
    disk: {
      avgSeek: ms(8.7),
      trackSeek: ms(1),
      fullSeek: ms(20),
      rotation: Math.round((60 / 7200) * GHZ * 1e9),
      transferBytesPerCycle: 64.8e6 / (GHZ * 1e9),
      controllerOverhead: us(100),
      queueDepth: 32,
      sectorBytes: 512,
      capacityBytes: 500e9,
      interrupt: 2000,
      completionInstructions: 3000,
    },
    nic: {
      wireBitsPerSecond: 1e9,
      mtuBytes: 1500,
      frameOverheadBytes: 38,
      tcpIpHeaderBytes: 52,
      txPacketCycles: 4000,
      rxPacketCycles: 6000,
      interrupt: 3000,
      framesPerInterrupt: 8,
      maxInterruptDelay: us(125),
      minInterruptGap: us(15.625),
      linkLatency: us(50),
    },
    clients: {hosts: 1, coresPerHost: 4, irqPlacement: 'spread'},
    // mechanism constants as configs/xeon-e5520.json has them
    virtuos: {
      libraryCallInstructions: 150,
      pollInstructions: 40,
      registerInstructions: 20_000,
      forkDupInstructionsPerFd: 300,
    },
    flexsc: {
      postInstructions: 20,
      harvestInstructions: 10,
      dispatchInstructions: 20,
      waitInstructions: 30,
      switchInstructions: 20,
      hotLoopIpc: 1,
      lineFillBuffers: 10,
    },
    driverDomain: {blkRequestInstructions: 1500, netFrameInstructions: 1000, xenbusReconnect: 0.1 * GHZ * 1e9},
    multiserver: {
      placement: 'same-core',
      ipcOneWay: 288,
      inlineMessageBytes: 64,
      safecopyCall: 400,
      restartDelay: 0.3 * GHZ * 1e9,
    },
    kernel: {
      pollPerFdInstructions: 120,
      timeslice: ms(3),
      tickHz: 250,
      tcpRtoMin: 0.2 * GHZ * 1e9,
      tcpRtoInitial: GHZ * 1e9,
      tcpRtoMax: 120 * GHZ * 1e9,
      tcpRetries2: 15,
      tcpSynRetries: 5,
      irqPlacement: 'core0',
    },
    workload: {liveL1iShare: 1, liveL1dShare: 1, liveL2Share: 0.5, liveL3Share: 0.5, liveDtlbShare: 1},
    coreAllocation: allocationFor(8),
  }
}

/** FlexSC's testbed (paper/flexsc.md): Core i7 2.3 GHz, 4 cores, L2 512 KB, L3 8 MB, memory ~250 cycles. */
export function flexscI7Params(): MachineParams {
  const p = e5520Params()
  return {
    ...p,
    profile: 'test-flexsc-i7',
    clockHz: 2.3e9,
    sockets: 1,
    coresPerSocket: 4,
    cores: 4,
    coreAllocation: allocationFor(4),
    cache: {...p.cache, l2Bytes: 512 * 1024, l1Hit: 4, l2Hit: 11, l3Hit: 38, memoryLocal: 250, memoryRemote: 250},
    cpu: {...p.cpu, syscallEntry: 79, syscallExit: 71},
  }
}

/**
 * The machine's parameters in canonical units, resolved from a profile (configs/*.json) by
 * src/config/resolve.ts: times are integer cycles of the core clock, sizes are bytes, bandwidths
 * are bytes per cycle. Every model cost is computed from these; nothing else holds a constant.
 *
 * Names mirror the profile's keys (`cache.l2Hit` in the profile -> `cache.l2Hit` here, in cycles).
 */
export interface MachineParams {
  /** Profile name, e.g. "xeon-e5520". */
  profile: string
  /** Core clock in Hz (the reference clock of simulated time). */
  clockHz: number
  sockets: number
  coresPerSocket: number
  /** Cores in use: the first `cores` of sockets x coresPerSocket (socket-major numbering). */
  cores: number
  memoryBytes: number

  cache: {
    lineBytes: number
    l1iBytes: number
    l1dBytes: number
    l2Bytes: number
    l3BytesPerSocket: number
    /** Hit latencies, cycles. */
    l1Hit: number
    l2Hit: number
    l3Hit: number
    /** Load that misses every cache, to the socket's own memory / the other socket's. */
    memoryLocal: number
    memoryRemote: number
    /** d-TLB miss (page walk that hits in cache), cycles; dtlbEntries = L1 d-TLB 4K entries. */
    tlbMiss: number
    dtlbEntries: number
  }

  interconnect: {
    /** A modified cache line moving to another core of the same socket / across sockets. */
    lineTransferSameSocket: number
    lineTransferCrossSocket: number
    /** Inter-processor interrupt, send to handler entry on the target core. */
    ipi: number
    /** LOCK CMPXCHG on a line the core already owns. Contended = this + a line transfer. */
    casUncontended: number
  }

  copy: {
    /** memcpy when source and destination are cache resident. */
    inCacheBytesPerCycle: number
    /** memcpy streaming from memory, one core. */
    memoryBytesPerCyclePerCore: number
    /** Sustained memory bandwidth a socket can give all its cores together. */
    memoryBytesPerCyclePerSocket: number
    /** Socket-to-socket link (QPI), per direction. */
    crossSocketBytesPerCycle: number
  }

  cpu: {
    /** Mode switch of a synchronous system call (user -> kernel, kernel -> user). */
    syscallEntry: number
    syscallExit: number
    /** Kernel thread switch within one address space / the extra for switching address space. */
    contextSwitch: number
    addressSpaceSwitch: number
    /** One x86 `pause` spin iteration. */
    pause: number
    /** A user-level (M:N) thread switch: save and restore registers in the library. */
    userThreadSwitch: number
    /** Kernel-mode IPC when a handler has no footprint entry of its own. */
    kernelIpc: number
    /** Undisturbed user-mode IPC when a workload gives none. */
    userIpc: number
    /** Kernel-mode IPC of a handler whose code and data are resident on its core (kernel-locality.ts). */
    warmKernelIpc: number
    /** Wake-up of a blocked thread: the waker's cost (futex wake, try_to_wake_up). */
    wakeup: number
  }

  /**
   * Direct and indirect cost of system calls. `footprints` are per call type (FlexSC table 1):
   * kernel instructions and IPC, and what the call evicts (64-byte lines; d-TLB entries).
   */
  syscalls: {
    footprints: Record<string, SyscallFootprint>
    /** Footprint used for a call with no entry of its own (a null-like call). */
    defaultFootprint: SyscallFootprint
    /** Cycles until user IPC is back to normal after the worst call measured (FlexSC: ~14,000). */
    indirectRecovery: number
    /** fstat's share of the stat row's work and footprint (no path walk). */
    fstatShare: number
  }

  hypervisor: {
    hypercall: number
    /** Sending an event-channel notification (EVTCHNOP_send hypercall), sender's cost. */
    eventChannelSend: number
    /** Delivering the resulting virtual interrupt (upcall) in the target domain. */
    virqDelivery: number
    grantMap: number
    grantUnmap: number
    /** GNTTABOP_copy of one 4 KiB page. */
    grantCopyPerPage: number
    /**
     * One switch between a 64-bit PV guest's kernel and user mode inside Xen (toggle_guest_mode:
     * swapgs + CR3 load to the other page table, user global TLB entries kept). Twice per guest syscall.
     */
    pvGuestModeSwitch: number
    /** Instructions per cycle of Xen's own code: hypervisor-mode instructions for the counters. */
    ipc: number
  }

  disk: {
    avgSeek: number
    trackSeek: number
    fullSeek: number
    /** One full revolution; average rotational latency is half of it. */
    rotation: number
    transferBytesPerCycle: number
    /** Per-request controller and command overhead. */
    controllerOverhead: number
    queueDepth: number
    sectorBytes: number
    capacityBytes: number
    /** CPU: the completion interrupt on the interrupt core (a PV domain's adds Xen's pirq upcall). */
    interrupt: number
    /** CPU: the block layer's completion work per request (end the request, finish its pages). */
    completionInstructions: number
  }

  nic: {
    wireBitsPerSecond: number
    mtuBytes: number
    /** Bytes on the wire per frame beyond the IP packet (Ethernet header, FCS, preamble, gap). */
    frameOverheadBytes: number
    /** IP + TCP header bytes per segment (MSS = mtu - this). */
    tcpIpHeaderBytes: number
    /** CPU cycles of the protocol stack and driver per packet sent / received. */
    txPacketCycles: number
    rxPacketCycles: number
    /** Hardware interrupt handling on the receiving core. */
    interrupt: number
    /** Frames per interrupt (interrupt coalescing / NAPI). */
    framesPerInterrupt: number
    /** Adaptive interrupt moderation: the longest interval (under load) and the shortest (idle). */
    maxInterruptDelay: number
    minInterruptGap: number
    /** One-way propagation + switch latency to a client host. */
    linkLatency: number
  }

  clients: {
    hosts: number
    coresPerHost: number
    /** Where a client host's kernel takes its receive interrupts: the load generators' own placement. */
    irqPlacement: 'core0' | 'spread'
  }

  /**
   * Mechanism constants of the designs, from the profile's groups of the same names. They are the
   * defaults: an experiment's per-design options (`options.virtuos`, `options.flexsc`,
   * `options.driverDomain`, `options.kernel`) still override them. Instructions are counts, IPC a
   * ratio, shares fractions.
   */
  virtuos: {
    libraryCallInstructions: number
    pollInstructions: number
    registerInstructions: number
    forkDupInstructionsPerFd: number
  }
  flexsc: {
    postInstructions: number
    harvestInstructions: number
    dispatchInstructions: number
    waitInstructions: number
    switchInstructions: number
    hotLoopIpc: number
    lineFillBuffers: number
  }
  driverDomain: {
    blkRequestInstructions: number
    netFrameInstructions: number
    /** Cycles from a restarted driver domain's boot to its backends reconnected (xenbus handshake, hotplug). */
    xenbusReconnect: number
  }
  /** The multiserver design (src/kernel/multiserver): IPC, copies and restart, cycles and bytes. */
  multiserver: {
    placement: 'same-core' | 'dedicated'
    ipcOneWay: number
    inlineMessageBytes: number
    safecopyCall: number
    restartDelay: number
  }
  kernel: {
    pollPerFdInstructions: number
    /** Cycles a thread runs while others wait for its CPU before it is preempted (round robin). */
    timeslice: number
    /** Hz: the timer tick of every modelled kernel (server domains and client hosts). */
    tickHz: number
    /** Where each kernel takes the NIC's receive interrupts: its first CPU, or flows hashed over its CPUs. */
    irqPlacement: 'core0' | 'spread'
    /** TCP's retransmission timeout: floor, value before an RTT sample, ceiling (cycles). */
    tcpRtoMin: number
    tcpRtoInitial: number
    tcpRtoMax: number
    /** Retransmission-timer expiries before an established connection / a connect gives up. */
    tcpRetries2: number
    tcpSynRetries: number
  }
  /**
   * Which cores each design's domains run on (the profile's `cores` group): counts of consecutive
   * cores from core 0, in the order listed per design (validated against `cores` at load).
   */
  coreAllocation: CoreAllocation
  /** The user working set assumed when a workload gives none: live share of each level's capacity. */
  workload: {
    liveL1iShare: number
    liveL1dShare: number
    liveL2Share: number
    liveL3Share: number
    liveDtlbShare: number
  }
}

/** Cores per domain of each design, as counts (see MachineParams.coreAllocation). */
export interface CoreAllocation {
  /** Native Linux's and FlexSC's one kernel: cores 0..N-1. */
  nativeApplication: number
  /** FlexSC, remote-core placement: its syscall threads run on the last N of the kernel's cores. */
  flexscSyscall: number
  /** VirtuOS: primary 0..P-1, then storage, then network. */
  virtuosPrimary: number
  virtuosStorage: number
  virtuosNetwork: number
  /** Driver domains: the guest 0..G-1, then the driver domain. */
  driverDomainGuest: number
  driverDomainDriver: number
}

export interface SyscallFootprint {
  instructions: number
  /** Kernel-mode IPC while the handler runs. */
  ipc: number
  /** Lines evicted from each cache level, and d-TLB entries evicted. */
  l1i: number
  l1d: number
  l2: number
  l3: number
  dtlb: number
}

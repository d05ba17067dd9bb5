/**
 * Every key of a machine profile, declared once: its dimension (which units it accepts), the range
 * its value must lie in, and what it means. The zod schema, the `--set` path checker and the docs
 * all come from this table; resolve.ts maps it onto MachineParams.
 *
 * Layout mirrors MachineParams (src/machine/params.ts): group `cache` -> params.cache, key
 * `l2Hit` -> cache.l2Hit. Group `machine` holds the top-level params; sizes drop the `Bytes`
 * suffix because the unit says it. Keys marked profileOnly are recorded facts with no param.
 */
import type {Dimension} from './units.js'

export type Range = 'positive' | 'nonnegative' | 'fraction'

export interface KeySpec {
  readonly dim: Dimension
  readonly range: Range
  readonly int?: boolean
  /** May be absent from a profile (resolve.ts supplies the default). */
  readonly optional?: boolean
  /** Documented in the profile, not used by the model. */
  readonly profileOnly?: boolean
  /** Largest plausible value (in the key's unit): a bound, not a citation. */
  readonly max?: number
  /** The values a `choice` key accepts. */
  readonly choices?: readonly string[]
  readonly doc: string
}

export type SpecNode = KeySpec | {readonly [key: string]: SpecNode}

export function isKeySpec(node: SpecNode): node is KeySpec {
  return typeof (node as KeySpec).dim === 'string'
}

const time = (doc: string): KeySpec => ({dim: 'time', range: 'nonnegative', doc})
const size = (doc: string): KeySpec => ({dim: 'size', range: 'positive', doc})
const rate = (doc: string): KeySpec => ({dim: 'bandwidth', range: 'positive', doc})
const count = (doc: string): KeySpec => ({dim: 'count', range: 'positive', int: true, doc})
const flag = (doc: string): KeySpec => ({dim: 'flag', range: 'nonnegative', profileOnly: true, doc})
/** Instructions of a mechanism's own code path; no path of these designs runs a million per step. */
const work = (doc: string): KeySpec => ({dim: 'instructions', range: 'nonnegative', max: 1e6, doc})
/** Share of one cache level (or the d-TLB) holding live user state. */
const share = (doc: string): KeySpec => ({dim: 'ratio', range: 'fraction', doc})

/** One row of FlexSC's table 1: kernel work of a call and what it evicts. */
function footprint(withCycles: boolean) {
  return {
    instructions: {dim: 'instructions', range: 'nonnegative', doc: 'kernel instructions of the call'},
    ...(withCycles
      ? {
          cycles: {
            ...time('cycles the call took (FlexSC measured; the model derives it from instructions / ipc)'),
            profileOnly: true,
          },
        }
      : {}),
    ipc: {dim: 'ipc', range: 'positive', doc: 'kernel-mode IPC while the handler runs'},
    l1i: {dim: 'lines', range: 'nonnegative', doc: 'i-cache lines evicted'},
    l1d: {dim: 'lines', range: 'nonnegative', doc: 'd-cache lines evicted'},
    l2: {dim: 'lines', range: 'nonnegative', doc: 'L2 lines evicted'},
    l3: {dim: 'lines', range: 'nonnegative', doc: 'L3 lines evicted'},
    dtlb: {dim: 'entries', range: 'nonnegative', doc: 'd-TLB entries evicted'},
  } as const satisfies Record<string, KeySpec>
}

const measuredFootprint = footprint(true)

/** FlexSC table 1 rows, keyed as the paper names them; resolve.ts maps them to call names. */
export const FOOTPRINT_ROWS = ['stat', 'pread', 'pwrite', 'open+close', 'mmap+munmap', 'open+write+close'] as const

export const PROFILE_SPEC = {
  machine: {
    clock: {dim: 'frequency', range: 'positive', doc: 'core clock: the reference clock of simulated time'},
    sockets: count('processor sockets'),
    coresPerSocket: count('cores per socket'),
    cores: {...count('cores in use: the first N (socket-major); default all'), optional: true},
    hyperThreading: flag('SMT enabled on the testbed'),
    turboBoost: flag('Turbo Boost enabled on the testbed'),
    memory: size('installed memory'),
  },
  cache: {
    lineSize: size('cache line'),
    l1iSize: size('L1 instruction cache per core'),
    l1dSize: size('L1 data cache per core'),
    l2Size: size('L2 cache per core'),
    l3SizePerSocket: size('shared L3 per socket'),
    l3Inclusive: flag('L3 includes the L1/L2 contents'),
    l1Hit: time('L1 load-to-use'),
    l2Hit: time('L2 load-to-use'),
    l3Hit: time('L3 load-to-use, line not held by another core'),
    memoryLocal: time('load missing all caches, memory of the own socket'),
    memoryRemote: time('load missing all caches, memory of the other socket'),
    tlbMiss: time('d-TLB miss whose page walk hits in cache'),
    dtlbEntries: {dim: 'entries', range: 'positive', int: true, doc: 'L1 d-TLB entries (4 KiB pages)'},
  },
  interconnect: {
    lineTransferSameSocket: time('modified line moving to another core of the same socket'),
    lineTransferCrossSocket: time('modified line moving across sockets'),
    ipi: time('inter-processor interrupt, send to handler entry'),
    casUncontended: time('LOCK CMPXCHG on a line the core owns'),
  },
  copy: {
    inCache: rate('memcpy, source and destination cache resident'),
    memoryPerCore: rate('memcpy streaming from memory, one core'),
    memoryPerSocket: rate('sustained memory bandwidth of one socket, all cores'),
    crossSocket: rate('socket-to-socket link, per direction'),
  },
  cpu: {
    syscallEntry: time('mode switch user -> kernel'),
    syscallExit: time('mode switch kernel -> user'),
    contextSwitch: time('kernel thread switch within one address space'),
    addressSpaceSwitch: time('extra for switching address space'),
    pause: time('one x86 pause'),
    userThreadSwitch: time('M:N user-level thread switch'),
    kernelIpc: {dim: 'ipc', range: 'positive', doc: 'kernel IPC for calls without a footprint'},
    userIpc: {dim: 'ipc', range: 'positive', doc: 'undisturbed user IPC when a workload gives none'},
    warmKernelIpc: {
      dim: 'ipc',
      range: 'positive',
      doc: 'kernel IPC of a handler whose working set is resident on its core',
    },
    wakeup: time("waker's cost of waking a blocked thread"),
  },
  syscalls: {
    footprints: Object.fromEntries(FOOTPRINT_ROWS.map((r) => [r, measuredFootprint])) as Record<
      (typeof FOOTPRINT_ROWS)[number],
      typeof measuredFootprint
    >,
    openShare: {dim: 'ratio', range: 'fraction', doc: "open's share of the open+close row (close gets the rest)"},
    mmapShare: {dim: 'ratio', range: 'fraction', doc: "mmap's share of the mmap+munmap row (munmap gets the rest)"},
    defaultFootprint: footprint(false),
    nullFootprint: footprint(false),
    indirectRecovery: time('cycles until user IPC recovers after the worst call measured'),
    fstatShare: {dim: 'ratio', range: 'fraction', doc: "fstat's share of the stat row (fstat has no path walk)"},
    pipeReadShare: {
      dim: 'ratio',
      range: 'fraction',
      doc: "a pipe read's share of the pread row (its footprint row pipe_read: no page-cache lookup)",
    },
    pipeWriteShare: {
      dim: 'ratio',
      range: 'fraction',
      doc: "a pipe write's share of the pwrite row (its footprint row pipe_write: no page cache, no journal)",
    },
    tmpfsReadShare: {dim: 'ratio', range: 'fraction', doc: "a tmpfs read's share of the pread row (row tmpfs_read)"},
    tmpfsWriteShare: {
      dim: 'ratio',
      range: 'fraction',
      doc: "a tmpfs write's share of the pwrite row (row tmpfs_write: no block mapping, no journal)",
    },
  },
  hypervisor: {
    hypercall: time('PV hypercall round trip'),
    // recorded for the HVM what-if: these PV designs never take a VM exit
    vmExitEntry: {...time('VM exit + VM entry (HVM only)'), profileOnly: true},
    eventChannelSend: time("event-channel notification, sender's cost"),
    virqDelivery: time('virtual interrupt (upcall) delivery in the target domain'),
    grantMap: time('grant map of one page'),
    grantUnmap: time('grant unmap of one page'),
    grantCopyPerPage: time('GNTTABOP_copy of one 4 KiB page'),
    // recorded: every domain's vCPUs are pinned to cores of their own, so no core switches domains
    domainSwitch: {...time("switching a core from one domain's vCPU to another's"), profileOnly: true},
    pvGuestModeSwitch: time(
      '64-bit PV guest kernel<->user switch in Xen (swapgs + CR3 load keeping user global TLB entries)',
    ),
    ipc: {
      dim: 'ipc',
      range: 'positive',
      doc: 'instructions per cycle of Xen code (hypervisor-mode counters only: no cost depends on it)',
    },
  },
  disk: {
    avgSeek: time('average seek'),
    trackSeek: time('track-to-track seek'),
    fullSeek: time('full-stroke seek'),
    rotation: {dim: 'period', range: 'positive', doc: 'one revolution (or the spindle speed in rpm)'},
    transferRate: rate('sustained media transfer rate'),
    controllerOverhead: time('per-request controller and command overhead'),
    queueDepth: count('commands the drive queues (NCQ)'),
    sectorSize: size('sector'),
    capacity: size('capacity'),
    interrupt: time("completion interrupt on the kernel's interrupt core: entry/exit, AHCI handler, EOI"),
    completionInstructions: work(
      "block-layer completion of one request (softirq: end the request, finish its bios' pages)",
    ),
  },
  nic: {
    wireRate: rate('link rate'),
    mtu: size('IP MTU'),
    frameOverhead: size('bytes on the wire per frame beyond the IP packet'),
    tcpIpHeader: size('IP + TCP header bytes per segment'),
    txPacket: time('stack + driver CPU per packet sent'),
    rxPacket: time('stack + driver CPU per packet received'),
    interrupt: time('hardware interrupt handling on the receiving core'),
    framesPerInterrupt: count('frames per interrupt (coalescing / NAPI)'),
    maxInterruptDelay: time('longest receive-interrupt moderation interval (sustained load)'),
    minInterruptGap: time('shortest moderation interval, after a frame found the NIC idle'),
    linkLatency: time('one-way propagation + switch latency to a client host'),
  },
  clients: {
    hosts: count('load-generating client hosts'),
    coresPerHost: count('cores per client host'),
    irqPlacement: {
      dim: 'choice',
      range: 'nonnegative',
      choices: ['core0', 'spread'],
      doc: "where the client hosts' kernels take their NIC's receive interrupts (as kernel.irqPlacement)",
    },
  },
  /** Mechanism constants of the designs (MachineParams.virtuos etc.: the defaults experiments' options override). */
  virtuos: {
    libraryCallInstructions: work('user-mode instructions of the VirtuOS library per call (fd lookup, routing, entry)'),
    pollInstructions: work('instructions of one service-domain worker poll besides its sched_yield trap'),
    registerInstructions: work('instructions to register a process with a service domain beyond grant mapping'),
    forkDupInstructionsPerFd: work('service-domain instructions per fd duplicated when a forked child registers'),
  },
  flexsc: {
    postInstructions: work('user instructions to post one syscall entry in the libc wrapper'),
    harvestInstructions: work("user instructions to read a done entry's return value and free it"),
    dispatchInstructions: work('syscall-thread instructions per entry besides the handler'),
    waitInstructions: work("flexsc_wait's own kernel work on a remote placement"),
    switchInstructions: work('in-kernel switch between a thread in flexsc_wait and a syscall thread, same core'),
    hotLoopIpc: {dim: 'ipc', range: 'positive', max: 4, doc: 'IPC of the short, L1-resident loops above'},
    lineFillBuffers: {...count('L1D line-fill buffers: entry-line transfers that overlap in a stream'), max: 64},
  },
  driverDomain: {
    blkRequestInstructions: work('blkfront/blkback instructions per request, each side'),
    netFrameInstructions: work('netfront/netback + bridge instructions per frame, each side'),
    xenbusReconnect: time("from a restarted driver domain's boot to its backends reconnected to the guest's frontends"),
  },
  multiserver: {
    placement: {
      dim: 'choice',
      range: 'nonnegative',
      choices: ['same-core', 'dedicated'],
      doc: "multiserver design: servers run on the caller's core (same-core, L4-style direct switch) or on cores of their own (dedicated, cross-core IPC)",
    },
    ipcOneWay: time(
      'multiserver design: one-way synchronous IPC between address spaces, hot cache (trap, message in registers, switch)',
    ),
    inlineMessage: size(
      'multiserver design: payload an IPC message carries itself; larger ones are copied through a grant',
    ),
    safecopyCall: time(
      'multiserver design: the kernel call around a granted copy (trap, grant lookup and check), per direction',
    ),
    restartDelay: time(
      "multiserver design: from a server's crash to its restarted copy serving (reincarnation server)",
    ),
  },
  kernel: {
    pollPerFdInstructions: work('kernel instructions per fd examined by poll/select'),
    timeslice: {
      ...time(
        "how long a thread runs while others wait for its CPU before it goes to the back of the run queue (the model's round-robin stand-in for CFS's slice; it has no wakeup preemption)",
      ),
      range: 'positive',
    },
    tickHz: {
      dim: 'frequency',
      range: 'positive',
      doc: "the kernels' timer tick (CONFIG_HZ): timers such as TCP's delayed ACK fire on ticks",
    },
    irqPlacement: {
      dim: 'choice',
      range: 'nonnegative',
      choices: ['core0', 'spread'],
      doc: "where each kernel takes the NIC's receive interrupts: core0 (its first CPU) or spread (flows hashed over its CPUs, RSS)",
    },
    tcpRtoMin: {...time("TCP's smallest retransmission timeout (TCP_RTO_MIN)"), range: 'positive'},
    tcpRtoInitial: {
      ...time("TCP's retransmission timeout before a round trip is measured (TCP_TIMEOUT_INIT)"),
      range: 'positive',
    },
    tcpRtoMax: {
      ...time("TCP's largest retransmission timeout, the back-off's ceiling (TCP_RTO_MAX)"),
      range: 'positive',
    },
    tcpRetries2: count('retransmission-timer expiries before an established connection is dropped (tcp_retries2)'),
    tcpSynRetries: count('SYN retransmissions before connect() fails (tcp_syn_retries)'),
  },
  /** Cores per domain of each design (MachineParams.coreAllocation): consecutive from core 0, in this order. */
  cores: {
    nativeApplication: count("native Linux's and FlexSC's one kernel: cores 0..N-1, shared by applications and kernel"),
    flexscSyscall: count("FlexSC remote-core placement: syscall threads on the last N of its kernel's cores"),
    virtuosPrimary: count("VirtuOS primary domain's vCPUs (the applications): cores 0..N-1"),
    virtuosStorage: count("VirtuOS storage domain's vCPUs: the N cores after the primary's"),
    virtuosNetwork: count("VirtuOS network domain's vCPUs: the N cores after the storage domain's"),
    driverDomainGuest: count("driver-domain design: the guest's vCPUs (the applications): cores 0..N-1"),
    driverDomainDriver: count("driver-domain design: the driver domain's vCPUs: the N cores after the guest's"),
  },
  workload: {
    liveL1iShare: share('share of L1i holding live user lines when a workload gives no working set'),
    liveL1dShare: share('share of L1d holding live user lines when a workload gives no working set'),
    liveL2Share: share('share of L2 holding live user lines when a workload gives no working set'),
    liveL3Share: share('share of L3 holding live user lines when a workload gives no working set'),
    liveDtlbShare: share('share of the d-TLB holding live user entries when a workload gives no working set'),
  },
} as const satisfies Record<string, Record<string, SpecNode>>

/** Top-level keys that are not constants. */
export const META_KEYS = ['name', 'description', 'illustrative'] as const

/** The spec node at a dotted path (segments), or undefined. */
export function specAt(path: readonly string[]): SpecNode | undefined {
  let node: SpecNode = PROFILE_SPEC
  for (const seg of path) {
    if (isKeySpec(node) || !Object.hasOwn(node, seg)) return undefined
    node = (node as Record<string, SpecNode>)[seg]
  }
  return node
}

/** Every constant's dotted path with its spec, in declaration order. */
export function allConstantPaths(
  node: SpecNode = PROFILE_SPEC,
  prefix: string[] = [],
): Array<{path: string[]; spec: KeySpec}> {
  if (isKeySpec(node)) return [{path: prefix, spec: node}]
  return Object.entries(node).flatMap(([k, child]) => allConstantPaths(child, [...prefix, k]))
}

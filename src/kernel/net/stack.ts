/**
 * One kernel's network stack: its sockets, ports and listeners, the per-packet CPU costs, and the
 * way out (the NIC to other hosts through the Network, or loopback). Receive processing and
 * ACK-clocked transmission run in softirq context on the flow's interrupt core (kernel.irqPlacement,
 * net/irq.ts): there it queues behind the core's other interrupt work and delays whatever runs.
 */
import {countInXen, xenIrqShare} from '../dispatch/pv.js'
import {after} from '../engine.js'
import type {Kernel} from '../kernel.js'
import {nsToCycles} from '../params.js'
import type {CallContext} from '../syscalls/context.js'
import {fail, ok, type Errno, type Gen, type SockAddr, type SyscallResult} from '../types.js'
import {byIrqCore, flowOf, irqCoreOf, type Delivery} from './irq.js'
import type {Network} from './network.js'
import type {RtoParams} from './retransmit.js'
import {Socket, type Transport} from './socket.js'
import {Act} from '../ledger.js'

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1'])
const UNIX_BUFFER = 212_992 // net.core.wmem_default

export interface NetStats {
  framesIn: number
  interrupts: number
  connections: number
  /** Wire segments (data, FIN, SYN) sent again after a retransmission timeout. */
  retransmits: number
}

/**
 * Where wire segments leave a stack that does not drive the NIC itself (a driver domain's guest:
 * netfront). Registered with `NetStack.setEgress`.
 */
export interface WireEgress {
  /** Added to the stack's own cost of sending one wire segment, in the sender's context. */
  txCost(): number
  /** A wire segment of `flow` leaves: `put()` puts it on the network (once the egress has carried it). */
  send(put: () => void, flow: number): void
}

export class NetStack {
  readonly listeners = new Map<number, Socket>()
  readonly unixListeners = new Map<string, Socket>()
  readonly sockets = new Set<Socket>()
  readonly stats: NetStats = {framesIn: 0, interrupts: 0, connections: 0, retransmits: 0}
  readonly delayedAckCycles: number
  readonly rtoParams: RtoParams
  /** The child a client's SYN made, so that a SYN sent again gets the same one's SYN-ACK (request sock). */
  private readonly synChildren = new WeakMap<Socket, Socket>()
  private nextPort = 32768
  private egress: WireEgress | null = null
  /** The kernel's timer tick (a jiffy, cycles) and the time of one tick: ticks fall at phase + k * tick. */
  private tick = 1
  private tickPhase = 0

  constructor(
    readonly kernel: Kernel,
    /** The Ethernet, when this kernel owns a NIC; `host` is then its name on it. */
    readonly network: Network | null,
    readonly host: string | null,
  ) {
    this.delayedAckCycles = nsToCycles(kernel.kparams.delayedAckNs, kernel.params.clockHz)
    const k = kernel.kparams
    this.rtoParams = {
      min: k.tcpRtoMin,
      initial: k.tcpRtoInitial,
      max: k.tcpRtoMax,
      retries: k.tcpRetries2,
      synRetries: k.tcpSynRetries,
    }
    if (network && host) network.attachStack(host, this)
  }

  /** The core that takes `flow`'s receive interrupts and runs its softirq work (net/irq.ts). */
  irqCore(flow: number): number {
    return irqCoreOf(this.kernel.kparams.irqPlacement, this.kernel.sched.cpus, flow)
  }

  socket(family: 'AF_INET' | 'AF_UNIX'): Socket {
    const s = new Socket(this, family)
    this.sockets.add(s)
    return s
  }

  forget(s: Socket): void {
    this.sockets.delete(s)
    if (s.state === 'listening') {
      if (s.local?.path !== undefined) this.unixListeners.delete(s.local.path)
      else if (s.local?.port !== undefined) this.listeners.delete(s.local.port)
    }
  }

  mss(transport: Transport): number {
    const nic = this.kernel.params.nic
    if (transport === 'wire') return nic.mtuBytes - nic.tcpIpHeaderBytes
    if (transport === 'loop') return this.kernel.kparams.loopbackMtu - nic.tcpIpHeaderBytes
    return UNIX_BUFFER
  }

  /** Wire segments go out through `egress` from now on (see WireEgress). */
  setEgress(egress: WireEgress): void {
    this.egress = egress
  }

  /** Protocol + driver cycles to send one segment. */
  txCost(transport: Transport): number {
    const cost = transport === 'unix' ? 0 : this.kernel.params.nic.txPacketCycles
    return transport === 'wire' && this.egress !== null ? cost + this.egress.txCost() : cost
  }

  /** Loopback receive processing runs right away in the sender's context. */
  loopRxCost(transport: Transport): number {
    return transport === 'loop' ? this.kernel.params.nic.rxPacketCycles : 0
  }

  /** When this stack sent a segment again (data, FIN or SYN), in order. */
  readonly retransmitTimes: number[] = []

  retransmitted(): void {
    this.stats.retransmits++
    this.retransmitTimes.push(this.kernel.sim.now)
  }

  /** Softirq work of `flow` on its interrupt core; returns the cycles until it is done there. */
  softirqCost(cycles: number, flow: number): number {
    return this.kernel.sched.steal(this.irqCore(flow), cycles, Act.interrupt)
  }

  /**
   * Timers fire on the kernel's ticks (Linux's timer wheel: expires = jiffies + delay in jiffies, run
   * from the tick's softirq), so a timer set between ticks fires up to one tick early against its
   * nominal delay. `phaseCycles` places the ticks against the run's clock: a kernel has been up
   * long before the run, its ticks are not aligned to t=0. tickCycles 1 (the default): exact delays.
   */
  setTimerTick(tickCycles: number, phaseCycles: number): void {
    if (!Number.isSafeInteger(tickCycles) || tickCycles < 1)
      throw new Error(`net: timer tick ${tickCycles}: expected cycles >= 1`)
    if (!Number.isSafeInteger(phaseCycles) || phaseCycles < 0 || phaseCycles >= tickCycles) {
      throw new Error(`net: timer tick phase ${phaseCycles}: expected an integer in [0, ${tickCycles})`)
    }
    this.tick = tickCycles
    this.tickPhase = phaseCycles
  }

  /** When a timer of `delay` cycles set now fires: `delay` rounded up to whole ticks from the last tick. */
  timerExpiry(delay: number): number {
    const now = this.kernel.sim.now
    if (this.tick <= 1) return now + delay
    const sinceTick = (((now - this.tickPhase) % this.tick) + this.tick) % this.tick
    return now - sinceTick + Math.max(1, Math.ceil(delay / this.tick)) * this.tick
  }

  timer(delay: number, fn: () => void): void {
    after(this.kernel.sim, this.timerExpiry(delay) - this.kernel.sim.now, fn)
  }

  /**
   * Frames arrived from the wire in one interrupt: per interrupt core (one, or one per RSS queue
   * the batch's flows hash to), the interrupt and then each frame's receive work queue behind that
   * core's softirq work; each frame arrives as soon as its own work is done (NAPI's poll hands
   * every packet up the stack in turn, not the batch at its end).
   */
  receiveBatch(deliveries: readonly Delivery[]): void {
    const nic = this.kernel.params.nic
    this.stats.framesIn += deliveries.length
    for (const [core, group] of byIrqCore(deliveries, (flow) => this.irqCore(flow))) {
      this.stats.interrupts++
      this.kernel.sched.steal(core, nic.interrupt, Act.interrupt)
      countInXen(this.kernel.sched, core, xenIrqShare(this.kernel.params))
      for (const d of group)
        after(this.kernel.sim, this.kernel.sched.steal(core, nic.rxPacketCycles, Act.interrupt), d.arrive)
    }
  }

  /** Carry a segment of `flow` with `payload` bytes to `dst`; `arrive` runs there once it is processed. */
  route(dst: NetStack, transport: Transport, payload: number, flow: number, arrive: () => void): void {
    if (transport === 'wire') {
      const put = () => this.network!.send(this.host!, dst.host!, payload, {flow, arrive})
      if (this.egress !== null) this.egress.send(put, flow)
      else put()
    } else {
      after(this.kernel.sim, 0, arrive)
    }
  }

  transmit(from: Socket, seg: {payload: number}, arrive: () => void): void {
    this.route(from.peerStack!, from.transport, seg.payload, from.flow, arrive)
  }

  /** Where an address leads: which stack and over which transport. */
  resolve(addr: SockAddr): {stack: NetStack; transport: Transport} | Errno {
    if (addr.family === 'AF_UNIX') return {stack: this, transport: 'unix'}
    const host = addr.host ?? 'localhost'
    if (LOOPBACK_HOSTS.has(host) || host === this.host) return {stack: this, transport: 'loop'}
    const stack = this.network?.stack(host)
    return stack && this.host ? {stack, transport: 'wire'} : 'ENETUNREACH'
  }

  bind(s: Socket, addr: SockAddr): SyscallResult {
    if (s.local) return fail('EINVAL')
    if (addr.family === 'AF_UNIX') {
      if (addr.path === undefined || this.unixListeners.has(addr.path)) return fail('EADDRINUSE')
    } else if (addr.port !== undefined && addr.port !== 0 && this.listeners.has(addr.port)) {
      return fail('EADDRINUSE')
    }
    s.local = {...addr, port: addr.family === 'AF_UNIX' ? undefined : addr.port || this.nextPort++}
    return ok(0)
  }

  listen(s: Socket, backlog: number): SyscallResult {
    if (!s.local) this.bind(s, {family: s.family, port: 0})
    if (s.family === 'AF_UNIX') this.unixListeners.set(s.local!.path!, s)
    else this.listeners.set(s.local!.port!, s)
    s.state = 'listening'
    s.backlog = Math.max(1, backlog)
    return ok(0)
  }

  *accept(ctx: CallContext, s: Socket, nonblock: boolean): Gen<Socket | Errno> {
    if (s.state !== 'listening') return 'EINVAL'
    while (s.acceptQueue.length === 0) {
      if (s.closed) return 'EBADF'
      if (nonblock) return 'EAGAIN'
      yield* s.acceptors.sleep(ctx.kernel.sched, ctx.thread, -1, true)
    }
    const child = s.acceptQueue.shift()!
    this.sockets.add(child)
    return child
  }

  /** Three-way handshake; the caller sleeps until SYN-ACK (or RST) comes back. */
  *connect(ctx: CallContext, s: Socket, addr: SockAddr): Gen<SyscallResult> {
    if (s.state === 'established') return fail('EISCONN')
    if (s.state !== 'new') return fail('EALREADY')
    const where = this.resolve(addr)
    if (typeof where === 'string') return fail(where)
    const {stack: dst, transport} = where
    if (!s.local) this.bind(s, {family: s.family, host: this.host ?? 'localhost', port: 0})
    s.remote = addr
    s.flow = flowOf(s.local?.host ?? s.local?.path, s.local?.port, addr.port)
    s.state = 'syn-sent'
    yield* ctx.kernel.sched.compute(ctx.thread, this.txCost(transport) + this.loopRxCost(transport), Act.kernel)
    s.synTo = {dst, transport, addr, sentAt: this.kernel.sim.now}
    this.sendSyn(s)
    // a lost SYN goes again when the timer expires (Socket.onRetransmitTimeout -> resendSyn)
    if (transport === 'wire') s.rtx.arm()
    while (s.state === 'syn-sent') yield* s.writers.sleep(ctx.kernel.sched, ctx.thread, -1, false)
    s.synTo = null
    if (s.connectError) {
      s.state = 'new'
      return fail(s.connectError)
    }
    return ok(0)
  }

  /** The SYN of a connecting socket, to where its connect() is going. */
  sendSyn(s: Socket): void {
    const to = s.synTo
    if (!to) return
    this.route(to.dst, to.transport, 0, s.flow, () => to.dst.onSyn(s, this, to.addr, to.transport, to.sentAt))
  }

  /** The SYN again, from the retransmission timer (softirq). */
  resendSyn(s: Socket): void {
    if (!s.synTo) return
    this.softirqCost(this.txCost(s.synTo.transport), s.flow)
    this.sendSyn(s)
  }

  /**
   * A SYN reached this stack: answer SYN-ACK from a new child of the listener, or RST. A SYN sent
   * again finds the child the first one made and gets its SYN-ACK again.
   */
  onSyn(client: Socket, clientStack: NetStack, addr: SockAddr, transport: Transport, sentAt = 0): void {
    const listener =
      addr.family === 'AF_UNIX' ? this.unixListeners.get(addr.path ?? '') : this.listeners.get(addr.port ?? -1)
    this.softirqCost(this.txCost(transport), client.flow)
    const known = this.synChildren.get(client)
    if (known && !known.closed && known.listener === listener) {
      this.route(clientStack, transport, 0, client.flow, () =>
        clientStack.onSynAck(client, known, this, transport, sentAt, -1),
      )
      return
    }
    if (!listener || listener.closed) {
      this.route(clientStack, transport, 0, client.flow, () => {
        client.connectError = 'ECONNREFUSED'
        client.state = 'new'
        client.wakeEveryone()
      })
      return
    }
    const child = new Socket(this, listener.family)
    child.listener = listener
    child.local = listener.local
    child.remote = client.local
    child.state = 'syn-received'
    child.flow = client.flow
    child.establish(client, clientStack, transport)
    if (transport === 'wire') this.synChildren.set(client, child)
    const synAckAt = this.kernel.sim.now
    this.route(clientStack, transport, 0, client.flow, () =>
      clientStack.onSynAck(client, child, this, transport, sentAt, synAckAt),
    )
  }

  /**
   * The SYN-ACK: the client is connected and acknowledges it (again, for a SYN-ACK sent again). A
   * SYN-ACK to a SYN that went once is the connection's first round-trip sample.
   */
  onSynAck(
    client: Socket,
    child: Socket,
    serverStack: NetStack,
    transport: Transport,
    synSentAt = 0,
    synAckAt = -1,
  ): void {
    if (client.state !== 'syn-sent' && client.state !== 'established') return
    if (client.state === 'syn-sent') {
      client.establish(child, serverStack, transport)
      client.state = 'established'
      if (transport === 'wire') {
        client.rtx.stop()
        if (client.retransmits === 0) client.rtx.measured(this.kernel.sim.now - synSentAt)
      }
      client.wakeEveryone()
    }
    this.softirqCost(this.txCost(transport), client.flow)
    this.route(serverStack, transport, 0, client.flow, () => serverStack.onHandshakeAck(child, synAckAt))
  }

  /** The handshake's ACK (or, when that was lost, the client's next segment) completes the child. */
  onHandshakeAck(child: Socket, synAckAt = -1): void {
    if (child.state !== 'syn-received') return
    child.state = 'established'
    if (synAckAt >= 0 && child.transport === 'wire') child.rtx.measured(this.kernel.sim.now - synAckAt)
    const listener = child.listener!
    if (listener.closed) {
      child.emit(child.control('rst'))
      return
    }
    this.stats.connections++
    listener.acceptQueue.push(child)
    listener.acceptors.wakeOne()
    listener.pollQueue.wakeAll()
  }

  /** socketpair(AF_UNIX)/pipe(): two connected unix sockets. */
  pair(bufferBytes = UNIX_BUFFER): [Socket, Socket] {
    const a = this.socket('AF_UNIX')
    const b = this.socket('AF_UNIX')
    for (const s of [a, b]) {
      s.rcvBuf = bufferBytes
      s.sndBuf = bufferBytes
    }
    a.establish(b, this, 'unix')
    b.establish(a, this, 'unix')
    a.state = b.state = 'established'
    return [a, b]
  }
}

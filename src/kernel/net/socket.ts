/**
 * Stream sockets with a TCP model: byte sequence numbers, segmentation at the MSS (Nagle with
 * Minshall's rule, as Linux, unless TCP_NODELAY), a send buffer
 * freed by cumulative ACKs, the receiver's advertised window, slow start from IW10 (congestion
 * avoidance above ssthresh, which only a loss sets), ACK every second segment or after the
 * delayed-ACK timer (piggybacked on data when there is some), the reader's ACKs of
 * tcp_cleanup_rbuf (window doubled, or a pushed segment drained), SYN/SYN-ACK/ACK set-up, FIN,
 * RST on data to a closed socket, and retransmission after a timeout (retransmit.ts) for wire
 * segments lost on the way (a crashed driver domain drops what is in its rings).
 * Three transports share the code: `wire` (through the NIC to another host), `loop` (loopback:
 * per-packet stack costs, no wire) and `unix` (AF_UNIX and pipes: copies only).
 */
import type {CallContext} from '../syscalls/context.js'
import type {FileObject, OpenFile} from '../file.js'
import {fail, ok, MSG, O, POLL, type Errno, type Gen, type SockAddr, type SyscallResult} from '../types.js'
import {KWaitQueue} from '../waitqueue.js'
import {RetransmitTimer} from './retransmit.js'
import type {NetStack} from './stack.js'
import {Act} from '../ledger.js'

export type Transport = 'wire' | 'loop' | 'unix'
type SocketState = 'new' | 'listening' | 'syn-sent' | 'syn-received' | 'established' | 'closed'

export interface Segment {
  kind: 'syn' | 'synack' | 'data' | 'ack' | 'fin' | 'rst'
  /** Sequence number of the first data byte (data), of the FIN (fin); the sender's sndNxt otherwise. */
  seq: number
  payload: number
  /** It was sent before (the retransmission timer expired since): not timed, counted as a retransmission. */
  resent?: boolean
  /**
   * Cumulative bytes received by the sender of this segment (plus one once it received the peer's
   * FIN, which takes a sequence number), and its free receive window.
   */
  ack: number
  window: number
}

export class Socket implements FileObject {
  readonly kind = 'socket' as const
  /** An end of a pipe (pipe() builds a pipe as a unix socket pair): its reads and writes are a pipe's work. */
  pipe = false
  readonly pollQueue = new KWaitQueue()
  readonly readers = new KWaitQueue()
  /** lock_sock() for receivers: one reader copies out at a time (others wait here). */
  private copying = false
  private readonly copyLock = new KWaitQueue()
  readonly writers = new KWaitQueue()
  readonly acceptors = new KWaitQueue()
  state: SocketState = 'new'
  transport: Transport = 'wire'
  local: SockAddr | null = null
  remote: SockAddr | null = null
  peer: Socket | null = null
  /** The stack of the peer end (another host's for `wire`). */
  peerStack: NetStack | null = null
  /** The connection's flow number (net/irq.ts flowOf), set by connect on both ends; 0 unconnected. */
  flow = 0
  backlog = 0
  readonly acceptQueue: Socket[] = []
  listener: Socket | null = null
  readonly options = new Map<string, number>()

  sndBuf: number
  rcvBuf: number
  mss = 0
  // sender
  sndUna = 0
  sndNxt = 0
  sndEnd = 0
  peerRightEdge = 0
  cwnd = 0
  finPending = false
  finSent = false
  /** Highest sequence cut into a segment so far (sndNxt goes back to sndUna when the timer expires). */
  sndMax = 0
  /** A FIN went out once (it may have to go again), and the peer acknowledged it. */
  finEverSent = false
  finAcked = false
  /** Slow start up to here, congestion avoidance above (only a retransmission timeout sets it). */
  ssthresh = Infinity
  /** Wire segments sent again after the retransmission timer expired (data, FIN and SYN). */
  retransmits = 0
  /** Where the SYN goes while connecting (set by NetStack.connect). */
  synTo: {dst: NetStack; transport: Transport; addr: SockAddr; sentAt: number} | null = null
  /** The retransmission timeout ended the connection (ETIMEDOUT rather than ECONNRESET). */
  timedOut = false
  /** End of the last sub-MSS segment sent (Linux snd_sml, for Minshall's Nagle check). */
  sndSml = 0
  // receiver
  rcvNxt = 0
  rcvRead = 0
  segsUnacked = 0
  /** A sub-MSS segment arrived since the last ACK (Linux ICSK_ACK_PUSHED). */
  pushed = false
  /** Interactive mode (Linux icsk_ack.pingpong): this end answers with data soon after receiving. */
  pingpong = false
  private lastDataArrival = -Infinity
  ackTimerArmed = false
  finReceived = false
  shutRd = false
  reset = false
  closed = false
  connectError: Errno | null = null
  segmentsSent = 0
  segmentsReceived = 0

  constructor(
    readonly stack: NetStack,
    readonly family: 'AF_INET' | 'AF_UNIX',
  ) {
    this.sndBuf = stack.kernel.kparams.tcpSendBufferBytes
    this.rcvBuf = stack.kernel.kparams.tcpRecvBufferBytes
    this.rtx = new RetransmitTimer(stack, stack.rtoParams, () => this.onRetransmitTimeout())
  }

  /** The retransmission timer (wire connections only: nothing is lost on loopback or unix sockets). */
  readonly rtx: RetransmitTimer

  get sndQueued(): number {
    return this.sndEnd - this.sndUna
  }
  get rcvQueued(): number {
    return this.rcvNxt - this.rcvRead
  }

  /** Connection set-up once both ends are known (called on both ends). */
  establish(peer: Socket, peerStack: NetStack, transport: Transport): void {
    this.peer = peer
    this.peerStack = peerStack
    this.transport = transport
    this.mss = this.stack.mss(transport)
    this.cwnd = transport === 'wire' ? 10 * this.mss : Number.MAX_SAFE_INTEGER
    this.peerRightEdge = peer.rcvBuf
    this.lastAdvertised = this.rcvBuf // the SYN / SYN-ACK advertised the whole buffer
  }

  // --- readiness ---

  poll(): number {
    if (this.state === 'listening') return this.acceptQueue.length > 0 ? POLL.IN : 0
    let mask = 0
    if (this.rcvQueued > 0 || this.finReceived || this.reset || this.shutRd) mask |= POLL.IN
    if (
      this.state === 'established' &&
      !this.finPending &&
      this.sndBuf - this.sndQueued >= Math.max(1, this.sndQueued / 2)
    )
      mask |= POLL.OUT
    if (this.reset) mask |= POLL.ERR | POLL.HUP
    if (this.finReceived) mask |= POLL.RDHUP
    return mask
  }

  private changed(): void {
    this.pollQueue.wakeAll()
  }

  // --- system-call side (process context) ---

  *send(ctx: CallContext, file: OpenFile, bytes: number, flags = 0): Gen<SyscallResult> {
    const nonblock = (file.flags & O.NONBLOCK) !== 0 || (flags & MSG.DONTWAIT) !== 0
    if (this.state !== 'established') return fail(this.reset ? 'EPIPE' : 'ENOTCONN')
    let sent = 0
    while (sent < bytes) {
      if (this.reset || this.finPending) return sent > 0 ? ok(sent) : fail('EPIPE')
      const space = this.sndBuf - this.sndQueued
      if (space <= 0) {
        if (nonblock) return sent > 0 ? ok(sent) : fail('EAGAIN')
        yield* this.writers.sleep(ctx.kernel.sched, ctx.thread, -1, false)
        continue
      }
      const n = Math.min(space, bytes - sent)
      yield* ctx.kernel.sched.compute(ctx.thread, ctx.kernel.copyCycles(ctx.thread, n, true), Act.copy)
      this.sndEnd += n
      sent += n
      yield* this.pumpInProcess(ctx)
    }
    return ok(sent)
  }

  *recv(ctx: CallContext, file: OpenFile, bytes: number, flags = 0): Gen<SyscallResult> {
    const nonblock = (file.flags & O.NONBLOCK) !== 0 || (flags & MSG.DONTWAIT) !== 0
    const waitAll = (flags & MSG.WAITALL) !== 0
    if (this.state !== 'established' && this.state !== 'closed') return fail('ENOTCONN')
    let got = 0
    while (got < bytes) {
      const avail = this.rcvQueued
      if (avail === 0) {
        if (this.reset) return got > 0 ? ok(got) : fail(this.timedOut ? 'ETIMEDOUT' : 'ECONNRESET')
        if (this.finReceived || this.shutRd) break
        if (got > 0 && !waitAll) break
        if (nonblock) return got > 0 ? ok(got) : fail('EAGAIN')
        yield* this.readers.sleep(ctx.kernel.sched, ctx.thread, -1, false)
        continue
      }
      // The copy yields the CPU: without the socket lock two readers would take the same bytes.
      if (this.copying) {
        yield* this.copyLock.sleep(ctx.kernel.sched, ctx.thread, -1, true)
        continue
      }
      this.copying = true
      try {
        const n = Math.min(avail, bytes - got)
        const copy = ctx.kernel.copyCycles(ctx.thread, n, this.transport !== 'wire')
        yield* ctx.kernel.sched.compute(ctx.thread, copy, Act.copy)
        this.rcvRead += n
        got += n
        yield* this.cleanupRbuf(ctx)
      } finally {
        this.copying = false
        this.copyLock.wakeOne()
      }
    }
    return ok(got)
  }

  /**
   * After the reader copied data out (Linux tcp_cleanup_rbuf): ACK at once when a delayed ACK is
   * pending for a pushed (sub-MSS) segment and the queue is now empty (unless interactive), or when
   * the window the sender may still use is at most half the buffer and the free space doubles it.
   */
  private *cleanupRbuf(ctx: CallContext): Gen<void> {
    if (this.transport === 'unix' || !this.peer) {
      this.ackNow(null)
      return
    }
    let timeToAck = this.segsUnacked > 0 && this.pushed && !this.pingpong && this.rcvQueued === 0
    if (!timeToAck && !this.finReceived) {
      const usable = this.lastAdvertised - this.rcvNxt
      if (2 * usable <= this.rcvBuf) {
        const free = this.rcvBuf - this.rcvQueued
        // __tcp_select_window: no window under one MSS while under half the buffer is free (SWS)
        const offered = free < this.rcvBuf / 2 && free < this.mss ? 0 : free
        timeToAck = offered > 0 && offered >= 2 * usable
      }
    }
    if (timeToAck) {
      yield* ctx.kernel.sched.compute(ctx.thread, this.stack.txCost(this.transport), Act.kernel)
      this.emit(this.control('ack'))
    }
  }

  private lastAdvertised = 0

  // --- transmission ---

  /** The next data segment the windows allow, advancing sndNxt; null when none. */
  private nextSegment(): Segment | null {
    const unsent = this.sndEnd - this.sndNxt
    if (unsent === 0) {
      if (this.finPending && !this.finSent) {
        this.finSent = true
        const resent = this.finEverSent
        this.finEverSent = true
        return {kind: 'fin', seq: this.sndEnd, payload: 0, ack: 0, window: 0, resent}
      }
      return null
    }
    const avail = Math.min(this.peerRightEdge, this.sndUna + this.cwnd) - this.sndNxt
    if (avail <= 0) return null
    const n = Math.min(this.mss, unsent, avail)
    const seg: Segment = {kind: 'data', seq: this.sndNxt, payload: n, ack: 0, window: 0}
    // what went out before goes again as it can (tcp_retransmit_skb: no Nagle, no SWS wait)
    if (this.sndNxt < this.sndMax) {
      this.sndNxt += n
      this.sndMax = Math.max(this.sndMax, this.sndNxt)
      seg.resent = true
      return seg
    }
    // Silly-window avoidance: while data is in flight, wait for a window that takes a full segment.
    const inFlight = this.sndNxt > this.sndUna
    if (inFlight && n < Math.min(this.mss, unsent)) return null
    // Nagle as Linux does it (tcp_nagle_check with Minshall's rule): a runt waits only while an
    // earlier runt is unacknowledged, so a write's tail goes out behind full segments in flight
    // instead of waiting for the peer's delayed ACK. Closing pushes everything out (tcp_close).
    if (n < this.mss && this.sndSml > this.sndUna && !this.finPending && !this.options.get('IPPROTO_TCP:TCP_NODELAY'))
      return null
    this.sndNxt += n
    this.sndMax = this.sndNxt
    if (n < this.mss) this.sndSml = this.sndNxt
    return seg
  }

  private *pumpInProcess(ctx: CallContext): Gen<void> {
    // on this host (loopback, unix) the sender's context wakes a sleeping reader: it pays the wake-up
    const peer = this.peer
    if (
      peer &&
      this.transport !== 'wire' &&
      this.sndEnd > this.sndNxt &&
      (peer.readers.length > 0 || peer.pollQueue.length > 0)
    ) {
      yield* ctx.kernel.sched.compute(ctx.thread, ctx.kernel.params.cpu.wakeup, Act.kernel)
    }
    for (let seg = this.nextSegment(); seg; seg = this.nextSegment()) {
      yield* ctx.kernel.sched.compute(
        ctx.thread,
        this.stack.txCost(this.transport) + this.stack.loopRxCost(this.transport),
        Act.kernel,
      )
      this.emit(seg)
    }
  }

  /** ACK-clocked sending runs in softirq context on the interrupt core. */
  private pumpInSoftirq(): void {
    for (let seg = this.nextSegment(); seg; seg = this.nextSegment()) {
      this.stack.softirqCost(this.stack.txCost(this.transport) + this.stack.loopRxCost(this.transport), this.flow)
      this.emit(seg)
    }
  }

  /** A segment without data (ACK, RST) at the current sequence number. */
  control(kind: 'ack' | 'rst'): Segment {
    return {kind, seq: this.sndNxt, payload: 0, ack: 0, window: 0}
  }

  /** Stamp ack/window (every segment carries them: piggybacking), then send to the peer. */
  emit(seg: Segment): void {
    seg.ack = this.rcvNxt + (this.finReceived ? 1 : 0)
    seg.window = Math.max(0, this.rcvBuf - this.rcvQueued)
    this.lastAdvertised = seg.ack + seg.window
    this.segsUnacked = 0
    this.pushed = false
    // replying with data soon after data arrived: interactive (tcp_event_data_sent)
    if (seg.kind === 'data' && this.stack.kernel.sim.now - this.lastDataArrival < this.stack.delayedAckCycles)
      this.pingpong = true
    this.segmentsSent++
    const peer = this.peer
    if (!peer) return
    if (this.transport === 'wire' && (seg.kind === 'data' || seg.kind === 'fin')) this.timeSegment(seg)
    this.stack.transmit(this, seg, () => peer.onSegment(seg))
  }

  /**
   * A data segment or FIN leaves on the wire: count it if it goes again, and keep the timer
   * running. (Whether it goes again was settled when it was cut: a process may still be paying
   * for an earlier segment while softirq sends later ones.)
   */
  private timeSegment(seg: Segment): void {
    const resent = seg.resent === true
    if (resent) {
      this.retransmits++
      this.stack.retransmitted()
    }
    this.rtx.sent(seg.seq + seg.payload + (seg.kind === 'fin' ? 1 : 0), resent)
  }

  /** Sent data (or a FIN) the peer has not acknowledged yet. */
  private get unacked(): boolean {
    return this.sndMax > this.sndUna || (this.finEverSent && !this.finAcked)
  }

  /**
   * The retransmission timer expired (softirq, on the kernel's tick; tcp_retransmit_timer and
   * tcp_enter_loss): everything unacknowledged counts as lost, the congestion window falls to one
   * segment (RFC 5681 loss window) with ssthresh at half the flight, and sending starts again from
   * the first unacknowledged byte. After too many expiries the connection is dropped (ETIMEDOUT).
   */
  private onRetransmitTimeout(): void {
    const syn = this.state === 'syn-sent'
    if (syn ? !this.synTo : !this.unacked || this.reset) return
    if (this.rtx.exhausted(syn)) {
      this.giveUp()
      return
    }
    if (syn) {
      this.retransmits++
      this.stack.retransmitted()
      this.stack.resendSyn(this)
      this.rtx.arm()
      return
    }
    this.ssthresh = Math.max(Math.floor((this.sndMax - this.sndUna) / 2), 2 * this.mss)
    this.cwnd = this.mss
    this.sndNxt = this.sndUna
    if (!this.finAcked) this.finSent = false
    this.pumpInSoftirq()
  }

  private giveUp(): void {
    this.rtx.stop()
    if (this.state === 'syn-sent') {
      this.connectError = 'ETIMEDOUT'
      this.state = 'new'
    } else {
      this.reset = true
      this.timedOut = true
    }
    this.wakeEveryone()
  }

  /** A pure ACK from softirq context (or at no cost on a unix socket, ctx null). */
  private ackNow(_ctx: CallContext | null): void {
    if (!this.peer) return
    if (this.transport !== 'unix') this.stack.softirqCost(this.stack.txCost(this.transport), this.flow)
    this.emit(this.control('ack'))
  }

  // --- reception (softirq context; the stack has charged the receive cost) ---

  onSegment(seg: Segment): void {
    this.segmentsReceived++
    if (seg.kind === 'rst') {
      this.reset = true
      this.rtx.stop()
      this.wakeEveryone()
      return
    }
    // the handshake's last ACK was lost: the peer's next segment carries the ACK (tcp_check_req)
    if (this.state === 'syn-received') this.stack.onHandshakeAck(this)
    if (this.closed && seg.kind === 'data') {
      if (this.peer) this.emit(this.control('rst'))
      return
    }
    this.onAck(seg)
    if (seg.kind === 'data' || seg.kind === 'fin') {
      if (!this.accept(seg)) {
        // all of it arrived before (a retransmission after a lost ACK): acknowledge again (tcp_send_dupack)
        this.ackNow(null)
        this.pumpInSoftirq()
        return
      }
      if (seg.kind === 'data') {
        this.lastDataArrival = this.stack.kernel.sim.now
        if (seg.payload < this.mss) this.pushed = true
      }
      this.segsUnacked++
      this.readers.wakeAll()
      this.changed()
      if (this.transport === 'unix' || seg.kind === 'fin' || this.segsUnacked >= 2) this.ackNow(null)
      else this.armDelayedAck()
    }
    this.pumpInSoftirq()
  }

  /** The ACK a segment carries: free the acknowledged bytes, open the windows, restart or stop the timer. */
  private onAck(seg: Segment): void {
    const dataAck = Math.min(seg.ack, this.sndEnd) // a FIN takes the sequence number after the data
    const finAcked = this.finEverSent && !this.finAcked && seg.ack > this.sndEnd
    if (finAcked) this.finAcked = true
    const acked = dataAck - this.sndUna
    if (acked > 0) {
      this.sndUna = dataAck
      this.sndNxt = Math.max(this.sndNxt, this.sndUna)
      if (this.transport === 'wire') this.cwnd += this.growth(acked)
      this.writers.wakeAll()
      this.changed()
    }
    if ((acked > 0 || finAcked) && this.transport === 'wire') this.rtx.acked(dataAck, this.unacked)
    this.peerRightEdge = Math.max(this.peerRightEdge, seg.ack + seg.window)
  }

  /** Slow start below ssthresh (one byte per byte acked), congestion avoidance above (one MSS per window). */
  private growth(acked: number): number {
    return this.cwnd < this.ssthresh ? acked : Math.max(1, Math.floor((this.mss * acked) / this.cwnd))
  }

  /**
   * Take a data segment or FIN in sequence order: bytes up to rcvNxt are readable; a segment past
   * a hole waits in the out-of-order queue (Linux out_of_order_queue) until the hole is filled, as
   * does a FIN. (Segments can arrive out of order without loss: a sender's softirq may send a later
   * segment while the process that took an earlier one is still paying for it.) False: nothing new.
   */
  private accept(seg: Segment): boolean {
    if (seg.kind === 'fin') {
      if (this.finReceived || this.finAt !== null) return false
      this.finAt = seg.seq
    } else {
      const end = seg.seq + seg.payload
      if (end <= this.rcvNxt || this.ooo.some((r) => r.seq <= seg.seq && end <= r.end)) return false
      if (seg.seq > this.rcvNxt) {
        const at = this.ooo.findIndex((r) => r.seq > seg.seq)
        this.ooo.splice(at < 0 ? this.ooo.length : at, 0, {seq: seg.seq, end})
      } else {
        this.rcvNxt = end
      }
    }
    while (this.ooo.length > 0 && this.ooo[0].seq <= this.rcvNxt) {
      this.rcvNxt = Math.max(this.rcvNxt, this.ooo.shift()!.end)
    }
    if (this.finAt !== null && this.finAt <= this.rcvNxt) this.finReceived = true
    return true
  }
  /** Data past a hole, in sequence order, and where the peer's FIN lies once it came. */
  private readonly ooo: {seq: number; end: number}[] = []
  private finAt: number | null = null

  private armDelayedAck(): void {
    if (this.ackTimerArmed) return
    this.ackTimerArmed = true
    this.stack.timer(this.stack.delayedAckCycles, () => {
      this.ackTimerArmed = false
      if (this.segsUnacked > 0) {
        this.pingpong = false // the delayed ACK found no reply to ride on: leave interactive mode
        this.ackNow(null)
      }
    })
  }

  wakeEveryone(): void {
    this.readers.wakeAll()
    this.writers.wakeAll()
    this.acceptors.wakeAll()
    this.changed()
  }

  /** Send FIN after the queued data (shutdown(SHUT_WR) or the last close). */
  *finish(ctx: CallContext | null): Gen<void> {
    if (this.finPending || !this.peer || this.state !== 'established') return
    this.finPending = true
    if (ctx) yield* this.pumpInProcess(ctx)
    else this.pumpInSoftirq()
  }

  release(): void {
    this.closed = true
    this.stack.forget(this)
    // Closing a listener resets the connections still waiting to be accepted (Linux
    // inet_csk_listen_stop -> tcp_disconnect sends RST): their clients must not wait forever.
    for (const child of this.acceptQueue.splice(0)) {
      child.closed = true
      child.emit(child.control('rst'))
    }
    if (this.state === 'established' && !this.finPending && this.peer) {
      this.finPending = true
      this.pumpInSoftirq()
    }
    this.state = this.state === 'listening' ? 'closed' : this.state
    this.wakeEveryone()
  }

  // --- read/write on the fd ---

  read(ctx: CallContext, file: OpenFile, bytes: number): Gen<SyscallResult> {
    return this.recv(ctx, file, bytes)
  }
  write(ctx: CallContext, file: OpenFile, bytes: number): Gen<SyscallResult> {
    return this.send(ctx, file, bytes)
  }
}

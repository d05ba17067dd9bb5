/**
 * TCP's retransmission timer of one connection, as Linux runs it (RFC 6298): the RTO starts at
 * TCP_TIMEOUT_INIT, follows the smoothed round-trip time once one is measured (srtt + max(4 *
 * rttvar, TCP_RTO_MIN)), doubles at every expiry up to TCP_RTO_MAX, and falls back to the measured
 * value once new data is acknowledged. One segment at a time is timed, never a retransmitted one
 * (Karn). The connection gives up after `retries` expiries without progress (tcp_retries2 for
 * data, tcp_syn_retries for a SYN).
 *
 * The timer is a kernel timer (it fires on ticks, NetStack.timerExpiry). Restarting it on every
 * ACK only moves its deadline: the one pending event re-arms itself for the later deadline when it
 * comes, and is cancelled once nothing is outstanding, so a busy connection costs an event per RTO
 * at most and an idle one none.
 */
import {cancellableAfter} from '../engine.js'
import type {NetStack} from './stack.js'

/** The timer's constants in cycles (profile `kernel.tcpRto*`) and its retry limits. */
export interface RtoParams {
  min: number
  initial: number
  max: number
  /** Expiries without progress before a connection is dropped (tcp_retries2) / a connect fails (tcp_syn_retries). */
  retries: number
  synRetries: number
}

export class RetransmitTimer {
  rto: number
  /** Expiries since the last progress (Linux icsk_backoff / icsk_retransmits). */
  backoffs = 0
  private srtt = -1
  private rttvar = 0
  /** The timed segment: acknowledged once the ACK reaches `end`; sent at `at`. */
  private timed: {end: number; at: number} | null = null
  private cancel: (() => void) | null = null
  private deadline = 0

  constructor(
    private readonly stack: NetStack,
    private readonly p: RtoParams,
    /** The timer expired (the RTO has already been doubled): retransmit. */
    private readonly expire: () => void,
  ) {
    this.rto = p.initial
  }

  get armed(): boolean {
    return this.cancel !== null
  }

  /** The expiry limit for the state: a SYN's or an established connection's. */
  exhausted(syn: boolean): boolean {
    return this.backoffs > (syn ? this.p.synRetries : this.p.retries)
  }

  /** A segment ending at sequence `end` left; time it when it is new and none is timed. Arms the timer if idle. */
  sent(end: number, retransmission: boolean): void {
    if (!retransmission && this.timed === null) this.timed = {end, at: this.now()}
    if (!this.armed) this.arm()
  }

  /** A round-trip sample taken elsewhere (the handshake: SYN to SYN-ACK, SYN-ACK to ACK). */
  measured(rtt: number): void {
    if (this.srtt < 0) {
      this.srtt = rtt
      this.rttvar = Math.round(rtt / 2)
    } else {
      this.rttvar = Math.round((3 * this.rttvar + Math.abs(this.srtt - rtt)) / 4)
      this.srtt = Math.round((7 * this.srtt + rtt) / 8)
    }
    this.rto = this.computed()
  }

  /** New data acknowledged up to `ack`: sample, leave back-off, restart or stop the timer. */
  acked(ack: number, outstanding: boolean): void {
    if (this.timed && ack >= this.timed.end) {
      this.measured(this.now() - this.timed.at)
      this.timed = null
    }
    this.backoffs = 0
    this.rto = this.computed()
    if (!outstanding) this.stop()
    else if (this.armed) this.deadline = this.stack.timerExpiry(this.rto)
    else this.arm()
  }

  stop(): void {
    this.cancel?.()
    this.cancel = null
  }

  /** Arm now for one RTO (a SYN, or the first segment after a quiet spell). */
  arm(): void {
    this.stop()
    this.deadline = this.stack.timerExpiry(this.rto)
    this.schedule()
  }

  private schedule(): void {
    this.cancel = cancellableAfter(this.stack.kernel.sim, this.deadline - this.now(), () => this.fire())
  }

  private fire(): void {
    this.cancel = null
    if (this.now() < this.deadline) {
      this.schedule() // an ACK restarted the timer meanwhile
      return
    }
    this.timed = null // Karn: nothing sent before the expiry is timed any more
    this.backoffs++
    this.rto = Math.min(2 * this.rto, this.p.max)
    this.expire()
  }

  private computed(): number {
    if (this.srtt < 0) return this.p.initial
    return Math.min(this.p.max, this.srtt + Math.max(4 * this.rttvar, this.p.min))
  }

  private now(): number {
    return this.stack.kernel.sim.now
  }
}

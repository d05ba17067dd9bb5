/**
 * Tunables of the modelled Linux kernel (not of the machine: those are in MachineParams). Each has
 * a one-line reason; times are given in nanoseconds and turned into cycles with the clock.
 */
import type {MachineParams} from '../machine/params.js'

export interface KernelParams {
  /** Profile (kernel.timeslice, estimate): cycles a thread runs while others wait before it is preempted. */
  timeslice: number
  /** Pages of page cache (4 KiB; LRU over clean pages). 0: derive from memory (pageCacheFraction). */
  pageCachePages: number
  /** Share of the machine's memory the page cache may use when pageCachePages is 0. */
  pageCacheFraction: number
  /** dirty_background_ratio / dirty_ratio (Linux 3.2: 10% / 20% of cache-able memory). */
  dirtyBackgroundRatio: number
  dirtyRatio: number
  pageBytes: number
  /** Readahead window for sequential reads, pages (Linux default 128 KiB = 32 pages). */
  readaheadPages: number
  /** Dirty page age before background writeback (dirty_expire_centisecs = 30 s). */
  dirtyExpireNs: number
  /** Background writeback wakes this often (dirty_writeback_centisecs = 5 s). */
  writebackIntervalNs: number
  /** Largest request the block layer sends to the disk, bytes (max_sectors_kb 512 KiB). */
  maxRequestBytes: number
  /** Default socket buffers (tcp_wmem/tcp_rmem default 16 KiB / 85 KiB grow with autotuning; fixed here). */
  tcpSendBufferBytes: number
  tcpRecvBufferBytes: number
  /** Delayed ACK: ack every second full segment (RFC 1122), or after this delay. */
  delayedAckNs: number
  /** Loopback MTU (Linux lo: 65536). */
  loopbackMtu: number
  /** Per-process fd limit (RLIMIT_NOFILE default 1024). */
  fdLimit: number
  /** Profile (kernel.pollPerFdInstructions, estimate): instructions per fd examined by poll/select. */
  pollPerFdInstructions: number
  /** Profile (kernel.irqPlacement): where the NIC's receive interrupts run (net/irq.ts). */
  irqPlacement: MachineParams['kernel']['irqPlacement']
  /** Profile (kernel.tcpRto*, Linux include/net/tcp.h): TCP's retransmission timeout bounds, cycles. */
  tcpRtoMin: number
  tcpRtoInitial: number
  tcpRtoMax: number
  /** Profile (kernel.tcpRetries2, kernel.tcpSynRetries): expiries before a connection / a connect gives up. */
  tcpRetries2: number
  tcpSynRetries: number
}

/** The tunables whose defaults are Linux's (the rest come from the profile's `kernel` group). */
export type LinuxKernelParams = Omit<KernelParams, keyof MachineParams['kernel']>

export const defaultKernelParams: LinuxKernelParams = {
  pageCachePages: 0,
  pageCacheFraction: 0.75,
  dirtyBackgroundRatio: 0.1,
  dirtyRatio: 0.2,
  pageBytes: 4096,
  readaheadPages: 32,
  dirtyExpireNs: 30_000_000_000,
  writebackIntervalNs: 5_000_000_000,
  maxRequestBytes: 512 * 1024,
  tcpSendBufferBytes: 256 * 1024,
  tcpRecvBufferBytes: 256 * 1024,
  delayedAckNs: 40_000_000,
  loopbackMtu: 65_536,
  fdLimit: 1024,
}

export function nsToCycles(ns: number, clockHz: number): number {
  return Math.round((ns * clockHz) / 1e9)
}

/**
 * Core numbering: socket-major (cores 0..coresPerSocket-1 on socket 0, and so on), as Linux numbers
 * the E5520 box with HyperThreading off. Only the first `params.cores` cores are in use.
 */
import {InvariantError} from '../errors.js'
import type {MachineParams} from './params.js'

export type CoreId = number

/** Throws if `core` is not one of the active cores: a bad core id is a bug in the caller. */
export function checkCore(params: MachineParams, core: CoreId): void {
  if (!Number.isInteger(core) || core < 0 || core >= params.cores) {
    throw new InvariantError(`core ${core} is not an active core (0..${params.cores - 1})`)
  }
}

export function socketOf(params: MachineParams, core: CoreId): number {
  checkCore(params, core)
  return Math.floor(core / params.coresPerSocket)
}

export function sameSocket(params: MachineParams, a: CoreId, b: CoreId): boolean {
  return socketOf(params, a) === socketOf(params, b)
}

/** The active cores, in order. */
export function activeCores(params: MachineParams): CoreId[] {
  return Array.from({length: params.cores}, (_, i) => i)
}

/** Sockets that hold at least one active core. */
export function activeSockets(params: MachineParams): number {
  return Math.ceil(params.cores / params.coresPerSocket)
}

/** The active cores of one socket. */
export function coresOfSocket(params: MachineParams, socket: number): CoreId[] {
  return activeCores(params).filter((c) => Math.floor(c / params.coresPerSocket) === socket)
}

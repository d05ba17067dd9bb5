/**
 * What the device models need from the engine: the clock and a timed callback (src/sim/host.ts).
 * Devices are not simulated threads, so a callback is the natural shape; the kernel turns
 * completions into engine wake-ups.
 */
export type {EventHost} from '../sim/host.js'

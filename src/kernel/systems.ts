/**
 * Every design on one import: loading this module registers each dispatch path with the registry
 * in system.ts (native registers itself there; the others import registerDispatch from it, so they
 * cannot be imported by system.ts without a cycle). Workloads and experiments import from here.
 */
import './virtuos/index.js'
import './flexsc/index.js'
import './driver-domain/index.js'
import './multiserver/index.js'

export {buildSystem, dispatchPaths, type System, type SystemOptions, type ProcessHandle} from './system.js'

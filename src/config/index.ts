/** Machine profiles: load, override, validate, resolve to MachineParams, list constants. */
export {DEFAULT_PROFILE, type LoadedProfile, loadProfile, readProfileJson, validateProfile} from './load.js'
export {applySet} from './overrides.js'
export {applyOverlay, carryOverrides, changedConstants, type ConstantOverride, overlayProfile} from './overlay.js'
export {resolveParams} from './resolve.js'
export type {Constant, Profile} from './schema.js'
export {type ConstantRow, listConstants, renderConstants} from './describe.js'

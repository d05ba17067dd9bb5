/**
 * Building blocks for workload schemas (zod 4), with error messages in the profile loader's style
 * ("expected ..."; the loader appends "found ..."). Every tunable is a sourced value
 * `{"value": 3368, "unit": "instructions", "source": "FlexSC table 2: Apache"}` so a workload file
 * says why each number is what it is.
 */
import {z} from 'zod'

export interface Sourced<V> {
  value: V
  unit?: string
  /** A citation, or "derived: ..."/"choice: ..." with the reason. */
  source: string
}

const SOURCE = z
  .string({error: 'expected a citation or "choice: <reason>" string'})
  .trim()
  .min(1, {error: 'expected a non-empty citation or reason'})

/** `{value, unit?, source}` around a value schema. */
export function sourced<S extends z.ZodType>(
  value: S,
): z.ZodObject<{value: S; unit: z.ZodOptional<z.ZodString>; source: typeof SOURCE}> {
  return z.strictObject(
    {value, unit: z.string({error: 'expected a unit name (a string)'}).optional(), source: SOURCE},
    {error: 'expected a sourced value {"value", "source"} (optionally "unit")'},
  )
}

const COUNT = 'expected an integer >= 0'
/** A non-negative integer (counts, instructions, iterations). */
export const count = (): z.ZodNumber => z.number({error: COUNT}).int({error: COUNT}).nonnegative({error: COUNT})

const POSITIVE_INT = 'expected a positive integer'
/** A positive integer (sizes, thread counts). */
export const positiveInt = (): z.ZodNumber =>
  z.number({error: POSITIVE_INT}).int({error: POSITIVE_INT}).positive({error: POSITIVE_INT})

/** A positive number (IPC, ratios above zero). */
export const positive = (): z.ZodNumber =>
  z.number({error: 'expected a positive number'}).positive({error: 'expected a positive number'})

/** A non-empty list of values of `item` (axis values). */
export function list<S extends z.ZodType>(item: S): z.ZodArray<S> {
  return z.array(item, {error: 'expected an array'}).min(1, {error: 'expected a non-empty array'})
}

/** The common header of every workload file. */
export const header = {
  id: z.string({error: 'expected the workload id (a string)'}),
  description: z.string({error: 'expected a one-line description (a string)'}),
}

/** A value with one setting for `--quick` and one for `--full`. */
export function byMode<S extends z.ZodType>(item: S): z.ZodObject<{quick: S; full: S}> {
  return z.strictObject({quick: item, full: item}, {error: 'expected {"quick": ..., "full": ...}'})
}

/** The value of a by-mode setting for this run. */
export function pick<T>(v: {quick: T; full: T}, quick: boolean): T {
  return quick ? v.quick : v.full
}

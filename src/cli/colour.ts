/**
 * The chalk instance commands paint stdout with. chalk 5 decides from the terminal and FORCE_COLOR
 * but ignores NO_COLOR (https://no-color.org): a non-empty NO_COLOR turns colour off here, unless
 * FORCE_COLOR asks for it explicitly.
 */
import chalk, {Chalk, type ChalkInstance} from 'chalk'

export function colourFor(env: NodeJS.ProcessEnv = process.env, detected = chalk.level): ChalkInstance {
  const forced =
    env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false'
  const off = env.NO_COLOR !== undefined && env.NO_COLOR !== '' && !forced
  return new Chalk({level: off ? 0 : detected})
}

export const paint = colourFor()

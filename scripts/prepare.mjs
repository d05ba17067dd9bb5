#!/usr/bin/env node
/**
 * npm's `prepare` step: compile src/ into a fresh dist/. It runs on `npm ci` / `npm install` in a
 * checkout, on `npm pack`, and on `npm install -g <checkout>`. The last one links the checkout
 * into the global prefix without installing its dependencies, so a clean clone has no TypeScript
 * and no runtime packages: then this installs them into the checkout first (`npm ci`, the lockfile's
 * versions), with the outer command's global settings removed from the environment.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, rmSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
if (!existsSync(tsc)) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)))
  process.stderr.write('virtuos-bench: installing dependencies into the checkout (npm ci) to build it\n')
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  // The nested npm ci runs this script again, now with TypeScript present: that builds dist/.
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], {cwd: root, env, stdio: ['ignore', 'inherit', 'inherit']})
  process.exit(0)
}
rmSync(join(root, 'dist'), {recursive: true, force: true})
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json')], {cwd: root, stdio: 'inherit'})

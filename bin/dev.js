#!/usr/bin/env -S node --no-warnings
// Runs the TypeScript sources directly (oclif registers tsx itself in development mode).
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})

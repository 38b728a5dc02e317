#!/usr/bin/env node
// Development entry point: runs the compiled commands after `npm run build`, with oclif's
// development mode on (full stack traces for bugs).
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})

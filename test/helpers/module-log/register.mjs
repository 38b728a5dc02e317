// Loaded with `node --import`: records every module URL the process resolves into the file named
// by CLICKSTREAM_MODULE_LOG, so tests can prove what start-up loads.
import {register} from 'node:module'

register('./hooks.mjs', import.meta.url)

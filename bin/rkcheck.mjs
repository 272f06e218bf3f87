#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so that built-in and user models (.ts) need no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')

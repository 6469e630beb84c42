#!/usr/bin/env node
// The executable stays tiny: everything else is loaded by dist/cli.js, command by command.
import module from 'node:module';

// Node >= 22.1 can cache compiled code between runs; on Node 20 this is simply absent.
module.enableCompileCache?.();

const { main } = await import('../dist/cli.js');
await main(process.argv);

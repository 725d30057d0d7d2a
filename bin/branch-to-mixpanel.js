#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the project needs no separate build step.
require('tsx/cjs/api').register();
require('../cli/main.ts');

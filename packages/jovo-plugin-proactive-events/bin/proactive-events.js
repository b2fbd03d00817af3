#!/usr/bin/env node
'use strict';
// The command's entry: committed, so that npm can link it on install, before the sources are compiled.
require('../dist/cli/index.js').main();

'use strict';
// `npm run docs:events`: rewrites docs/events.md, the reference of the eight events' payload fields, from the
// registry of the built library (a test checks that the page is current).
const fs = require('fs');
const path = require('path');
const { eventsReference } = require('../dist/request/reference');

const file = path.join(__dirname, '..', 'docs', 'events.md');
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, eventsReference());
console.log(`Wrote ${path.relative(process.cwd(), file) || file}`);

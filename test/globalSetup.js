// Compiles the packages and the template once before any test (nothing when they are current): tests that start
// the compiled skill, the demo or the trigger script as child processes share this build.
const { ensureBuilt } = require('../scripts/fresh');

module.exports = () => ensureBuilt();

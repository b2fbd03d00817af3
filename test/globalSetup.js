// Compiles src/ (and bench/) once before any test: tests that start the compiled skill, the demo or the trigger
// script as child processes share this build instead of racing to make their own.
const { execFileSync } = require('child_process');
const path = require('path');

module.exports = () => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
};

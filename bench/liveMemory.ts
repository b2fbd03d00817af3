/**
 * Preloaded (`node -r`) into the memory scenario's processes when BENCH_LIVE_MEMORY_FILE names a file: every 250 ms
 * a full collection, then the memory the process still holds (V8's heap in use, and what lives outside it:
 * ArrayBuffers and Buffers), its peak written to that file in bytes. This is what a process keeps; its peak RSS
 * also holds garbage not yet collected and the heap V8 grew for the rate it allocates at, which moves with how
 * long a run is and how busy the machine is.
 */
import * as fs from 'fs';
import * as v8 from 'v8';
import * as vm from 'vm';

const file = process.env.BENCH_LIVE_MEMORY_FILE;
if (file) {
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc') as () => void;
  let peak = 0;
  const sample = () => {
    collect();
    const { heapUsed, external } = process.memoryUsage();
    if (heapUsed + external <= peak) return;
    peak = heapUsed + external;
    fs.writeFileSync(file, String(peak));
  };
  setInterval(sample, 250).unref();
  process.on('exit', sample);
}

import * as fs from 'fs';
import * as path from 'path';

/** Amazon's schema page examples, which the package ships. */
const examples = path.join(__dirname, '..', '..', 'examples');

/** The schema page examples as request bodies, by file name. */
export function example(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8'));
}

export const EXAMPLE_FILES = fs.readdirSync(examples).sort();

import * as fs from 'fs';
import * as path from 'path';

const examples = path.join(__dirname, '..', 'fixtures', 'examples');

/** The schema page examples as request bodies, by file name. */
export function example(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8'));
}

export const EXAMPLE_FILES = fs.readdirSync(examples).sort();

import { printable, quoted } from '../src/internal';

describe('printable', () => {
  it('writes every character a terminal acts on as an escape, byte by byte', () => {
    const forged = 'trash\n[amazon] POST /v1/proactiveEvents 202\u001b[2J\r\u009b31m\u2028\u202e\u007f';
    const safe = printable(forged);
    expect(safe).toBe('trash\\n[amazon] POST /v1/proactiveEvents 202\\u001b[2J\\r\\u009b31m\\u2028\\u202e\\u007f');
    expect([...Buffer.from(safe)].every((byte) => byte >= 0x20 && byte < 0x7f)).toBe(true);
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    expect(printable('Müllabfuhr ☂ 東京 🗑️')).toBe('Müllabfuhr ☂ 東京 🗑️');
  });
});

describe('quoted', () => {
  it('quotes a value on one line and cuts it at the limit', () => {
    expect(quoted('a\nb', 10)).toBe('"a\\nb"');
    expect(quoted('x'.repeat(20), 5)).toBe('"xxxxx…"');
    expect(quoted('\u001b[2J')).toBe('"\\u001b[2J"');
  });

  it('shows a value that is not a string as it would be written', () => {
    expect(quoted(42)).toBe('"42"');
    expect(quoted(undefined)).toBe('"undefined"');
  });
});

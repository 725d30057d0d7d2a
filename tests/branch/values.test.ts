import { measureJsonDepth, parseJsonLossless } from '../../lib/branch/json';
import { isAbsent, readBoolean, readText, removeDigitGrouping } from '../../lib/branch/values';

describe('parseJsonLossless', () => {
  test('keeps an 18-digit id exact', () => {
    expect(parseJsonLossless('{"~id": 987654321098765432}')).toEqual({ '~id': '987654321098765432' });
  });

  test('keeps a 19-digit id in a list exact', () => {
    expect(parseJsonLossless('[1098765432109876543, 1]')).toEqual(['1098765432109876543', 1]);
  });

  test('keeps a negative big integer exact', () => {
    expect(parseJsonLossless('{"a":-12345678901234567890}')).toEqual({ a: '-12345678901234567890' });
  });

  test('leaves safe 16-digit integers as numbers', () => {
    expect(parseJsonLossless('{"a":1717243265123000}')).toEqual({ a: 1717243265123000 });
  });

  test('keeps an overflowing exponent as text', () => {
    expect(parseJsonLossless('{"a":1e400}')).toEqual({ a: '1e400' });
  });

  test('leaves long fractions as numbers', () => {
    expect(parseJsonLossless('{"a":0.12345678901234567890}')).toEqual({ a: 0.12345678901234568 });
  });

  test('leaves digits inside strings alone', () => {
    expect(parseJsonLossless('{"a":"x 12345678901234567890 \\" 98765432109876543210"}')).toEqual({
      a: 'x 12345678901234567890 " 98765432109876543210',
    });
  });

  test('keeps the last of duplicate keys', () => {
    expect(parseJsonLossless('{"a":1,"a":12345678901234567890}')).toEqual({ a: '12345678901234567890' });
  });

  test('rejects invalid number tokens', () => {
    expect(() => parseJsonLossless('{"a":012345678901234567}')).toThrow(SyntaxError);
  });

  test('rejects invalid JSON', () => {
    expect(() => parseJsonLossless('{"a":')).toThrow(SyntaxError);
  });
});

describe('measureJsonDepth', () => {
  test('scalar is 0', () => {
    expect(measureJsonDepth('x')).toBe(0);
  });

  test('nested objects and lists count each level', () => {
    expect(measureJsonDepth({ a: [{ b: 1 }] })).toBe(3);
  });

  test('stops past the limit', () => {
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i += 1) value = [value];
    expect(measureJsonDepth(value as never, 32)).toBe(33);
  });
});

describe('readBoolean', () => {
  const cases: Array<[unknown, boolean | undefined]> = [
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    ['TRUE', true],
    [' False ', false],
    ['1', true],
    ['0', false],
    [1, true],
    [0, false],
    ['yes', undefined],
    ['', undefined],
    [null, undefined],
    ['null', undefined],
    [2, undefined],
  ];

  test.each(cases)('%p', (value, expected) => {
    expect(readBoolean(value as never)).toBe(expected);
  });
});

describe('absent values', () => {
  test.each([undefined, null, 'null'])('%p is absent', (value) => {
    expect(isAbsent(value)).toBe(true);
  });

  test.each(['', 'NULL', 0, false])('%p is present', (value) => {
    expect(isAbsent(value)).toBe(false);
  });

  test('readText of an empty string is undefined', () => {
    expect(readText('')).toBeUndefined();
  });

  test('readText of a number is its decimal text', () => {
    expect(readText(42)).toBe('42');
  });
});

describe('removeDigitGrouping', () => {
  test.each([
    ['1,717,243,265,123', '1717243265123'],
    ['-1,234.5', '-1234.5'],
    ['1234', '1234'],
    ['12,5', '12,5'],
    ['a,b', 'a,b'],
  ])('%s', (text, expected) => {
    expect(removeDigitGrouping(text)).toBe(expected);
  });
});

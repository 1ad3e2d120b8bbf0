import { describe, expect, it } from 'vitest';
import { goPathClean, partialDirectory } from '../../src/render/mustache-partial.js';

describe("Go's path.Clean", () => {
  // Expected values from Go's own path.Clean tests (src/path/path_test.go).
  it.each([
    ['', '.'],
    ['abc', 'abc'],
    ['abc/def', 'abc/def'],
    ['.', '.'],
    ['..', '..'],
    ['../..', '../..'],
    ['../../abc', '../../abc'],
    ['/abc', '/abc'],
    ['/', '/'],
    ['abc/', 'abc'],
    ['/abc/', '/abc'],
    ['abc//def//ghi', 'abc/def/ghi'],
    ['//abc', '/abc'],
    ['abc/./def', 'abc/def'],
    ['/./abc/def', '/abc/def'],
    ['abc/.', 'abc'],
    ['abc/def/ghi/../jkl', 'abc/def/jkl'],
    ['abc/def/../ghi/../jkl', 'abc/jkl'],
    ['abc/def/..', 'abc'],
    ['abc/def/../..', '.'],
    ['/abc/def/../..', '/'],
    ['abc/def/../../..', '..'],
    ['/abc/def/../../..', '/'],
    ['abc/def/../../../ghi/jkl/../../../mno', '../../mno'],
    ['abc/./../def', 'def'],
    ['abc//./../def', 'def'],
    ['abc/../../././../def', '../../def'],
  ])('%j -> %j', (input, want) => expect(goPathClean(input)).toBe(want));
});

describe('partialDirectory', () => {
  it.each([
    ['.', '.'],
    ['./', '.'],
    ['..', '..'],
    ['x/../..', '..'],
    ['/', '/'],
    ['/tmp/', '/tmp'],
    ['', undefined],
    ['header', undefined],
    ['/etc/hostname', undefined],
    ['.mustache', undefined],
  ])('%j -> %j', (name, want) => expect(partialDirectory(name)).toBe(want));
});

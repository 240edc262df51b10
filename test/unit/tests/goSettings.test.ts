import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseEnvFile, readGoTestSettings, resolveVariables, type SettingsContext } from '../../../src/tests/goSettings';

const files: Record<string, string> = {
  '/ws/.env': '# test environment\nexport DB_URL=postgres://localhost/${DB_NAME}\nDB_NAME=shop\nQUOTED="two\\nlines"\nSINGLE=\'${NOT_EXPANDED}\'\nTRAILING=value # comment\n',
};
const ctx: SettingsContext = {
  workspaceFolder: '/ws',
  env: { HOME: '/home/u', DB_NAME: 'fromenv', PATH: '/usr/bin' },
  home: '/home/u',
  readFile: (file) => {
    const text = files[file];
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${file}'`);
    return text;
  },
};

describe('readGoTestSettings', () => {
  test('no Go extension settings: go from PATH, no flags, nothing added to the environment', () => {
    assert.deepEqual(readGoTestSettings({}, undefined, ctx), { settings: { goCommand: 'go', flags: [], env: {} }, warnings: [] });
  });

  test('vscode-go\'s precedence: testFlags over buildFlags, testTags over buildTags', () => {
    const { settings } = readGoTestSettings({ testFlags: ['-race'], buildFlags: ['-mod=vendor'], testTags: 'it', buildTags: 'b', testTimeout: '45s' }, undefined, ctx);
    assert.deepEqual(settings.flags, ['-race']);
    assert.equal(settings.tags, 'it');
    assert.equal(settings.timeout, '45s');
    const fallback = readGoTestSettings({ buildFlags: ['-mod=vendor'], buildTags: 'b', testTags: null }, undefined, ctx).settings;
    assert.deepEqual(fallback.flags, ['-mod=vendor']);
    assert.equal(fallback.tags, 'b');
    assert.deepEqual(readGoTestSettings({ testFlags: [], buildFlags: ['-x'] }, undefined, ctx).settings.flags, [], 'an empty testFlags is a choice');
  });

  test('environment: toolsEnvVars, then the env file, then testEnvVars; variables expanded', () => {
    const { settings, warnings } = readGoTestSettings(
      {
        toolsEnvVars: { GOFLAGS: '-mod=mod', DB_NAME: 'tools' },
        testEnvFile: '${workspaceFolder}/.env',
        testEnvVars: { DATA: '${workspaceFolder}/testdata', HOME_DATA: '~/data', PATH_COPY: '${env:PATH}', COUNT: 3 },
        goroot: '~/sdk/go1.27.3',
      },
      undefined,
      ctx,
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(settings.env, {
      GOROOT: '/home/u/sdk/go1.27.3',
      GOFLAGS: '-mod=mod',
      DB_NAME: 'shop',
      DB_URL: 'postgres://localhost/tools',
      QUOTED: 'two\nlines',
      SINGLE: '${NOT_EXPANDED}',
      TRAILING: 'value',
      DATA: '/ws/testdata',
      HOME_DATA: '/home/u/data',
      PATH_COPY: '/usr/bin',
      COUNT: '3',
    });
    assert.equal(settings.goCommand, path.join('/home/u/sdk/go1.27.3', 'bin', 'go'));
  });

  test('go.alternateTools.go names the go command', () => {
    assert.equal(readGoTestSettings({ alternateTools: { go: '${workspaceFolder}/bin/go' }, goroot: '/sdk' }, undefined, ctx).settings.goCommand, '/ws/bin/go');
  });

  test('bad values are said once and ignored, never fatal', () => {
    const { settings, warnings } = readGoTestSettings(
      { testFlags: '-race', testEnvVars: ['A=1'], testEnvFile: '/ws/missing.env', testTimeout: 'half an hour' },
      -5,
      ctx,
    );
    assert.deepEqual(settings, { goCommand: 'go', flags: [], env: {} });
    assert.equal(warnings.length, 5, warnings.join('\n'));
    assert.ok(warnings.some((w) => w.includes('/ws/missing.env') && w.includes('ENOENT')));
  });

  test('goroscope.tests.memProfileRate: a positive whole number, 0 for go\'s default', () => {
    assert.equal(readGoTestSettings({}, 1, ctx).settings.memProfileRate, 1);
    assert.equal(readGoTestSettings({}, 0, ctx).settings.memProfileRate, undefined);
    assert.deepEqual(readGoTestSettings({}, 0, ctx).warnings, []);
  });
});

test('resolveVariables leaves unknown variables as they are', () => {
  assert.equal(resolveVariables('${workspaceFolder}/x ${unknown} ${env:NOPE}', { ...ctx }), '/ws/x ${unknown} ');
  assert.equal(resolveVariables('${workspaceFolder}', { env: {}, home: '/h' }), '${workspaceFolder}');
});

test('parseEnvFile: one clear error for a line that is not KEY=VALUE', () => {
  assert.throws(() => parseEnvFile('A=1\nthis is not a variable\n', {}), /line "this is not a variable" is not KEY=VALUE/);
});

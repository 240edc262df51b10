import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadGoParser } from '../../../src/go/parser';
import { descendantsOfType, isTerminatingCall } from '../../../src/go/syntax';
import { distDir } from '../lint/fixtureHarness';

/** Each statement of `body` (one per line) and whether isTerminatingCall says no path goes on after it. */
async function verdicts(body: string): Promise<Record<string, boolean>> {
  const parser = await loadGoParser(distDir);
  const root = parser.parse(`package p\n\nfunc f() {\n${body}\n}\n`).rootNode;
  return Object.fromEntries(descendantsOfType(root, 'expression_statement').map((s) => [s.text, isTerminatingCall(s)]));
}

test('isTerminatingCall: exits, panics and fatal logs end the path, on any receiver and at the end of a chain', async () => {
  assert.deepEqual(
    await verdicts(`
	panic(err)
	os.Exit(1)
	t.Fatalf("x %v", err)
	s.T().Fatal(err)
	logrus.WithError(err).Fatal("serve")
	log.Fatal().Err(err).Msg("serve")
	logger.Panic().Str("k", "v").Msgf("%v", err)
	log.Fatal().Send()
	require.FailNow(t, "x")`),
    {
      'panic(err)': true,
      'os.Exit(1)': true,
      't.Fatalf("x %v", err)': true,
      's.T().Fatal(err)': true,
      'logrus.WithError(err).Fatal("serve")': true,
      'log.Fatal().Err(err).Msg("serve")': true,
      'logger.Panic().Str("k", "v").Msgf("%v", err)': true,
      'log.Fatal().Send()': true,
      'require.FailNow(t, "x")': true,
    },
  );
});

test('isTerminatingCall: an event that is not fatal, or a fatal event never sent, lets the path go on', async () => {
  assert.deepEqual(
    await verdicts(`
	log.Error().Err(err).Msg("serve")
	log.Fatal().Err(err)
	logger.Fatal(ctx).Msg("x")
	ev.Msg("x")
	fmt.Println(err)`),
    {
      'log.Error().Err(err).Msg("serve")': false,
      'log.Fatal().Err(err)': false,
      'logger.Fatal(ctx).Msg("x")': false,
      'ev.Msg("x")': false,
      'fmt.Println(err)': false,
    },
  );
});

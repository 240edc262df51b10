import { describeFixtures } from '../fixtureHarness';

// Fixtures: test/fixtures/lint/select-without-ctx-done/ (annotated with // want, quick fixes checked against .golden files).
describeFixtures('select-without-ctx-done');

import { describeFixtures } from '../fixtureHarness';

// Fixtures: test/fixtures/lint/defer-in-loop/ (annotated with // want, quick fixes checked against .golden files).
describeFixtures('defer-in-loop');

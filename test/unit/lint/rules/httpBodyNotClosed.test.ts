import { describeFixtures } from '../fixtureHarness';

// Fixtures: test/fixtures/lint/http-body-not-closed/ (annotated with // want, quick fixes checked against .golden files).
describeFixtures('http-body-not-closed');

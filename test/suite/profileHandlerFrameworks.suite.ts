// "Profile this handler" on real gin, echo v5, chi and fiber v3 routes, inside a real VS Code against
// examples/framework-service (started by test/e2e/run.sh, its URL in GOROSCOPE_E2E_FRAMEWORK_URL): for the
// costly handler of each framework, the lens shows the route discovery joined from the router's groups,
// and running it loads that route on the attached host while 1 s profiles are captured, finding the
// handler hot and the route label its framework's middleware sets. The e2e driver then looks at the
// lenses and clicks one like a person (test/e2e/steps/frameworks.mjs).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HandlerProfile, ProfileHandlerArgs } from '../../src/extension/handlers/profileHandler';
import type { AttachedService } from '../../src/extension/services/attachedServices';
import { fixtureUri, waitForLens } from './workspace';

const serviceUrl = process.env.GOROSCOPE_E2E_FRAMEWORK_URL;

/** The costly handler of each framework and where it is declared. */
const FRAMEWORK_HANDLERS = [
  { framework: 'gin', file: 'framework-service/internal/ginapi/reports.go', decl: /^func \(h \*handlers\) report\(/, function: '(*handlers).report', method: 'GET', route: '/gin/api/v1/reports/:id', path: '/gin/api/v1/reports/1' },
  { framework: 'echo', file: 'framework-service/internal/echoapi/catalog.go', decl: /^func \(c \*catalog\) search\(/, function: '(*catalog).search', method: 'GET', route: '/echo/shop/search', path: '/echo/shop/search' },
  { framework: 'chi', file: 'framework-service/internal/chiapi/tiles.go', decl: /^func renderTile\(/, function: 'renderTile', method: 'GET', route: '/chi/tiles/{zoom}/mandelbrot.png', path: '/chi/tiles/1/mandelbrot.png' },
  { framework: 'fiber', file: 'framework-service/internal/fiberapi/library.go', decl: /^func \(l \*library\) topWords\(/, function: '(*library).topWords', method: 'GET', route: '/fiber/v1/books/:book/words', path: '/fiber/v1/books/1/words' },
];

suite('profile this handler on gin, echo, chi and fiber', () => {
  let serviceName = '';

  suiteSetup(async () => {
    assert.ok(serviceUrl, 'GOROSCOPE_E2E_FRAMEWORK_URL is not set: run this suite through npm run test:e2e, which starts examples/framework-service');
    const settings = vscode.workspace.getConfiguration('goroscope.handlers');
    await settings.update('profileSeconds', 1, vscode.ConfigurationTarget.Global);
    await settings.update('load', { concurrency: 2, ratePerSecond: 20 }, vscode.ConfigurationTarget.Global);
    const attached = await vscode.commands.executeCommand<AttachedService | undefined>('goroscope.services.attach', serviceUrl);
    assert.ok(attached, 'attached to framework-service');
    serviceName = attached.config.name;
  });

  suiteTeardown(async () => {
    if (serviceName) await vscode.commands.executeCommand('goroscope.services.detach', serviceName);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const h of FRAMEWORK_HANDLERS) {
    test(`${h.framework}: the lens above ${h.function} shows ${h.method} ${h.route}, and running it profiles the handler`, async () => {
      const document = await vscode.workspace.openTextDocument(fixtureUri(h.file));
      const line = document.getText().split('\n').findIndex((l) => h.decl.test(l));
      assert.ok(line >= 0, `${h.decl} is in ${h.file}`);
      const lens = await waitForLens(document, (l) => l.range.start.line === line && l.command?.command === 'goroscope.profileHandler');
      assert.equal(lens.command?.title, `Profile this handler · ${h.method} ${h.route}`);
      const args = lens.command?.arguments?.[0] as ProfileHandlerArgs;
      assert.equal(args.framework, h.framework);
      assert.equal(args.function, h.function);
      assert.match(args.symbol, new RegExp(`^example\\.com/framework-service/internal/${h.framework}api\\.`));

      const result = await vscode.commands.executeCommand<HandlerProfile | string>('goroscope.profileHandler', args);
      assert.equal(typeof result, 'object', `the command profiled: ${String(result)}`);
      const r = result as HandlerProfile;
      assert.ok(r.load, 'load was sent (goroscope.handlers.load is on)');
      assert.equal(new URL(r.load.url).origin, new URL(serviceUrl!).origin, 'load goes to the attached host only');
      assert.equal(new URL(r.load.url).pathname, h.path, 'the route with its parameters filled');
      // The end of the capture aborts what is still in flight (one request per worker at most).
      assert.deepEqual(Object.keys(r.load.statuses).filter((k) => k !== '200' && k !== 'error'), [], `every answer is a 200: ${JSON.stringify(r.load.statuses)}`);
      assert.ok(r.load.ok >= r.load.sent - 2 && r.load.ok > 0, `all but the requests cut off at the end answered: ${JSON.stringify(r.load.statuses)}`);
      assert.ok(r.cpuShare > 0.1, `${h.function} under load holds a large share of the CPU: ${r.cpuShare}`);
      assert.deepEqual(r.label, { key: 'route', value: h.route }, `the ${h.framework} middleware labels requests with the route`);
      assert.equal(r.opened.focus, r.focus, 'the flame graph opened focused on the handler');
      assert.ok((r.allocBytesPerSecond ?? 0) > 1024 * 1024, `it allocates megabytes a second under load: ${r.allocBytesPerSecond}`);
      await vscode.commands.executeCommand('notifications.clearAll');
    });
  }
});

import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './serve-fixture.ts';

// Drives the real app (built renderer + `dproc serve` + engine + SQLite) in Chromium. Every wait is on a state
// the app shows (data-state attributes), never a fixed sleep. Screenshots of each main screen are kept in
// test-results/screenshots/ as artifacts.
const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });
const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });

async function launch(page: Page, url: string, job: string, onFailure?: 'fail' | 'skip' | 'wait') {
  await page.goto(url);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-connection', 'open');
  await page.getByTestId('job-picker').selectOption({ label: job });
  await expect(page.getByTestId('job-valid')).toBeVisible();
  if (onFailure) await page.getByTestId('override-on-failure').selectOption(onFailure);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-header')).toHaveAttribute('data-run-id', /.+/);
  return (await page.getByTestId('run-header').getAttribute('data-run-id'))!;
}

async function confirm(page: Page, expectedAffected: string[]) {
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toBeVisible();
  const ids = await dialog.getByTestId('affected-task').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')));
  expect(ids.sort()).toEqual([...expectedAffected].sort());
  await dialog.getByTestId('confirm-ok').click();
  await expect(dialog).toBeHidden();
}

test('launch the example job: regions progress and complete, and the aggregated result is shown', async ({ page, served }) => {
  await page.goto(served.url);
  await shot(page, '01-launcher');
  await launch(page, served.url, 'sales-by-region');
  await expect(page.getByTestId('dag-node-region-north')).toHaveAttribute('data-state', /IN_PROGRESS|COMPLETE/);
  await shot(page, '02-dag-running');
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'COMPLETE');
  for (const r of ['north', 'south', 'east', 'west']) await expect(page.getByTestId(`dag-node-region-${r}`)).toHaveAttribute('data-state', 'COMPLETE');
  await expect(page.getByTestId('dag-node-aggregate')).toHaveAttribute('data-state', 'COMPLETE');
  await shot(page, '03-dag-complete');
  await page.getByTestId('tab-results').click();
  await expect(page.getByTestId('results')).toContainText('"records": 1000000');
  await expect(page.getByTestId('partial-banner')).toHaveCount(0);
  await shot(page, '04-results');
  await page.getByTestId('tab-timeline').click();
  await expect(page.getByTestId('timeline-bar-aggregate-1')).toHaveAttribute('data-state', 'COMPLETE');
  await shot(page, '05-timeline');
  await page.getByTestId('tab-regions').click();
  await expect(page.getByTestId('region-row-region-east')).toHaveAttribute('data-state', 'COMPLETE');
  await shot(page, '06-regions');
});

test('flaky job: a failed region shows its error, Retry makes it complete, and the aggregate then runs', async ({ page, served }) => {
  await launch(page, served.url, 'flaky', 'wait');
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'NEEDS_ATTENTION');
  await expect(page.getByTestId('dag-node-aggregate')).toHaveAttribute('data-state', 'BLOCKED');
  // Skip the two regions that can never succeed, so only the one that needs a hand holds the aggregate back.
  for (const id of ['region-broken', 'region-hang']) {
    await page.getByTestId(`dag-node-${id}`).click();
    await page.getByTestId('task-skip').click();
    // A skip touches the task and its unfinished downstream (which will run on partial input), never siblings.
    await confirm(page, [id, 'aggregate']);
    await expect(page.getByTestId(`dag-node-${id}`)).toHaveAttribute('data-state', 'SKIPPED');
  }
  await page.getByTestId('dag-node-region-needs-a-hand').click();
  const drawer = page.getByTestId('task-drawer');
  await expect(drawer).toHaveAttribute('data-state', 'FAILED');
  await expect(drawer.getByTestId('attempt-error').first()).toContainText('billing API rejected the credentials');
  await shot(page, '07-drawer-failed');
  await drawer.getByTestId('task-retry').click();
  await shot(page, '08-retry-confirm');
  await confirm(page, ['region-needs-a-hand', 'aggregate']);
  await expect(page.getByTestId('dag-node-region-needs-a-hand')).toHaveAttribute('data-state', 'COMPLETE');
  await expect(page.getByTestId('dag-node-aggregate')).toHaveAttribute('data-state', 'COMPLETE');
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'PARTIAL');
  // Siblings were not run again.
  await expect(page.getByTestId('attempts-region-steady-one')).toContainText('1');
});

test('flaky job: Skip makes the aggregate run with the region listed as missing, and the run PARTIAL', async ({ page, served }) => {
  await launch(page, served.url, 'flaky', 'wait');
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'NEEDS_ATTENTION');
  for (const id of ['region-broken', 'region-hang', 'region-needs-a-hand']) {
    await page.getByTestId(`dag-node-${id}`).click();
    await page.getByTestId('task-skip').click();
    await confirm(page, [id, 'aggregate']);
  }
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'PARTIAL');
  await expect(page.getByTestId('dag-node-aggregate')).toHaveAttribute('data-state', 'COMPLETE');
  await page.getByTestId('tab-results').click();
  const banner = page.getByTestId('partial-banner');
  await expect(banner).toBeVisible();
  const missing = await banner.getByTestId('missing-region').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')));
  expect(missing.sort()).toEqual(['region-broken', 'region-hang', 'region-needs-a-hand']);
  await shot(page, '09-partial-results');
});

test('cancel a run; reload mid-run and the same run continues; open a past run from history', async ({ page, served }) => {
  const runId = await launch(page, served.url, 'flaky', 'wait');
  await expect(page.getByTestId('dag-node-region-steady-one')).toHaveAttribute('data-state', /IN_PROGRESS|COMPLETE/);
  await page.reload();
  await expect(page.getByTestId('run-header')).toHaveAttribute('data-run-id', runId);
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'NEEDS_ATTENTION');
  await expect(page.getByTestId('dag-node-region-flaky')).toHaveAttribute('data-state', 'COMPLETE');

  const second = await launch(page, served.url, 'flaky', 'wait');
  expect(second).not.toBe(runId);
  await expect(page.getByTestId('dag-node-region-hang')).toHaveAttribute('data-state', 'IN_PROGRESS');
  await page.getByTestId('cancel-run').click();
  const dialog = page.getByTestId('confirm-dialog');
  if (await dialog.isVisible()) await dialog.getByTestId('confirm-ok').click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'CANCELLED');
  await expect(page.getByTestId('dag-node-region-hang')).toHaveAttribute('data-state', 'CANCELLED');
  await shot(page, '10-cancelled');

  await page.getByTestId('history-refresh').click();
  await page.getByTestId(`history-run-${runId}`).click();
  await expect(page.getByTestId('run-header')).toHaveAttribute('data-run-id', runId);
  await expect(page.getByTestId('dag-node-region-broken')).toHaveAttribute('data-state', 'FAILED');
  await shot(page, '11-history');
});

test('the server refuses requests without the token, with a wrong token, from another Host or Origin, and .. paths', async ({ page, served, request }) => {
  const noToken = await request.get(`${served.origin}/`);
  expect([401, 403]).toContain(noToken.status());
  const wrong = await request.get(`${served.origin}/?token=${'0'.repeat(64)}`);
  expect([401, 403]).toContain(wrong.status());
  const host = await request.get(`${served.origin}/?token=${served.token}`, { headers: { Host: 'evil.example' } });
  expect(host.status()).toBe(403);
  const traversal = await request.get(`${served.origin}/assets/%2e%2e/%2e%2e/package.json?token=${served.token}`);
  expect([400, 403, 404]).toContain(traversal.status());
  expect(await traversal.text()).not.toContain('"name": "distributed-processor"');
  // A page from another site cannot open the WebSocket, even if it knows the token.
  await page.route('http://evil.example/', (route) => route.fulfill({ contentType: 'text/html', body: '<html><body>evil</body></html>' }));
  await page.goto('http://evil.example/');
  const tryWs = (url: string) =>
    page.evaluate(
      (u) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(u);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        }),
      url,
    );
  expect(await tryWs(`${served.origin.replace('http', 'ws')}/ws?token=${served.token}`)).toBe('refused');
  // The same request from the app's own page is accepted: the refusal above is about the Origin.
  await page.goto(served.url);
  expect(await tryWs(`${served.origin.replace('http', 'ws')}/ws?token=${served.token}`)).toBe('open');
});

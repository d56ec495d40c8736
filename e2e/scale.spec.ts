import { test, expect, shoot } from './fixtures/gateway';

test.use({ seedJobs: 100_000 });

test('the jobs timeline stays a small DOM and pages from the store with 100,000 faxes', async ({ app }) => {
  await app.goto('/#/jobs');
  const list = app.getByTestId('job-list');
  await expect(app.getByTestId('jobs-total')).toHaveText('100,000 faxes');
  const rows = list.locator('li.job-row-slot');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeLessThan(60);

  // Scroll far down: rows are recycled, further pages are fetched by cursor, the DOM stays small.
  const started = Date.now();
  for (let i = 0; i < 8; i += 1) {
    await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(list.getByText('Loading more…')).toHaveCount(0, { timeout: 10_000 });
  }
  const scrolledMs = Date.now() - started;
  expect(await rows.count()).toBeLessThan(60);
  const lastIndex = Number(await rows.last().getAttribute('data-index'));
  expect(lastIndex).toBeGreaterThanOrEqual(8 * 50 - 1);
  console.log(`scale: 100,000 jobs; 8 scrolls to row ${lastIndex} in ${scrolledMs} ms; ${await rows.count()} rows in the DOM`);

  // Search is answered by the store, not by filtering in the browser.
  await app.getByLabel('Search jobs').fill('5551054321');
  await expect(app.getByTestId('jobs-total')).toHaveText('1 fax');
  await expect(rows).toHaveCount(1);
  await shoot(app, 'jobs-100k');
});

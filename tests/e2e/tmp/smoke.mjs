import { launch, openMode, pauseAtStart } from '../helpers.mjs';
const app = await launch();
try {
  const { page, errors, close } = await app.open({ hash: process.argv[2] || 'mode=pooling&in_channels=1&kernel_size=2&padding=1&ceil_mode=1&return_indices=1' });
  await page.waitForTimeout(1500);
  await pauseAtStart(page);
  console.log('stride labels', await page.getByLabel('stride', { exact: true }).count());
  console.log(await page.locator('#module-repr').textContent(), await page.locator('#output-shape').textContent());
  console.log(await page.locator('#pool-window').textContent());
  console.log(await page.locator('#pool-shape').textContent());
  await page.screenshot({ path: '/tmp/pool1.png', fullPage: false });
  await close();
  const m = await app.open({ width: 390, height: 844, hash: process.argv[2] || 'mode=pooling&in_channels=1&kernel_size=2&padding=1&ceil_mode=1&return_indices=1' });
  await m.page.waitForTimeout(1500);
  await m.page.screenshot({ path: '/tmp/pool2.png', fullPage: true });
  console.log(errors, m.errors);
  await m.close();
} finally { await app.close(); }

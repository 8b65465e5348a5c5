import { expect, test } from '@playwright/test';

// The audit's smoke scenarios that exist so far: home, health, navigation, 404, protected page.

test('the home page loads with featured professionals from the database', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/SPYMEO/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Le bien-être près de chez vous');
  await expect(page.locator('.pro-card')).toHaveCount(6);
  await expect(page.locator('.article-card')).toHaveCount(3);
});

test('/api/health answers 200 with the database connected', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.checks.database).toBe('connected');
});

test('the navigation menu lists the public sections', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Navigation principale' });
  for (const label of ['Praticiens', 'Artisans', 'Commerçants', 'Centres de formation', 'Blog', 'PASS']) {
    await expect(nav.getByRole('link', { name: label })).toBeVisible();
  }
});

test('an unknown page shows the French 404 page', async ({ page }) => {
  const res = await page.goto('/cette-page-nexiste-pas');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page introuvable');
});

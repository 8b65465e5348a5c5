import { expect, test } from '@playwright/test';

// The audit's smoke scenarios: home, health, navigation, search, practitioner listing, 404
// (the login page and the /pro/dashboard redirect are in auth.spec.ts).

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

test('the search page finds a practitioner by keyword and opens the profile', async ({ page }) => {
  await page.goto('/recherche');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Rechercher');
  await page.getByLabel('Mots-clés').fill('Claire Moreau');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page).toHaveURL(/\/recherche\?q=Claire/);
  await expect(page.getByRole('status')).toContainText('résultat');
  const hit = page.locator('li.result', { hasText: 'Claire Moreau' }).first();
  await expect(hit).toBeVisible();
  await hit.getByRole('link').click();
  await expect(page).toHaveURL(/\/praticiens\/claire-moreau-naturopathe/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Claire Moreau');
});

test('the practitioner listing shows cards from the database and filters by city', async ({ page }) => {
  await page.goto('/praticiens');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Praticiens du bien-être');
  const cards = page.locator('li.pro-card');
  expect(await cards.count()).toBeGreaterThanOrEqual(3);
  const city = (await cards.first().locator('.city').textContent())?.trim() ?? '';
  expect(city).not.toBe('');
  await page.getByLabel('Ville').fill(city);
  await page.getByRole('button', { name: /Filtrer|Rechercher/ }).click();
  const filtered = page.locator('li.pro-card');
  expect(await filtered.count()).toBeGreaterThanOrEqual(1);
  for (const c of await filtered.locator('.city').allTextContents()) {
    expect(c.trim()).toBe(city);
  }
});

import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

// Issue 5: every public page has one <h1>, a <title>, and no serious or critical
// accessibility violation (axe-core, WCAG 2.1 A and AA rules).

const PAGES = [
  '/',
  '/praticiens',
  '/artisans',
  '/commercants',
  '/centres-de-formation',
  '/blog',
  '/pass',
  '/recherche?q=sophro',
  '/praticiens/claire-moreau-naturopathe',
  '/praticiens/claire-moreau-naturopathe/reserver',
  '/auth/login',
  '/auth/signup',
  '/auth/forgot-password',
  '/devenir-membre-pro',
  '/cette-page-nexiste-pas',
];

// Profiles and articles whose slugs come from the data: the first card of each listing.
const FIRST_OF = ['/artisans', '/commercants', '/centres-de-formation', '/blog'];

async function check(page, path: string) {
  await expect(page.locator('h1'), `${path}: one h1`).toHaveCount(1);
  expect((await page.title()).trim(), `${path}: a title`).not.toBe('');
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`),
    `${path}: serious or critical axe violations`,
  ).toEqual([]);
}

for (const path of PAGES) {
  test(`accessible: ${path}`, async ({ page }) => {
    await page.goto(path);
    await check(page, path);
  });
}

for (const listing of FIRST_OF) {
  test(`accessible: first page linked from ${listing}`, async ({ page }) => {
    await page.goto(listing);
    const link = page.locator('main li a[href^="/"]').first();
    const href = await link.getAttribute('href');
    expect(href, `${listing} links to a detail page`).toBeTruthy();
    await page.goto(href!);
    await check(page, href!);
  });
}

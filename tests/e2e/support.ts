import { expect, type Page } from '@playwright/test';

// What the specs share: the demo accounts' password (seeded by `spymeo dev`, DOMAIN.md §10)
// and the login form as a visitor fills it.

export const DEMO_PASSWORD = 'Spymeo-demo-2025'; // pragma: allowlist secret

/** Logs in through the form; the caller checks where it lands. */
export async function login(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/auth/login');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** Logs in and waits until the login page is left. */
export async function loginOk(page: Page, email: string, password = DEMO_PASSWORD) {
  await login(page, email, password);
  await expect(page).not.toHaveURL(/\/auth\/login/);
}

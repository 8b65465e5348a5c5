import { expect, test } from '@playwright/test';

// Issue 3: sign up, log out, log in, reach the member home; an anonymous visit to
// /pro/dashboard lands on the login page and returns there after login.

test('a visitor signs up, logs out, logs in and reaches the member home', async ({ page }) => {
  const email = `e2e-${Date.now()}@example.fr`;
  await page.goto('/auth/signup');
  await page.getByLabel('Prénom').fill('Élise');
  await page.getByLabel('Nom', { exact: true }).fill('Martin');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel(/^Mot de passe/).fill('Printemps2026');
  await page.getByLabel("J'accepte les conditions générales d'utilisation").check();
  await page.getByRole('button', { name: 'Créer mon compte' }).click();

  await expect(page).toHaveURL(/\/user\/tableau-de-bord$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bonjour Élise');
  await expect(page.locator('.flash-success')).toContainText('Bienvenue Élise');

  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: 'Connexion' })).toBeVisible();

  await page.getByRole('link', { name: 'Connexion' }).click();
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill('Printemps2026');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/user\/tableau-de-bord$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bonjour Élise');
});

test('an anonymous visit to the pro dashboard goes to login and back', async ({ page }) => {
  await page.goto('/pro/dashboard');
  await expect(page).toHaveURL(/\/auth\/login\?next=%2Fpro%2Fdashboard|\/auth\/login\?next=\/pro\/dashboard/);
  await page.getByLabel('Adresse e-mail').fill('praticien@spymeo.test');
  await page.getByLabel('Mot de passe').fill('Spymeo-demo-2025');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(/\/pro\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Tableau de bord');
});

test('a wrong password shows a French error and keeps the email', async ({ page }) => {
  await page.goto('/auth/login');
  await page.getByLabel('Adresse e-mail').fill('praticien@spymeo.test');
  await page.getByLabel('Mot de passe').fill('pas-le-bon-1');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.locator('.form-error')).toHaveText('E-mail ou mot de passe incorrect');
  await expect(page.getByLabel('Adresse e-mail')).toHaveValue('praticien@spymeo.test');
});

import { expect, test } from '@playwright/test';
import { login } from '../support';

// Issue 6: a pro candidate registers with a document, the admin reviews it and approves the
// candidature (membership offered, so the space opens at once), the pro logs in, edits the
// public fiche, and the fiche is verified, public and found by the search page.

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

test('candidate → admin approval → pro edits the public fiche', async ({ page }) => {
  const stamp = Date.now();
  const email = `atelier-${stamp}@example.fr`;
  const publicName = `Atelier Grès ${stamp}`;

  // 1. The candidature, with a diploma.
  await page.goto('/devenir-membre-pro');
  await page.getByLabel('Artisan').check();
  await page.getByLabel('Nom public (fiche SPYMEO)').fill(publicName);
  await page.getByLabel('Discipline ou activité').fill('Céramique');
  await page.getByLabel('Ville').fill('Beaune');
  await page.getByLabel('Code postal').fill('21200');
  await page.getByLabel('Prénom').fill('Inès');
  await page.getByLabel('Nom', { exact: true }).fill('Garnier');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel(/^Mot de passe/).fill('Ceramique2026');
  await page.getByLabel('Diplôme ou certification').setInputFiles({ name: 'diplome.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'Envoyer ma candidature' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Candidature envoyée');

  // 2. The admin sees it with its document and approves it.
  await login(page, 'admin@spymeo.test');
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole('link', { name: 'Professionnels' }).first().click();
  const card = page.locator('article.application', { hasText: publicName });
  await expect(card).toContainText('Céramique');
  await expect(card.getByRole('link', { name: 'Diplôme ou certification' })).toBeVisible();
  await card.getByRole('button', { name: 'Accepter et activer (adhésion offerte)' }).click();
  await expect(page.locator('.flash-success')).toContainText('Candidature acceptée et espace activé');
  await expect(page.locator('article.application', { hasText: publicName })).toHaveCount(0);
  // The decision is in the audit log.
  await page.getByRole('link', { name: "Journal d'audit" }).click();
  await expect(page.locator('table.audit tbody tr').first()).toContainText('pro.approve_activate');
  await page.getByRole('button', { name: 'Déconnexion' }).click();

  // 3. The pro logs in and edits the fiche.
  await login(page, email, 'Ceramique2026');
  await expect(page).toHaveURL(/\/pro\/dashboard$/);
  await page.goto('/pro/commun/fiche');
  await expect(page.locator('.meta')).toContainText('fiche vérifiée, visible du public');
  await page.getByLabel('Présentation').fill('Grès émaillé tourné à la main, ateliers découverte le samedi.');
  await page.getByLabel('Catégorie').fill('Céramique');
  await page.getByLabel('Site web').fill('https://atelier-gres.example.fr');
  await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
  await expect(page.locator('.flash-success')).toContainText('Fiche enregistrée');
  await expect(page.getByLabel('Présentation')).toHaveValue(/Grès émaillé/);

  // 4. The fiche as the API gives it: verified, with the new text, at its public address.
  const res = await page.request.get('/api/pro/profile');
  expect(res.status()).toBe(200);
  const fiche = await res.json();
  expect(fiche.verified).toBe(true);
  expect(fiche.publicName).toBe(publicName);
  expect(fiche.description).toContain('Grès émaillé');
  expect(fiche.publicHref).toMatch(/^\/artisans\/atelier-gres-/);

  // 5. Anyone finds the fiche through the search page, and it opens with the new text.
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await page.goto('/recherche');
  await page.getByLabel('Mots-clés').fill(publicName);
  await page.getByRole('button', { name: 'Rechercher' }).click();
  const hit = page.locator('li.result', { hasText: publicName });
  await expect(hit).toHaveCount(1);
  await hit.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`${fiche.publicHref}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(publicName);
  await expect(page.locator('main')).toContainText('Grès émaillé');
});

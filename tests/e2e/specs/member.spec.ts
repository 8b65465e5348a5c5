import { createHmac } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { loginOk as login } from '../support';

// Issue 5: the member journeys — search → profile → favorite → book; a message to a
// practitioner and its reply; a FREE member who subscribes to the PASS through a signed webhook.

const SLUG = 'claire-moreau-naturopathe';
const PRO_NAME = 'Claire Moreau – Naturopathe';
// The webhook signing secret of `spymeo dev` (spymeo_server::api::payments::DEV_WEBHOOK_SECRET).
const WEBHOOK_SECRET = process.env.PAYMENT_WEBHOOK_SECRET ?? 'whsec_spymeo_dev_only';

async function logout(page) {
  await page.getByRole('button', { name: 'Déconnexion' }).click();
  await expect(page.getByRole('link', { name: 'Connexion' })).toBeVisible();
}

/** `Stripe-Signature: t=…,v1=…`, HMAC-SHA256 of "{t}.{body}" (as the provider signs). */
function sign(body: string, secret = WEBHOOK_SECRET): string {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

test('a member searches, opens a profile, adds it to favorites and books a free slot', async ({ page }) => {
  test.setTimeout(90_000);
  await login(page, 'pass@spymeo.test');
  await expect(page).toHaveURL(/\/user\/tableau-de-bord$/);

  // Search → profile.
  await page.goto('/recherche');
  await page.getByLabel('Mots-clés').fill('Claire Moreau');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByRole('status')).toContainText('résultat');
  await page.getByRole('link', { name: PRO_NAME }).click();
  await expect(page).toHaveURL(new RegExp(`/praticiens/${SLUG}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(PRO_NAME);

  // Favorite (re-runnable: a favorite left by an earlier run is removed first).
  const remove = page.getByRole('button', { name: 'Retirer des favoris' });
  if (await remove.isVisible()) {
    await remove.click();
    await expect(page.getByRole('button', { name: 'Ajouter aux favoris' })).toBeVisible();
  }
  await page.getByRole('button', { name: 'Ajouter aux favoris' }).click();
  await expect(page).toHaveURL(new RegExp(`/praticiens/${SLUG}$`));
  await expect(page.getByRole('button', { name: 'Retirer des favoris' })).toHaveAttribute('aria-pressed', 'true');
  await page.goto('/user/favoris');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mes favoris');
  await expect(page.locator('li.favorite').getByRole('link', { name: PRO_NAME })).toBeVisible();

  // Book the first free slot. (The profile's slot links use ?type=&start=, which the booking
  // page ignores — it reads ?motif=&du= — so the motif is chosen on the booking page itself.)
  await page.goto(`/praticiens/${SLUG}/reserver`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Prendre rendez-vous avec ${PRO_NAME}`);
  await page.locator('ul.motifs').getByRole('link', { name: 'Bilan de vitalité' }).click();
  await expect(page.getByRole('heading', { name: /2\. Créneau — Bilan de vitalité/ })).toBeVisible();
  const slots = page.locator('input[name="start"]');
  for (let week = 0; week < 4 && (await slots.count()) === 0; week++) {
    await page.getByRole('link', { name: '7 jours suivants →' }).click();
  }
  await slots.first().check();
  // The member's own details are prefilled; fill them only if missing.
  if (!(await page.getByLabel('Prénom').inputValue())) await page.getByLabel('Prénom').fill('Julie');
  if (!(await page.getByLabel('Nom', { exact: true }).inputValue())) await page.getByLabel('Nom', { exact: true }).fill('Bernard');
  await expect(page.getByLabel('E-mail')).toHaveValue('pass@spymeo.test');
  await page.getByLabel('Message pour le praticien (facultatif)').fill(`Réservation e2e ${Date.now()}`);
  await page.getByLabel("J'accepte les conditions générales d'utilisation").check();
  await page.getByRole('button', { name: 'Confirmer le rendez-vous' }).click();

  await expect(page.locator('.flash-success')).toContainText('Votre rendez-vous est réservé');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mon rendez-vous');
  await expect(page.locator('#rendez-vous')).toContainText('Bilan de vitalité');
  await expect(page.locator('#rendez-vous').getByRole('link', { name: PRO_NAME })).toBeVisible();
  const id = new URL(page.url()).pathname.split('/').pop();

  // The appointment is in the member space.
  await page.goto('/user/rendez-vous/a-venir');
  await expect(page.locator(`a[href="/user/rendez-vous/${id}"]`).first()).toBeVisible();
});

test('a member writes to a practitioner and reads the reply', async ({ page }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const question = `Bonjour, proposez-vous des séances le samedi ? (${stamp})`;
  const answer = `Oui, un samedi sur deux, de 9 h à 12 h. (${stamp})`;

  // free@ here (pass@ books in the first scenario): logins are limited to 5 a minute per
  // account, and this scenario logs the member in twice.
  await login(page, 'free@spymeo.test');
  await page.goto(`/praticiens/${SLUG}`);
  await page.getByRole('link', { name: 'Contacter' }).click();
  // First contact: the new-message form; afterwards the existing thread opens instead.
  if (/\/user\/messagerie\/nouveau/.test(page.url())) {
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Écrire à ${PRO_NAME}`);
    await page.getByLabel('Objet (facultatif)').fill('Horaires');
    await page.getByLabel('Message').fill(question);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await expect(page.locator('.flash-success')).toContainText('Message envoyé');
  } else {
    await page.getByLabel('Votre réponse').fill(question);
    await page.getByRole('button', { name: 'Envoyer' }).click();
  }
  await expect(page).toHaveURL(/\/user\/messagerie\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Conversation avec ${PRO_NAME}`);
  await expect(page.locator('li.message.mine', { hasText: question })).toBeVisible();
  const thread = new URL(page.url()).pathname;
  await logout(page);

  // The practitioner opens the conversation and replies.
  await login(page, 'praticien@spymeo.test');
  await page.goto('/pro/commun/messages');
  const conv = page.locator('#conversations li', { hasText: question });
  await expect(conv).toBeVisible();
  await conv.getByRole('link').click();
  await expect(page.locator('#fil')).toContainText(question);
  await page.getByLabel('Répondre').fill(answer);
  await page.locator('#fil').getByRole('button', { name: 'Envoyer' }).click();
  await expect(page.locator('#fil li.mine', { hasText: answer })).toBeVisible();
  await logout(page);

  // The member sees the reply.
  await login(page, 'free@spymeo.test');
  await page.goto(thread);
  const reply = page.locator('li.message', { hasText: answer });
  await expect(reply).toBeVisible();
  await expect(reply).toHaveAttribute('data-mine', 'false');
  await expect(reply.locator('.meta')).toContainText(PRO_NAME);
});

test('a free member subscribes to the PASS through a signed webhook and the PASS unlocks', async ({ page, browser, request }) => {
  test.setTimeout(90_000);
  const stamp = Date.now();
  const email = `pass-e2e-${stamp}@example.fr`;

  // A fresh FREE member: the PASS page shows the lock.
  await page.goto('/auth/signup');
  await page.getByLabel('Prénom').fill('Lucie');
  await page.getByLabel('Nom', { exact: true }).fill('Garnier');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel(/^Mot de passe/).fill('Printemps2026');
  await page.getByLabel("J'accepte les conditions générales d'utilisation").check();
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page).toHaveURL(/\/user\/tableau-de-bord$/);
  await page.goto('/pass/tableau-de-bord');
  await expect(page).toHaveURL(/\/user\/pass$/);
  await expect(page.getByRole('heading', { name: "Vous n'avez pas encore le PASS" })).toBeVisible();
  await expect(page.locator('li.resource[data-locked="true"]').first()).toBeVisible();

  // Checkout: a PENDING_PAYMENT subscription and the provider's (simulated) hosted page.
  await page.getByRole('link', { name: 'Souscrire au PASS' }).click();
  await expect(page).toHaveURL(/\/payment\/pass/);
  await page.getByLabel(/PASS annuel/).check();
  await page.getByRole('button', { name: 'Continuer vers le paiement' }).click();
  await expect(page).toHaveURL(/\/payment\/simulation\?product=PASS_ANNUAL$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Paiement sécurisé (simulation)');

  // Our subscription id (which the provider gets in the checkout metadata) is not shown to the
  // member: read it from the admin API, in a separate admin session.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await login(admin, 'admin@spymeo.test');
  const res = await admin.request.get('/api/admin/pass/subscriptions?status=PENDING_PAYMENT&limit=100');
  expect(res.status()).toBe(200);
  const row = (await res.json()).items.find((s) => s.email === email);
  expect(row, 'pending subscription of the new member').toBeTruthy();
  const sub: string = row.id;
  await adminContext.close();

  // The provider's events, signed with the webhook secret.
  const now = Math.floor(Date.now() / 1000);
  const meta = { spymeoSubscriptionId: sub, plan: 'ANNUAL', product: 'PASS_ANNUAL' };
  const providerSub = `sub_e2e_${stamp}`;
  const customer = `cus_e2e_${stamp}`;
  const completed = JSON.stringify({
    id: `evt_e2e_${stamp}_1`, type: 'checkout.session.completed', created: now,
    data: { object: { id: `cs_e2e_${stamp}`, object: 'checkout.session', mode: 'subscription',
      client_reference_id: sub, customer, subscription: providerSub, metadata: meta } },
  });
  const paid = JSON.stringify({
    id: `evt_e2e_${stamp}_2`, type: 'invoice.paid', created: now,
    data: { object: { id: `in_e2e_${stamp}`, object: 'invoice', customer, subscription: providerSub,
      amount_paid: 6900, currency: 'eur', status_transitions: { paid_at: now },
      lines: { data: [{ period: { start: now, end: now + 365 * 86400 } }] },
      subscription_details: { metadata: meta } } },
  });
  const post = (body: string, signature: string) =>
    request.post('/api/payment/webhook', {
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      data: body,
    });

  // A wrong signature is refused and changes nothing.
  const bad = await post(paid, sign(paid, 'whsec_wrong'));
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe('BAD_SIGNATURE');
  // (With the checkout started, the page shows the pending card, contents still locked.)
  await page.goto('/user/pass');
  await expect(page.locator('li.resource[data-locked="true"]').first()).toBeVisible();
  await expect(page.locator('li.resource[data-locked="false"]')).toHaveCount(0);
  expect((await (await page.request.get('/api/user/pass')).json()).active).toBe(false);

  for (const body of [completed, paid]) {
    const r = await post(body, sign(body));
    expect(r.status()).toBe(200);
    expect(await r.json()).toEqual({ received: true, duplicate: false });
  }
  // Redelivery is idempotent.
  const again = await post(paid, sign(paid));
  expect((await again.json()).duplicate).toBe(true);

  // The same session now has the PASS: the page is unlocked.
  await page.goto('/pass/tableau-de-bord');
  await expect(page).toHaveURL(/\/user\/pass$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mon PASS');
  await expect(page.getByRole('heading', { name: "Vous n'avez pas encore le PASS" })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Carte PASS SPYMEO' })).toContainText('actif');
  // Podcasts and videos now open (the demo livrets have no URL, so they keep « réservé PASS »).
  await expect(page.locator('li.resource[data-locked="false"]').getByRole('link').first()).toBeVisible();
  const state = await (await page.request.get('/api/user/pass')).json();
  expect(state.active).toBe(true);
  expect(state.plan).toBe('ANNUAL');
});

// The example page: sign in, pre-warm, paste a link, see the driveItem or
// the problem; a folder lists its children, and a sub-folder opens in place
// with a breadcrumb back. Plain ES modules; the client is the committed dist/
// build, bundled with openapi-fetch into vendor/ by `npm run build`.
// Everything the service answers is data: text goes in through textContent,
// and only an https: webUrl becomes a link.

import { createShareResolverClient, ShareResolverError } from './vendor/share-resolver-client.js';
import { createAuth } from './auth.js';
import { config } from './config.js';
import { httpsUrl, humanSize, ICONS, items, kindOf, when } from './render.js';

const $ = (id) => document.getElementById(id);
let auth;
let client;
let inFlight;
let countdown;

function setState(state, code = '') {
  document.body.dataset.state = state;
  document.body.dataset.code = code;
  for (const id of ['loading', 'item', 'error']) $(id).hidden = id !== state;
  if (state !== 'item') closeFolder();
}

async function main() {
  $('service').textContent = config.service;
  try {
    auth = await createAuth();
  } catch (e) {
    $('setup-message').textContent = e.message;
    $('setup-error').hidden = false;
    $('form').hidden = true;
    setState('setup');
    return;
  }
  $('auth-kind').textContent = auth.kind;
  $('auth-mode').textContent = config.authMode;
  // The client's defaults: a transient failure retried once, a short
  // Retry-After (up to 10 s) waited out once, a 30 s timeout.
  client = createShareResolverClient({
    baseUrl: config.service,
    getToken: () => auth.getToken(),
    // Never in obo mode (createAuth leaves none): the service refuses
    // X-SharePoint-Authorization there and gets SharePoint tokens itself.
    getSharePointToken: config.authMode === 'graph' && auth.getSharePointToken ? (host) => auth.getSharePointToken(host) : undefined,
    onClaimsChallenge: auth.onClaimsChallenge && ((claims) => auth.onClaimsChallenge(claims)),
  });
  $('sign-in').onclick = () => signIn().catch((e) => showError(e));
  $('sign-out').onclick = async () => {
    await auth.signOut();
    renderAccount();
  };
  $('form').onsubmit = (event) => {
    event.preventDefault();
    open($('link').value);
  };
  $('retry').onclick = () => open($('link').value);
  const link = new URLSearchParams(location.search).get('link');
  if (link) $('link').value = link;
  renderAccount();
  setState('idle');
  if (auth.account) warmUp();
  // A link in the address (the "shared with you" page's folders open here) opens at once.
  if (link && auth.account) open(link);
}

async function signIn() {
  await auth.signIn();
  renderAccount();
  warmUp();
}

/**
 * Fire-and-forget: by the time a link is pasted, the guest is usually
 * hydrated. At the tenant's SharePoint host, with a SharePoint token when
 * there is one (the service's sharepoint warm-up).
 */
function warmUp() {
  $('prewarm').textContent = 'running';
  client.prewarm({ host: config.sharePointHost }).then((answer) => {
    $('prewarm').textContent = answer ? `${answer.hydration}/${answer.warmup}` : 'n/a';
  });
}

function renderAccount() {
  const signedIn = Boolean(auth.account);
  $('account-name').hidden = !signedIn;
  $('account-name').textContent = signedIn ? auth.account.name : '';
  $('account-name').title = signedIn ? auth.account.username ?? '' : '';
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn || auth.kind === 'test';
  for (const el of [$('link'), $('open')]) el.disabled = !signedIn;
  $('hint').textContent = signedIn ? 'Paste a link someone shared with you.' : 'Sign in first, with the account the link was shared with.';
}

async function open(link) {
  if (!link.trim()) return;
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  stopCountdown();
  setState('loading');
  try {
    const { item, meta } = await client.resolveShareWithMeta(link, { signal: controller.signal });
    if (inFlight === controller) {
      renderItem(item, meta);
      if (item.folder) openFolder(link, item);
    }
  } catch (e) {
    if (e?.name === 'AbortError' || inFlight !== controller) return;
    showError(e);
  }
}

// ---- the driveItem card ----------------------------------------------------

const SCOPES = { users: 'Specific people', organization: 'People in the organization', anonymous: 'Anyone with the link' };

function who(item) {
  const shared = item.shared ?? {};
  const sharer = shared.sharedBy?.user ?? shared.owner?.user;
  const person = sharer ?? item.createdBy?.user;
  const name = person ? [person.displayName, person.email && `(${person.email})`].filter(Boolean).join(' ') : '—';
  return { label: sharer ? 'Shared by' : 'Created by', text: name, scope: SCOPES[shared.scope] };
}

function placeOf(item) {
  const folder = item.parentReference?.name;
  let site = '';
  const web = httpsUrl(item.webUrl);
  if (web) {
    const url = new URL(web);
    site = url.hostname + url.pathname.split('/').slice(0, 3).join('/');
  }
  return [folder, site].filter(Boolean).join(' · ') || '—';
}

function renderItem(item, meta) {
  const [kind, label] = kindOf(item);
  $('item-icon').innerHTML = ICONS[kind];
  $('item-icon').dataset.kind = kind;
  $('item-name').textContent = String(item.name ?? '');
  $('item-kind').textContent = item.folder ? `Folder · ${items(item.folder.childCount)}` : label;
  $('item-size').textContent = humanSize(item.size);
  $('item-modified').textContent = when(item.lastModifiedDateTime);
  const sharer = who(item);
  $('item-who-label').textContent = sharer.label;
  $('item-who').textContent = sharer.text;
  $('item-scope').textContent = sharer.scope ?? '';
  $('item-scope').hidden = $('item-scope-label').hidden = !sharer.scope;
  $('item-location').textContent = placeOf(item);
  const openLink = $('item-open');
  const web = httpsUrl(item.webUrl);
  if (web) openLink.href = web;
  else openLink.removeAttribute('href');
  openLink.hidden = !web;
  const attempts = meta.attempts === 1 ? '1 attempt' : `${meta.attempts} attempts`;
  const retried = meta.requests > 1 ? ` · ${meta.requests} requests from the page` : '';
  $('item-meta').textContent = `hydration ${meta.hydration} · warm-up ${meta.warmup} · ${attempts}${retried} · request-id ${meta.requestId ?? '—'}`;
  setState('item');
}

// ---- the folder view ---------------------------------------------------------

/** What a listing asks Graph for: what a row shows, and what opening a sub-folder needs. */
const CHILD_FIELDS = ['id', 'name', 'size', 'lastModifiedDateTime', 'webUrl', 'folder', 'file', 'parentReference'];
/** The open folders, the shared one first: `{ name, ref }` (the link, then driveItems). */
let trail = [];
/** Bumped by every listing, so an older one that answers late is dropped. */
let listing = 0;

function openFolder(link, item) {
  trail = [{ name: String(item.name ?? 'Folder'), ref: link }];
  $('folder').hidden = false;
  browse();
}

function closeFolder() {
  listing += 1;
  trail = [];
  $('folder').hidden = true;
  $('children').replaceChildren();
}

/** Lists the last folder of the trail (every page), through the service. */
async function browse() {
  const run = ++listing;
  renderCrumbs();
  $('children').replaceChildren();
  $('folder').dataset.state = 'loading';
  $('folder-status').textContent = 'Loading…';
  $('folder-status').hidden = false;
  try {
    const children = [];
    for await (const child of client.listChildren(trail.at(-1).ref, { pageSize: 100, select: CHILD_FIELDS })) {
      if (run !== listing) return;
      children.push(child);
    }
    if (run !== listing) return;
    $('children').replaceChildren(...children.map(childRow));
    $('folder-status').textContent = children.length ? '' : 'This folder is empty.';
    $('folder-status').hidden = children.length > 0;
    $('folder').dataset.state = 'listed';
  } catch (e) {
    if (run !== listing) return;
    const problem = e instanceof ShareResolverError ? `${e.title} (${e.code})` : String(e?.message ?? e);
    $('folder-status').textContent = `Could not list this folder: ${problem}`;
    $('folder').dataset.state = 'error';
  }
}

function renderCrumbs() {
  const crumbs = trail.map((folder, i) => {
    const li = document.createElement('li');
    if (i === trail.length - 1) {
      const here = document.createElement('span');
      here.setAttribute('aria-current', 'page');
      here.textContent = folder.name;
      li.append(here);
    } else {
      const back = document.createElement('button');
      back.type = 'button';
      back.className = 'link';
      back.textContent = folder.name;
      back.onclick = () => {
        trail = trail.slice(0, i + 1);
        browse();
      };
      li.append(back);
    }
    return li;
  });
  $('breadcrumb').replaceChildren(...crumbs);
}

/** One child: icon by type, name (a sub-folder opens here, a file its https webUrl), size, modified. */
function childRow(child) {
  const [kind, label] = kindOf(child);
  const li = document.createElement('li');
  li.dataset.kind = kind;
  const icon = document.createElement('span');
  icon.className = 'child-icon';
  icon.title = label;
  icon.innerHTML = ICONS[kind];
  let name;
  if (child.folder) {
    name = document.createElement('button');
    name.type = 'button';
    name.className = 'link';
    name.onclick = () => {
      trail = [...trail, { name: String(child.name ?? ''), ref: child }];
      browse();
    };
  } else {
    const web = httpsUrl(child.webUrl);
    name = document.createElement(web ? 'a' : 'span');
    if (web) {
      name.href = web;
      name.target = '_blank';
      name.rel = 'noopener noreferrer';
    }
  }
  name.classList.add('child-name');
  name.textContent = String(child.name ?? '');
  const size = document.createElement('span');
  size.className = 'child-size';
  size.textContent = child.folder ? items(child.folder.childCount) : humanSize(child.size);
  const modified = document.createElement('span');
  modified.className = 'child-modified';
  modified.textContent = when(child.lastModifiedDateTime);
  li.append(icon, name, size, modified);
  return li;
}

// ---- the problem panel -----------------------------------------------------

function showError(e) {
  const error = e instanceof ShareResolverError
    ? e
    : new ShareResolverError({ code: 'app_error', status: 0, title: 'Something went wrong', detail: String(e?.message ?? e), remediation: 'Sign in again, then retry.' });
  $('error-title').textContent = error.title;
  $('error-code').textContent = error.status ? `${error.code} · HTTP ${error.status}` : error.code;
  $('error-detail').textContent = error.detail;
  $('error-detail').hidden = !error.detail;
  $('error-remediation').textContent = error.remediation;
  renderIds(error);
  setState('error', error.code);
  if (error.retryAfter) startCountdown(error.retryAfter);
  else {
    $('retry').disabled = false;
    $('retry').className = 'ghost';
    $('retry').textContent = 'Try again';
  }
}

function renderIds(error) {
  const rows = [];
  if (error.requestId) rows.push(['request-id', error.requestId]);
  if (error.clientRequestId) rows.push(['client-request-id', error.clientRequestId]);
  error.graph.forEach((g, i) => {
    const what = [g.call, g.strategy].filter(Boolean).join(' ') || 'call';
    rows.push([`Graph #${i + 1} ${what}`, `${g.status ?? 'no answer'} ${g.code ?? ''} · ${g.requestId ?? '—'}`]);
  });
  const list = $('error-ids');
  list.replaceChildren();
  for (const [name, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  }
  list.hidden = rows.length === 0;
}

/** "Retry in N s", counting down; the button is enabled at 0. */
function startCountdown(seconds) {
  const button = $('retry');
  button.className = 'primary';
  const until = Date.now() + seconds * 1000;
  const tick = () => {
    const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    button.disabled = left > 0;
    button.textContent = left > 0 ? `Retry in ${left} s` : 'Retry';
    if (left === 0) stopCountdown();
  };
  countdown = setInterval(tick, 250);
  tick();
}

function stopCountdown() {
  clearInterval(countdown);
  countdown = undefined;
}

main();

// The "shared with you" page: the guest signs in and sees their links as a
// grid of cards, loaded in two requests through JSON batching (the links'
// driveItems with their thumbnails in one POST /v1/$batch, their
// permissions in a second); a card previews its file in place (an iframe of
// Graph's getUrl, only on a preview host of config.js, which the CSP's
// frame-src names too), downloads it through the driveItem's
// @microsoft.graph.downloadUrl (a plain link: no token goes there) unless
// the link blocks downloads, and a folder opens in the single-link page's
// folder view. Everything the service answers is data: text goes in through
// textContent, and only vetted URLs become links, images or frames.

import { createShareResolverClient, ShareResolverError } from './vendor/share-resolver-client.js';
import { createAuth } from './auth.js';
import { config } from './config.js';
import { badgesOf, httpsUrl, humanSize, ICONS, items, kindOf, previewable, when } from './render.js';

const $ = (id) => document.getElementById(id);
let auth;
let client;
/** Bumped by every load and preview, so an older answer that comes late is dropped. */
let generation = 0;
let previewing = 0;

function setState(state, code = '') {
  document.body.dataset.state = state;
  document.body.dataset.code = code;
  $('loading').hidden = state !== 'loading';
  $('error').hidden = state !== 'error';
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
  client = createShareResolverClient({
    baseUrl: config.service,
    getToken: () => auth.getToken(),
    getSharePointToken: config.authMode === 'graph' && auth.getSharePointToken ? (host) => auth.getSharePointToken(host) : undefined,
    onClaimsChallenge: auth.onClaimsChallenge && ((claims) => auth.onClaimsChallenge(claims)),
  });
  $('sign-in').onclick = () => signIn().catch(showError);
  $('sign-out').onclick = async () => {
    await auth.signOut();
    renderAccount();
  };
  $('form').onsubmit = (event) => {
    event.preventDefault();
    load(linksOf($('links').value));
  };
  $('preview-close').onclick = closePreview;
  renderAccount();
  setState('idle');
  if (auth.account) start().catch(showError);
}

async function signIn() {
  await auth.signIn();
  renderAccount();
  await start();
}

function renderAccount() {
  const signedIn = Boolean(auth.account);
  $('account-name').hidden = !signedIn;
  $('account-name').textContent = signedIn ? auth.account.name : '';
  $('account-name').title = signedIn ? auth.account.username ?? '' : '';
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn || auth.kind === 'test';
  for (const el of [$('links'), $('show')]) el.disabled = !signedIn;
  $('hint').textContent = signedIn ? 'Paste more links, one a line, and press Show.' : 'Sign in first, with the account the links were shared with.';
}

/**
 * Right after sign-in: the configured links (or the simulator's demo links)
 * at once; the first batch warms a cold guest up itself, so no pre-warm
 * goes before it. With no links yet, a pre-warm, so that the pasted ones
 * find the guest hydrated.
 */
async function start() {
  let links = [...config.sharedLinks];
  if (!links.length && auth.kind === 'simulator') links = await simulatorLinks();
  $('links').value = links.join('\n');
  if (links.length) {
    $('prewarm').textContent = 'by the first batch';
    return load(links);
  }
  $('prewarm').textContent = 'running';
  client.prewarm({ host: config.sharePointHost }).then((answer) => {
    $('prewarm').textContent = answer ? `${answer.hydration}/${answer.warmup}` : 'n/a';
  });
}

/** The local demo's links: the simulator's "shared with you" page for its demo guest (serve.mjs --sim). */
async function simulatorLinks() {
  const r = await fetch('/__sim/shared-with-you', { method: 'POST' });
  if (!r.ok) return [];
  const answer = await r.json();
  return Array.isArray(answer.links) ? answer.links.map((l) => String(l.url)) : [];
}

function linksOf(text) {
  return [...new Set(text.split(/\s+/).map((l) => l.trim()).filter(Boolean))];
}

/** Two batches: the driveItems (with thumbnails), then the permissions, which fill in badges and downloads. */
async function load(links) {
  if (!links.length) return;
  const run = ++generation;
  closePreview();
  setState('loading');
  $('loading-text').textContent = `Loading ${links.length === 1 ? '1 link' : `${links.length} links`}…`;
  $('grid').replaceChildren();
  $('grid-meta').textContent = '';
  try {
    const results = await client.resolveShares(links, { expand: 'thumbnails' });
    if (run !== generation) return;
    const cards = results.map((result, i) => card(links[i], result));
    $('grid').replaceChildren(...cards.map((c) => c.li));
    setState('grid');
    document.body.dataset.permissions = 'loading';
    const wanted = results.map((r) => r.ok);
    const asked = links.filter((_, i) => wanted[i]);
    const permissions = asked.length ? await client.getPermissions(asked) : [];
    if (run !== generation) return;
    let next = 0;
    cards.forEach((c, i) => {
      if (wanted[i]) c.permit(permissions[next++]);
    });
    document.body.dataset.permissions = 'done';
    const failed = results.filter((r) => !r.ok).length;
    $('grid-meta').textContent = `${links.length} links · ${failed ? `${failed} could not be opened` : 'all opened'}`;
  } catch (e) {
    if (run === generation) showError(e);
  }
}

// ---- a card ------------------------------------------------------------------

/**
 * A card for one link: the driveItem's thumbnail (or icon), name, size and
 * date, or the link's problem and what to do; `permit(result)` adds the
 * permission's badges and, unless it blocks downloads, the Download button.
 */
function card(link, result) {
  const li = document.createElement('li');
  const body = document.createElement('div');
  body.className = 'card-body';
  if (!result.ok) {
    const error = result.error;
    li.className = 'failed';
    li.dataset.state = 'failed';
    li.dataset.code = error.code;
    const name = text('div', 'card-name', error.title);
    const problem = document.createElement('p');
    problem.className = 'card-problem';
    const code = text('strong', '', error.code);
    problem.append(code, document.createTextNode(` · ${error.remediation}`));
    body.append(name, problem, text('div', 'card-facts', shortLink(link)));
    li.append(body);
    return { li, permit() {} };
  }
  const item = result.value;
  const [kind, label] = kindOf(item);
  li.dataset.state = 'ok';
  li.dataset.kind = kind;
  const thumb = document.createElement(item.folder ? 'a' : 'button');
  thumb.className = 'thumb';
  thumb.title = item.folder ? 'Open the folder' : 'Preview';
  const src = thumbnailOf(item);
  if (src) {
    const img = document.createElement('img');
    img.alt = '';
    img.src = src;
    thumb.append(img);
  } else {
    thumb.innerHTML = ICONS[kind];
  }
  const name = text('div', 'card-name', String(item.name ?? ''));
  const facts = text('div', 'card-facts', [item.folder ? items(item.folder.childCount) : humanSize(item.size), when(item.lastModifiedDateTime)].join(' · '));
  facts.title = label;
  const badges = document.createElement('div');
  badges.className = 'card-badges';
  const actions = document.createElement('div');
  actions.className = 'card-actions';
  if (item.folder) {
    thumb.href = folderView(link);
    const open = text('a', 'button ghost open-folder', 'Open folder');
    open.href = thumb.href;
    actions.append(open);
  } else {
    thumb.type = 'button';
    thumb.onclick = () => openPreview(link, item);
    const preview = text('button', 'ghost preview-button', 'Preview');
    preview.type = 'button';
    preview.onclick = thumb.onclick;
    actions.append(preview);
  }
  body.append(name, facts, badges, actions);
  li.append(thumb, body);
  return {
    li,
    permit(permission) {
      if (!permission?.ok) {
        badges.append(text('span', 'pill nodownload', 'permission unknown'));
        return;
      }
      const said = badgesOf(permission.value, Date.now());
      for (const [cls, words] of said.badges) badges.append(text('span', `pill ${cls}`, words));
      li.dataset.access = said.edit ? 'edit' : 'view';
      const download = downloadUrlOf(item);
      if (download && !said.blocksDownload) {
        const a = text('a', 'button primary download', 'Download');
        a.href = download;
        a.rel = 'noopener noreferrer';
        a.setAttribute('download', '');
        actions.append(a);
      }
    },
  };
}

/**
 * A URL the page may load as an image or open as a download: https, or, on
 * a loopback page (the local demo), the loopback simulator's http.
 */
function mediaUrl(url) {
  const safe = httpsUrl(url);
  if (safe || !config.overridable || typeof url !== 'string') return safe;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(parsed.hostname) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function thumbnailOf(item) {
  const set = Array.isArray(item.thumbnails) ? item.thumbnails[0] : undefined;
  return mediaUrl(set?.medium?.url ?? set?.large?.url ?? set?.small?.url);
}

function downloadUrlOf(item) {
  return mediaUrl(item['@microsoft.graph.downloadUrl']);
}

/** The single-link page with this folder's link, keeping this page's address-bar settings. */
function folderView(link) {
  const params = new URLSearchParams(config.overridable ? location.search : '');
  params.delete('links');
  params.set('link', link);
  return `./?${params}`;
}

function shortLink(link) {
  try {
    const url = new URL(link);
    return `${url.hostname}${url.pathname}`.slice(0, 60);
  } catch {
    return String(link).slice(0, 60);
  }
}

function text(tag, className, words) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = words;
  return el;
}

// ---- the preview -------------------------------------------------------------

/** Asks the service for a viewer URL and frames it, if it is on a preview host. */
async function openPreview(link, item) {
  const run = ++previewing;
  const panel = $('preview');
  panel.hidden = false;
  panel.dataset.state = 'loading';
  $('preview-name').textContent = String(item.name ?? '');
  $('preview-status').textContent = 'Opening the preview…';
  $('preview-frame').replaceChildren();
  panel.scrollIntoView({ block: 'nearest' });
  try {
    const preview = await client.preview(link, { viewer: 'onedrive', chromeless: true });
    if (run !== previewing) return;
    const url = typeof preview.getUrl === 'string' ? preview.getUrl : '';
    if (!previewable(url, config.previewHosts)) {
      panel.dataset.state = 'refused';
      const host = hostOf(url);
      $('preview-status').textContent = `The preview is on ${host ? `"${host}"` : 'no usable address'}, not on a SharePoint host this page allows (${config.previewHosts.join(', ')}): it is not shown.`;
      return;
    }
    const frame = document.createElement('iframe');
    frame.title = `Preview of ${String(item.name ?? 'the file')}`;
    frame.referrerPolicy = 'no-referrer';
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-popups allow-forms');
    frame.src = url;
    $('preview-frame').replaceChildren(frame);
    $('preview-status').textContent = '';
    panel.dataset.state = 'shown';
  } catch (e) {
    if (run !== previewing) return;
    panel.dataset.state = 'error';
    const error = asError(e);
    $('preview-status').textContent = `${error.title} (${error.code}). ${error.remediation}`;
  }
}

function closePreview() {
  previewing += 1;
  $('preview').hidden = true;
  $('preview-frame').replaceChildren();
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

// ---- the problem panel -----------------------------------------------------

function asError(e) {
  return e instanceof ShareResolverError
    ? e
    : new ShareResolverError({ code: 'app_error', status: 0, title: 'Something went wrong', detail: String(e?.message ?? e), remediation: 'Sign in again, then retry.' });
}

function showError(e) {
  const error = asError(e);
  $('error-title').textContent = error.title;
  $('error-code').textContent = error.status ? `${error.code} · HTTP ${error.status}` : error.code;
  $('error-detail').textContent = error.detail;
  $('error-detail').hidden = !error.detail;
  $('error-remediation').textContent = error.remediation;
  setState('error', error.code);
}

main();

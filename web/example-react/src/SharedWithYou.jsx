// The React "shared with you" page, as ../../example/shared.js: the links as
// a grid of cards from two batches (useResolveShares: the driveItems with
// thumbnails; usePermissions: their permissions), a preview in place
// (usePreview; framed only from a preview host), a Download link to the
// driveItem's downloadUrl (no token) unless the link blocks downloads, and
// folders opened in the single-link page. graph mode only, as the React
// example's sign-in.
import { useEffect, useMemo, useState } from 'react';

import { createShareResolverClient } from '@share-resolver/client';
import { ShareResolverProvider, usePermissions, usePreview, useResolveShares } from '@share-resolver/client/react';

import { badgesOf, httpsUrl, humanSize, ICONS, items, kindOf, previewable, when } from '../../example/render.js';
import { config } from './config.js';

/** https, or the loopback simulator's http on a loopback page (the local demo). */
function mediaUrl(url) {
  const safe = httpsUrl(url);
  if (safe || !config.loopback || typeof url !== 'string') return safe;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(parsed.hostname) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The single-link page (its folder view) with this link, keeping this page's address-bar settings. */
function folderViewOf(link) {
  const params = new URLSearchParams(config.loopback ? location.search : '');
  params.delete('links');
  params.set('link', link);
  return `./index.html?${params}`;
}

export function SharedWithYou({ auth }) {
  const [account, setAccount] = useState(auth.account);
  const [links, setLinks] = useState(config.sharedLinks);
  const [previewing, setPreviewing] = useState(null);
  const client = useMemo(
    () =>
      createShareResolverClient({
        baseUrl: config.service,
        getToken: () => auth.getToken(),
        onClaimsChallenge: auth.onClaimsChallenge,
        getSharePointToken: auth.getSharePointToken,
      }),
    [auth],
  );
  return (
    <ShareResolverProvider client={client}>
      <header className="bar">
        <div className="brand">
          <div>
            <h1>Shared with you · React</h1>
            <p className="sub">Files and folders people shared with you, through share-resolver</p>
          </div>
        </div>
        <div className="account">
          {account ? (
            <span id="account-name" className="who">{account.name}</span>
          ) : (
            <button id="sign-in" className="primary" type="button" onClick={() => auth.signIn().then(() => setAccount(auth.account))}>
              Sign in
            </button>
          )}
        </div>
      </header>
      <main>
        <form
          className="panel link-form"
          autoComplete="off"
          onSubmit={(event) => {
            event.preventDefault();
            setLinks(String(new FormData(event.currentTarget).get('links') ?? '').split(/\s+/).filter(Boolean));
          }}
        >
          <label htmlFor="links">Sharing links, one a line</label>
          <textarea id="links" name="links" rows={3} spellCheck="false" defaultValue={links.join('\n')} disabled={!account} />
          <div className="row end"><button id="show" className="primary" type="submit" disabled={!account}>Show</button></div>
        </form>
        {previewing && <PreviewPanel target={previewing} close={() => setPreviewing(null)} />}
        {account && <Grid links={links} preview={setPreviewing} />}
      </main>
      <footer className="foot">
        Service <code id="service">{config.service}</code> · sign-in <code id="auth-kind">{auth.kind}</code>
      </footer>
    </ShareResolverProvider>
  );
}

function Grid({ links, preview }) {
  const shares = useResolveShares(links, { expand: 'thumbnails' });
  // The permissions once the driveItems are in: a second batch, for the links that opened.
  const opened = shares.data ? links.filter((_, i) => shares.data[i]?.ok) : null;
  const permissions = usePermissions(opened);
  const permissionOf = useMemo(() => {
    const byLink = new Map();
    (opened ?? []).forEach((link, i) => byLink.set(link, permissions.data?.[i]));
    return byLink;
  }, [opened?.join(' '), permissions.data]);
  useEffect(() => {
    document.body.dataset.state = shares.status === 'success' ? 'grid' : shares.status;
    document.body.dataset.permissions = permissions.status === 'success' || (opened && !opened.length) ? 'done' : permissions.status;
  }, [shares.status, permissions.status]);
  if (shares.status === 'idle') return null;
  if (shares.status === 'loading') return <section className="panel status" id="loading"><span className="spinner" aria-hidden="true" /> Loading {links.length} links…</section>;
  if (shares.error) return <section className="panel problem" id="error" role="alert"><h2 id="error-title">{shares.error.title ?? shares.error.message}</h2><p className="remediation">{shares.error.remediation}</p></section>;
  return (
    <ul id="grid" className="grid" aria-label="Shared with you">
      {shares.data.map((result, i) => (
        <Card key={links[i]} link={links[i]} result={result} permission={permissionOf.get(links[i])} preview={preview} />
      ))}
    </ul>
  );
}

function Card({ link, result, permission, preview }) {
  if (!result.ok) {
    const { error } = result;
    return (
      <li className="failed" data-state="failed" data-code={error.code}>
        <div className="card-body">
          <div className="card-name">{error.title}</div>
          <p className="card-problem"><strong>{error.code}</strong>{` · ${error.remediation}`}</p>
        </div>
      </li>
    );
  }
  const item = result.value;
  const [kind, label] = kindOf(item);
  const set = Array.isArray(item.thumbnails) ? item.thumbnails[0] : undefined;
  const thumbnail = mediaUrl(set?.medium?.url ?? set?.large?.url ?? set?.small?.url);
  const said = permission?.ok ? badgesOf(permission.value, Date.now()) : undefined;
  const download = said && !said.blocksDownload ? mediaUrl(item['@microsoft.graph.downloadUrl']) : undefined;
  const folderView = folderViewOf(link);
  return (
    <li data-state="ok" data-kind={kind} data-access={said ? (said.edit ? 'edit' : 'view') : undefined}>
      {/* The icons are the page's own static SVG, never the service's data. */}
      <div className="thumb">{thumbnail ? <img alt="" src={thumbnail} /> : <span dangerouslySetInnerHTML={{ __html: ICONS[kind] }} />}</div>
      <div className="card-body">
        <div className="card-name">{item.name}</div>
        <div className="card-facts" title={label}>{`${item.folder ? items(item.folder.childCount) : humanSize(item.size)} · ${when(item.lastModifiedDateTime)}`}</div>
        <div className="card-badges">{said?.badges.map(([cls, words]) => <span key={cls} className={`pill ${cls}`}>{words}</span>)}</div>
        <div className="card-actions">
          {item.folder ? (
            <a className="button ghost open-folder" href={folderView}>Open folder</a>
          ) : (
            <button className="ghost preview-button" type="button" onClick={() => preview({ link, name: item.name })}>Preview</button>
          )}
          {download && <a className="button primary download" href={download} rel="noopener noreferrer" download="">Download</a>}
        </div>
      </div>
    </li>
  );
}

function PreviewPanel({ target, close }) {
  const { status, data, error } = usePreview(target.link, { viewer: 'onedrive', chromeless: true });
  const url = typeof data?.getUrl === 'string' ? data.getUrl : '';
  const allowed = status === 'success' && previewable(url, config.previewHosts);
  const state = status === 'success' ? (allowed ? 'shown' : 'refused') : status;
  return (
    <section id="preview" className="panel preview" data-state={state}>
      <div className="preview-head">
        <h2 id="preview-name">{target.name}</h2>
        <button id="preview-close" className="ghost" type="button" onClick={close}>Close</button>
      </div>
      {state === 'loading' && <p id="preview-status" className="muted">Opening the preview…</p>}
      {error && <p id="preview-status" className="muted">{`${error.title ?? error.message} (${error.code}). ${error.remediation ?? ''}`}</p>}
      {state === 'refused' && <p id="preview-status" className="muted">{`The preview is not on a SharePoint host this page allows (${config.previewHosts.join(', ')}): it is not shown.`}</p>}
      {allowed && (
        <div id="preview-frame" className="preview-frame">
          <iframe title={`Preview of ${target.name}`} src={url} referrerPolicy="no-referrer" sandbox="allow-scripts allow-same-origin allow-popups allow-forms" />
        </div>
      )}
    </section>
  );
}

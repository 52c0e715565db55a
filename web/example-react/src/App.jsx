// The React example: sign in (or the test seam), pre-warm once, paste a link,
// see the driveItem, and for a folder its children, a page at a time.
import { useEffect, useMemo, useState } from 'react';

import { createShareResolverClient } from '@share-resolver/client';
import { ShareResolverProvider, useChildren, useResolveShare } from '@share-resolver/client/react';

import { config } from './config.js';

/** One pre-warm per client, however often React runs the effect (strict mode runs it twice). */
const prewarms = new WeakMap();
function prewarmOnce(client) {
  if (!prewarms.has(client)) prewarms.set(client, client.prewarm({ host: config.sharePointHost }));
  return prewarms.get(client);
}

/** `url` if it is an https: URL, else undefined: no javascript:, data: or http: links. */
function httpsUrl(url) {
  try {
    return typeof url === 'string' && new URL(url).protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function App({ auth }) {
  const [account, setAccount] = useState(auth.account);
  // ?link=… opens a link at once (the card mounts with it: strict mode's double effect).
  const [link, setLink] = useState(() => new URLSearchParams(location.search).get('link') ?? '');
  const [prewarm, setPrewarm] = useState('not yet');
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
  useEffect(() => {
    // Effects of this component, counted: strict mode in development runs them twice.
    document.body.dataset.mounts = String(Number(document.body.dataset.mounts ?? 0) + 1);
  }, []);
  useEffect(() => {
    if (!account) return;
    setPrewarm('running');
    prewarmOnce(client).then((answer) => setPrewarm(answer ? `${answer.hydration}/${answer.warmup}` : 'n/a'));
  }, [client, account]);

  return (
    <ShareResolverProvider client={client}>
      <header className="bar">
        <div className="brand">
          <div>
            <h1>Shared link opener · React</h1>
            <p className="sub">SharePoint &amp; OneDrive links for guests, through share-resolver</p>
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
            setLink(String(new FormData(event.currentTarget).get('link') ?? ''));
          }}
        >
          <label htmlFor="link">Sharing link</label>
          <div className="row">
            <input id="link" name="link" type="text" defaultValue={link} inputMode="url" spellCheck="false" disabled={!account} placeholder="https://contoso.sharepoint.com/:w:/s/Team/E…" />
            <button id="open" className="primary" type="submit" disabled={!account}>Open</button>
          </div>
        </form>
        {account && <Shared link={link} />}
      </main>
      <footer className="foot">
        Service <code id="service">{config.service}</code> · sign-in <code id="auth-kind">{auth.kind}</code> · warm-up <code id="prewarm">{prewarm}</code>
      </footer>
    </ShareResolverProvider>
  );
}

function Shared({ link }) {
  const { status, data: item, meta, error, reload } = useResolveShare(link);
  useEffect(() => {
    document.body.dataset.state = status;
    document.body.dataset.code = error?.code ?? '';
  }, [status, error]);
  if (status === 'idle') return null;
  if (status === 'loading') return <section className="panel status" id="loading"><span className="spinner" aria-hidden="true" /> Opening the link…</section>;
  if (error) return <Problem error={error} retry={reload} />;
  const web = httpsUrl(item.webUrl);
  return (
    <>
      <article className="panel card" id="item">
        <div className="item-head">
          <div className="item-title">
            <h2 id="item-name">{item.name}</h2>
            <p id="item-kind" className="muted">{item.folder ? `Folder · ${item.folder.childCount ?? 0} items` : item.file?.mimeType ?? 'File'}</p>
          </div>
        </div>
        <div className="actions">{web && <a id="item-open" className="button primary" href={web} target="_blank" rel="noopener noreferrer">Open in SharePoint ↗</a>}</div>
        <p className="meta" id="item-meta">{`hydration ${meta.hydration} · warm-up ${meta.warmup} · ${meta.requests} request(s) from the page`}</p>
      </article>
      {item.folder && <Folder link={link} />}
    </>
  );
}

function Folder({ link }) {
  const { status, items, hasMore, loadMore, error } = useChildren(link, { pageSize: 2 });
  return (
    <section className="panel" id="children" data-status={status}>
      <h2>In this folder</h2>
      {error && <p id="children-error">{`${error.code ?? 'error'}: ${error.message}`}</p>}
      <ul id="children-list">
        {items.map((child) => (
          <li key={child.id}>{child.folder ? `${child.name} (folder)` : child.name}</li>
        ))}
      </ul>
      {hasMore && (
        <button id="more" className="ghost" type="button" disabled={status === 'loading'} onClick={loadMore}>
          Load more
        </button>
      )}
    </section>
  );
}

function Problem({ error, retry }) {
  return (
    <section className="panel problem" id="error" role="alert">
      <div className="problem-head">
        <span className="problem-icon" aria-hidden="true">!</span>
        <div>
          <h2 id="error-title">{error.title ?? 'Something went wrong'}</h2>
          <code id="error-code" className="badge">{error.status ? `${error.code} · HTTP ${error.status}` : error.code ?? error.name}</code>
        </div>
      </div>
      {error.detail && <p className="muted">{error.detail}</p>}
      <p className="remediation"><strong>What to do:</strong> <span id="error-remediation">{error.remediation ?? error.message}</span></p>
      <div className="actions"><button id="retry" className="ghost" type="button" onClick={retry}>Try again</button></div>
    </section>
  );
}

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { createAuth } from './auth.js';
import { SharedWithYou } from './SharedWithYou.jsx';

const root = createRoot(document.getElementById('root'));
createAuth().then(
  (auth) =>
    root.render(
      <StrictMode>
        <SharedWithYou auth={auth} />
      </StrictMode>,
    ),
  (error) => {
    document.body.dataset.state = 'setup';
    root.render(
      <main>
        <section className="panel" id="setup-error">
          <h2>Not configured</h2>
          <p id="setup-message">{error.message}</p>
        </section>
      </main>,
    );
  },
);

// MSAL.js v5's redirect bridge: hands the sign-in response back to the page
// that opened the popup (a file of its own: the page's CSP allows no inline script).
window.msalRedirectBridge.broadcastResponseToMainFrame().catch((e) => console.error('redirect bridge:', e));

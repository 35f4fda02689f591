export interface WebhooksAdminPageFeatures {
  /** The API takes `rateLimit` on create and update: the form shows the field. */
  rateLimit: boolean;
  /** The API refuses http:// URLs: the form says so before sending. */
  requireHttps: boolean;
}

/** The bundled page: its script and stylesheet by their hashed names, and every file it serves. */
export interface WebhooksAdminUiBundle {
  script: string;
  style: string;
  files: Map<string, Buffer>;
}

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The admin page's document (Admin → Live Chat → Webhooks): a shell that loads the bundled
 * script and stylesheet from `assets` (a path ending in `/`). It holds no data and no inline
 * script or style; the script finds the admin API from the page's own address.
 */
export function renderWebhooksAdminPage(assets: string, bundle: Pick<WebhooksAdminUiBundle, 'script' | 'style'>, features: WebhooksAdminPageFeatures): string {
  return `<!doctype html>
<html lang="en" data-rate-limit="${features.rateLimit}" data-require-https="${features.requireHttps}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Live Chat · Webhooks</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escape(assets + bundle.style)}">
<script type="module" src="${escape(assets + bundle.script)}"></script>
</head>
<body>
<header class="top">
  <nav class="crumbs" aria-label="Breadcrumb">Admin → Live Chat → Webhooks</nav>
  <p id="account" class="account" hidden></p>
  <nav class="sections" aria-label="Sections"><a href="#/" id="nav-list">Webhooks</a><a href="#/events" id="nav-events">Event catalog</a></nav>
</header>
<div id="auth" class="auth" hidden></div>
<div id="status" class="status-line" role="status" aria-live="polite"></div>
<main id="view" tabindex="-1"><p class="muted">Loading…</p><noscript><p>This page needs JavaScript.</p></noscript></main>
</body>
</html>
`;
}

/**
 * The viewer page: one self-contained HTML file (style, script and data inlined; nothing
 * loaded from a server or the network), so that it opens from disk and can be attached to
 * a bug report or a CI run.
 */
import { readFileSync } from 'node:fs'
import type { ViewData } from './view-data.ts'

const asset = (name: string): string => readFileSync(new URL(`./page/${name}`, import.meta.url), 'utf8')

/** JSON that cannot end the script element it sits in. */
function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

export function viewerHtml(data: ViewData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(`${data.source}: ${data.model}`)}</title>
<style>
${asset('viewer.css')}</style>
</head>
<body>
<header>
  <h1 id="title"></h1>
  <div class="meta" id="meta"></div>
  <div id="verdict"></div>
  <div class="keys">
    <kbd>↓</kbd>/<kbd>j</kbd> next step · <kbd>↑</kbd>/<kbd>k</kbd> previous · <kbd>Home</kbd> first ·
    <kbd>End</kbd>/<kbd>v</kbd> last (the violation) · click a row or an arrow
    <button id="layout-toggle" hidden></button>
  </div>
</header>
<main>
  <div id="chart"><div id="lanes-head"></div></div>
  <aside id="panel">
    <h2 id="state-title"></h2>
    <div id="step-label"></div>
    <div id="step-meta"></div>
    <div id="violation" class="violation-box" hidden></div>
    <div id="changed"></div>
    <div id="state"></div>
  </aside>
</main>
<script id="trace-data" type="application/json">${scriptJson(data)}</script>
<script>
${asset('viewer.js')}</script>
</body>
</html>
`
}
